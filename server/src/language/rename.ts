// Rename a pack id (on its `metadata.id` or on an `inherits` entry naming it): one WorkspaceEdit that
// rewrites `metadata.id` and every `inherits` entry naming it, then renames the pack folder (its
// decision tests file, policy.tests.yaml, moves with it: the runner finds it by folder). A rename that
// would rewrite a published (signed) policy.yaml is refused: the signature and the approvals bound to
// its digest would no longer match.
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packFiles } from './packFiles';
import type { Position, Range, TextDocumentEdit, WorkspaceEdit, RenameFile } from 'vscode-languageserver-types';
import type { Analysis } from './analysis';
import type { PackInfo } from './packCatalog';
import type { PackDocuments } from './packDocuments';
import { childrenOf, idMention, inheritsMentions, packIdAt } from './packIds';
import type { PolicyDocument } from './parse/policyDocument';
import { policySchema } from './policySchema';

/** Either what the rename does, or why it cannot be done (shown to the user as it is). */
export type RenameAnswer<T> = { ok: T } | { refused: string };

const SIGNATURE_SUFFIX = '.sig.json';

/** CAVRA's pack id rule, from the schema (`metadata.id.pattern`), with its words for messages. */
function idRule(): { pattern: RegExp; words: string } {
  const id = policySchema.properties?.metadata?.properties?.id;
  return { pattern: new RegExp(id?.pattern ?? '.+', 'u'), words: id?.['x-pattern-words'] ?? `matching ${id?.pattern}` };
}

/** The pack to rename and the range of the id under the cursor, or why there is none. */
function target(a: Analysis, position: Position, packs: PackDocuments): RenameAnswer<{ pack: PackInfo; range: Range }> {
  const mention = packIdAt(a.doc, position);
  if (!mention) return { refused: 'Rename a pack from its `metadata.id` or from an `inherits` entry naming it.' };
  const pack = a.context.catalog.get(mention.id);
  if (!pack) return { refused: `No pack \`${mention.id}\` under the policy root: there is nothing to rename.` };
  const signed = touchedFiles(a, pack, packs).filter((f) => packFiles().exists(f + SIGNATURE_SUFFIX));
  if (signed.length) {
    const where = (f: string) => `${basename(dirname(dirname(f)))}/${basename(dirname(f))}/${basename(f)}`;
    const own = signed.includes(pack.file);
    const children = signed.filter((f) => f !== pack.file).map(where);
    const reasons = [
      ...(own ? [`${where(pack.file)} is published`] : []),
      ...(children.length ? [`published ${children.join(', ')} ${children.length === 1 ? 'inherits' : 'inherit'} it`] : []),
    ];
    return {
      refused: `Cannot rename \`${pack.id}\`: ${reasons.join(' and ')}. Rewriting a signed policy.yaml breaks its policy.yaml.sig.json and the approvals bound to its digest; publish a pack under the new id through an approval instead.`,
    };
  }
  return { ok: { pack, range: mention.range } };
}

/**
 * The policy files the rename rewrites: the pack's own and each child's whose `inherits` names it, plus
 * the file asked from when it names the pack but is no pack of the root (a draft beside it).
 */
function touchedFiles(a: Analysis, pack: PackInfo, packs: PackDocuments): string[] {
  const names = (doc: PolicyDocument | undefined) => !!doc && inheritsMentions(doc).some((m) => m.id === pack.id);
  const files = [pack.file];
  for (const c of childrenOf(a.context.catalog, pack.id))
    if (c.file !== pack.file && names(packs.document(c.file))) files.push(c.file);
  const asked = a.context.file;
  if (asked && !files.includes(asked) && names(a.doc)) files.push(asked);
  return files;
}

export function prepareRename(
  a: Analysis,
  position: Position,
  packs: PackDocuments,
): RenameAnswer<{ range: Range; placeholder: string }> {
  const t = target(a, position, packs);
  return 'refused' in t ? t : { ok: { range: t.ok.range, placeholder: t.ok.pack.id } };
}

export function rename(a: Analysis, position: Position, newId: string, packs: PackDocuments): RenameAnswer<WorkspaceEdit> {
  const t = target(a, position, packs);
  if ('refused' in t) return t;
  const { pack } = t.ok;
  if (newId === pack.id) return { ok: { documentChanges: [] } };
  const rule = idRule();
  if (!rule.pattern.test(newId))
    return { refused: `\`${newId}\` is not a valid pack id: CAVRA needs ${rule.words} (e.g. cavra-payments).` };
  const folder = dirname(pack.file);
  const newFolder = join(dirname(folder), newId);
  const taken = a.context.catalog.get(newId);
  if (taken) return { refused: `A pack \`${newId}\` already exists (${taken.file}).` };
  if (newFolder !== folder && packFiles().exists(newFolder))
    return { refused: `The folder ${newFolder} already exists: the pack folder cannot be renamed to it.` };
  const changes: (TextDocumentEdit | RenameFile)[] = [];
  for (const file of touchedFiles(a, pack, packs)) {
    const doc = file === a.context.file ? a.doc : packs.document(file);
    if (!doc) return { refused: `Cannot read ${file}; nothing was renamed.` };
    const edits = inheritsMentions(doc).filter((m) => m.id === pack.id);
    const own = file === pack.file ? idMention(doc) : undefined;
    if (own) edits.unshift(own);
    if (!edits.length) continue;
    changes.push({
      textDocument: { uri: doc.uri, version: doc === a.doc ? a.doc.version : packs.openVersion(file) },
      edits: edits.map((m) => ({ range: m.range, newText: newId })),
    });
  }
  // Last: the text edits above name files by their old folder.
  if (newFolder !== folder)
    changes.push({ kind: 'rename', oldUri: pathToFileURL(folder).href, newUri: pathToFileURL(newFolder).href });
  return { ok: { documentChanges: changes } };
}
