// Workspace symbols: the packs of the policy root (by id and title) and their rules (list entries, by
// text), matched the way VS Code's quick open matches: the query's characters in order, case-insensitive,
// word starts and runs scoring higher. Each pack's candidates are built once per document (an open
// version or a disk file stamp, see packDocuments.ts); a query walks them and keeps the best few.
import { SymbolKind, type Location, type WorkspaceSymbol } from 'vscode-languageserver-types';
import type { PackCatalog, PackInfo } from './packCatalog';
import type { PackDocuments } from './packDocuments';
import { declarationRange } from './packIds';
import type { PolicyDocument } from './parse/policyDocument';
import { ruleLists } from './parse/ruleLists';

/** More than anyone scrolls through; VS Code asks again as the query grows. */
export const WORKSPACE_SYMBOL_LIMIT = 100;

interface Candidate {
  /** The texts matched against the query (a pack: its id and title); the best match counts. */
  match: string[];
  symbol: WorkspaceSymbol;
}

const candidatesByDoc = new WeakMap<PolicyDocument, { pack: PackInfo; candidates: Candidate[] }>();

function candidatesOf(pack: PackInfo, doc: PolicyDocument): Candidate[] {
  const cached = candidatesByDoc.get(doc);
  if (cached && cached.pack.id === pack.id && cached.pack.title === pack.title) return cached.candidates;
  const at = (range: Location['range']): Location => ({ uri: doc.uri, range });
  const candidates: Candidate[] = [];
  const declared = at(declarationRange(doc));
  candidates.push({
    match: pack.title ? [pack.id, pack.title] : [pack.id],
    symbol: { name: pack.id, kind: SymbolKind.Package, location: declared, containerName: pack.title ?? '' },
  });
  for (const list of ruleLists(doc)) {
    if (list.key === 'metadata.inherits') continue;
    for (const entry of list.entries) {
      const r = entry.node.range;
      if (entry.text === undefined || !r) continue;
      candidates.push({
        match: [entry.text],
        symbol: {
          name: entry.text,
          kind: SymbolKind.String,
          location: at(doc.range(r[0], r[1])),
          containerName: `${pack.id} · ${list.key}`,
        },
      });
    }
  }
  candidatesByDoc.set(doc, { pack, candidates });
  return candidates;
}

const isWordStart = (text: string, i: number) => i === 0 || /[\s\-_./:*[\]{}()]/.test(text[i - 1]);

/**
 * How well `query` matches `text` as an in-order, case-insensitive subsequence; undefined when it does
 * not. Each matched character scores, more at a word start and more right after the previous match.
 */
export function fuzzyScore(query: string, text: string): number | undefined {
  if (!query) return 0;
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  let score = 0;
  let last = -2;
  let from = 0;
  for (const ch of q) {
    if (ch === ' ') continue;
    const i = t.indexOf(ch, from);
    if (i < 0) return undefined;
    score += 1 + (i === last + 1 ? 3 : 0) + (isWordStart(text, i) ? 2 : 0);
    last = i;
    from = i + 1;
  }
  // Shorter texts first among equal matches: `cavra-base` before `cavra-base-extended`.
  return score - t.length / 1000;
}

function bestScore(query: string, texts: string[]): number | undefined {
  let best: number | undefined;
  for (const t of texts) {
    const s = fuzzyScore(query, t);
    if (s !== undefined && (best === undefined || s > best)) best = s;
  }
  return best;
}

export function workspaceSymbols(query: string, catalog: PackCatalog, packs: PackDocuments): WorkspaceSymbol[] {
  const best: { score: number; symbol: WorkspaceSymbol }[] = [];
  for (const pack of catalog.all()) {
    const doc = packs.document(pack.file);
    if (!doc) continue;
    for (const c of candidatesOf(pack, doc)) {
      const score = bestScore(query, c.match);
      if (score === undefined) continue;
      if (best.length === WORKSPACE_SYMBOL_LIMIT && score <= best[best.length - 1].score) continue;
      // Sorted insertion keeps only the best few: the work per candidate stays small on big roots.
      let i = best.length;
      while (i > 0 && best[i - 1].score < score) i--;
      best.splice(i, 0, { score, symbol: c.symbol });
      if (best.length > WORKSPACE_SYMBOL_LIMIT) best.pop();
    }
  }
  return best.map((b) => b.symbol);
}
