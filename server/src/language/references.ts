// Find references of a pack id (on its `metadata.id` or on an `inherits` entry naming it): the packs
// that inherit it (their `inherits` entries), its decision test cases, and the approvals bound to it.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, isSeq, type Node } from 'yaml';
import type { Location, Position } from 'vscode-languageserver-types';
import { DECISION_TESTS_FILE } from '../policy/decisionTestsFile';
import type { Analysis } from './analysis';
import type { PackDocuments } from './packDocuments';
import { childrenOf, declarationRange, inheritsMentions, packIdAt } from './packIds';
import { keyString, type PolicyDocument } from './parse/policyDocument';

/**
 * The approvals bound to a pack, where they are written. The approval store belongs to the backend,
 * which the language service does not import: the server passes this in.
 */
export interface ApprovalLocations {
  boundTo(packId: string): Location[];
}

/** Each case of a decision tests file (`cases:` with a list, or a bare list): its first line. */
function testCaseLocations(doc: PolicyDocument): Location[] {
  let seq: Node | null | undefined = doc.root;
  if (isMap(seq)) seq = seq.items.find((p) => keyString(p.key) === 'cases')?.value as Node | undefined;
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((item) => {
    const range = (item as Node | null)?.range;
    if (!range) return [];
    const start = doc.positionAt(range[0]);
    const end = Math.min(range[1], doc.lineBounds(start.line)[1]);
    return [{ uri: doc.uri, range: { start, end: doc.positionAt(end) } }];
  });
}

export function references(
  a: Analysis,
  position: Position,
  includeDeclaration: boolean,
  packs: PackDocuments,
  approvals?: ApprovalLocations,
): Location[] {
  const mention = packIdAt(a.doc, position);
  if (!mention) return [];
  const catalog = a.context.catalog;
  const pack = catalog.get(mention.id);
  const out: Location[] = [];
  if (includeDeclaration && pack) {
    const doc = packs.document(pack.file);
    out.push({ uri: doc?.uri ?? pathToFileURL(pack.file).href, range: declarationRange(doc) });
  }
  for (const child of childrenOf(catalog, mention.id)) {
    const doc = packs.document(child.file);
    if (!doc) continue;
    for (const m of inheritsMentions(doc)) if (m.id === mention.id) out.push({ uri: doc.uri, range: m.range });
  }
  if (pack) {
    const tests = packs.document(join(dirname(pack.file), DECISION_TESTS_FILE));
    if (tests) out.push(...testCaseLocations(tests));
  }
  if (approvals) out.push(...approvals.boundTo(mention.id));
  return out;
}
