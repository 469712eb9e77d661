// Where pack ids are written in a policy: its own `metadata.id` and the `inherits` entries naming its
// parents (a scalar or a list, block or flow). Definition, references, rename and document links all
// start from these places.
import { isScalar, isSeq, type Node } from 'yaml';
import type { Position, Range } from 'vscode-languageserver-types';
import type { PackCatalog, PackInfo } from './packCatalog';
import type { PolicyDocument } from './parse/policyDocument';

export interface PackIdMention {
  id: string;
  /** `id`: the pack's own `metadata.id`; `inherits`: an entry naming a parent. */
  role: 'id' | 'inherits';
  range: Range;
}

/** The `inherits` entries that are strings, in order. */
export function inheritsMentions(doc: PolicyDocument): PackIdMention[] {
  const found = doc.find(['metadata', 'inherits']);
  const mention = (n: unknown): PackIdMention[] => {
    const node = n as Node;
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return [];
    return [{ id: node.value, role: 'inherits', range: doc.nodeRange(node)! }];
  };
  if (isSeq(found?.node)) return found.node.items.flatMap(mention);
  return mention(found?.node);
}

/** The `metadata.id` value, when it is a string. */
export function idMention(doc: PolicyDocument): PackIdMention | undefined {
  const node = doc.find(['metadata', 'id'])?.node;
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  return { id: node.value, role: 'id', range: doc.nodeRange(node)! };
}

const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

/** The pack id under the cursor: on `metadata.id` or on an `inherits` entry. */
export function packIdAt(doc: PolicyDocument, position: Position): PackIdMention | undefined {
  const own = idMention(doc);
  if (own && contains(own.range, position)) return own;
  return inheritsMentions(doc).find((m) => contains(m.range, position));
}

/** Where a pack is declared: its `metadata.id` value, else the file's start (an id taken from the folder). */
export function declarationRange(doc: PolicyDocument | undefined): Range {
  const own = doc && idMention(doc);
  return own?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

/** The packs whose `inherits` names `id` (as the catalog knows them: open text wins over disk). */
export function childrenOf(catalog: PackCatalog, id: string): PackInfo[] {
  return catalog.all().filter((p) => p.inherits.includes(id));
}
