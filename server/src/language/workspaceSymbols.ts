// Workspace symbols: the packs of the policy root (by id and title) and their rules (list entries, by
// text), matched the way VS Code's quick open matches: the query's characters in order, case-insensitive,
// word starts and runs scoring higher. Each pack's candidates are built once per document (an open
// version or a disk file stamp, see packDocuments.ts); a query walks them and keeps the best few.
import { SymbolKind, type WorkspaceSymbol } from 'vscode-languageserver-types';
import type { PackCatalog, PackInfo } from './packCatalog';
import type { PackDocuments } from './packDocuments';
import { declarationRange } from './packIds';
import type { PolicyDocument } from './parse/policyDocument';
import { ruleLists, type RuleEntry } from './parse/ruleLists';

/** More than anyone scrolls through; VS Code asks again as the query grows. */
export const WORKSPACE_SYMBOL_LIMIT = 100;

/** One pack's searchable texts, kept per document: its rule entries as references, their texts lowercased once. */
interface PackIndex {
  pack: PackInfo;
  entries: RuleEntry[];
  lists: string[];
  lowered: string[];
}

const indexByDoc = new WeakMap<PolicyDocument, PackIndex>();

function indexOf(pack: PackInfo, doc: PolicyDocument): PackIndex {
  const cached = indexByDoc.get(doc);
  if (cached && cached.pack.id === pack.id && cached.pack.title === pack.title) return cached;
  // Parallel arrays, no object per entry: a big root holds hundreds of thousands of entries.
  const index: PackIndex = { pack, entries: [], lists: [], lowered: [] };
  for (const list of ruleLists(doc)) {
    if (list.key === 'metadata.inherits') continue;
    for (const entry of list.entries) {
      if (entry.text === undefined || !entry.node.range) continue;
      index.entries.push(entry);
      index.lists.push(list.key);
      index.lowered.push(entry.text.toLowerCase());
    }
  }
  indexByDoc.set(doc, index);
  return index;
}

const SEPARATORS = new Set([...' \t-_./:*[]{}()']);
const isWordStart = (text: string, i: number) => i === 0 || SEPARATORS.has(text[i - 1]);

/** A typed query as matched: lowercase, without blanks (`team 7` finds "Team 7 rules"). */
export const matchQuery = (query: string) => query.replace(/\s+/g, '').toLowerCase();

/**
 * How well `q` (a matchQuery) matches `text` as an in-order, case-insensitive subsequence; undefined
 * when it does not. Each matched character scores, more at a word start and more right after the previous match.
 */
export function fuzzyScore(q: string, text: string, lowered = text.toLowerCase()): number | undefined {
  const t = lowered;
  let score = 0;
  let last = -2;
  let from = 0;
  for (const ch of q) {
    const i = t.indexOf(ch, from);
    if (i < 0) return undefined;
    score += 1 + (i === last + 1 ? 3 : 0) + (isWordStart(text, i) ? 2 : 0);
    last = i;
    from = i + 1;
  }
  // Shorter texts first among equal matches: `cavra-base` before `cavra-base-extended`.
  return score - t.length / 1000;
}

/** What a match found, turned into a symbol only when it makes the cut. */
type Found = { score: number; doc: PolicyDocument; index: PackIndex; entry: number };

function symbolOf(f: Found): WorkspaceSymbol {
  const { doc, index } = f;
  const pack = index.pack;
  if (f.entry < 0)
    return {
      name: pack.id,
      kind: SymbolKind.Package,
      location: { uri: doc.uri, range: declarationRange(doc) },
      containerName: pack.title ?? '',
    };
  const entry = index.entries[f.entry];
  const r = entry.node.range!;
  return {
    name: entry.text!,
    kind: SymbolKind.String,
    location: { uri: doc.uri, range: doc.range(r[0], r[1]) },
    containerName: `${pack.id} · ${index.lists[f.entry]}`,
  };
}

/** `catalogs`: one per workspace folder (a multi-root workspace searches them all). */
export function workspaceSymbols(query: string, catalogs: readonly PackCatalog[], packs: PackDocuments): WorkspaceSymbol[] {
  const best: Found[] = [];
  const q = matchQuery(query);
  const consider = (score: number | undefined, doc: PolicyDocument, index: PackIndex, entry: number) => {
    if (score === undefined) return;
    if (best.length === WORKSPACE_SYMBOL_LIMIT && score <= best[best.length - 1].score) return;
    // Sorted insertion keeps only the best few: the work per candidate stays small on big roots.
    let i = best.length;
    while (i > 0 && best[i - 1].score < score) i--;
    best.splice(i, 0, { score, doc, index, entry });
    if (best.length > WORKSPACE_SYMBOL_LIMIT) best.pop();
  };
  for (const pack of catalogs.flatMap((c) => c.all())) {
    const doc = packs.document(pack.file);
    if (!doc) continue;
    const index = indexOf(pack, doc);
    const byId = fuzzyScore(q, pack.id);
    const byTitle = pack.title === undefined ? undefined : fuzzyScore(q, pack.title);
    consider(byTitle === undefined || (byId !== undefined && byId >= byTitle) ? byId : byTitle, doc, index, -1);
    for (let e = 0; e < index.entries.length; e++)
      consider(fuzzyScore(q, index.entries[e].text!, index.lowered[e]), doc, index, e);
  }
  return best.map(symbolOf);
}
