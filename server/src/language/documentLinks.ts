// Document links: each `inherits` entry naming a pack under the policy root links to the parent's
// policy.yaml (Ctrl+click), so the chain can be walked without go to definition.
import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver-types';
import type { Analysis } from './analysis';
import { inheritsMentions } from './packIds';

export function documentLinks(a: Analysis): DocumentLink[] {
  return inheritsMentions(a.doc).flatMap((m) => {
    const parent = a.context.catalog.get(m.id);
    if (!parent) return [];
    return [{ range: m.range, target: pathToFileURL(parent.file).href, tooltip: `Open the parent pack ${m.id}` }];
  });
}
