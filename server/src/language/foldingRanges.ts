// Folding ranges: every key or list entry whose value spans lines (sections, lists, multi-line and
// block scalars, flow collections written over lines) folds from its first line to its last; runs of
// two or more comment lines fold as comments. Computed once per document version.
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { Analysis } from './analysis';
import type { PolicyDocument } from './parse/policyDocument';

const cache = new WeakMap<PolicyDocument, FoldingRange[]>();

/** The last line holding text of [start, end): a block collection's range ends after its line break. */
function lastLine(doc: PolicyDocument, start: number, end: number): number {
  while (end > start && /\s/.test(doc.text[end - 1])) end--;
  return doc.positionAt(end).line;
}

function walk(doc: PolicyDocument, node: Node | null | undefined, from: number | undefined, out: FoldingRange[]): void {
  if (!node?.range) return;
  const startLine = doc.positionAt(from ?? node.range[0]).line;
  const endLine = lastLine(doc, node.range[0], node.range[1]);
  if (endLine > startLine && from !== undefined) out.push({ startLine, endLine });
  if (isScalar(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      walk(doc, pair.value as Node | null, key?.range?.[0], out);
    }
  } else if (isSeq(node)) {
    // A list of scalars has nothing to fold inside: skip the walk over thousands of entries.
    for (const item of node.items) if (!isScalar(item)) walk(doc, item as Node, (item as Node | null)?.range?.[0], out);
  }
}

/** Lines that are only a comment; found from each `#`, so a long list without comments costs one search. */
function commentLines(doc: PolicyDocument): number[] {
  const text = doc.text;
  const lines: number[] = [];
  for (let at = text.indexOf('#'); at >= 0; at = text.indexOf('#', at + 1)) {
    const { line, character } = doc.positionAt(at);
    if (/^[ \t]*$/.test(text.slice(at - character, at))) {
      lines.push(line);
      // The rest of this line is the comment: go on from the next line.
      const next = doc.lineBounds(line)[1];
      at = Math.max(at, next);
    }
  }
  return lines;
}

function commentBlocks(doc: PolicyDocument, out: FoldingRange[]): void {
  const lines = commentLines(doc);
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    if (j > i) out.push({ startLine: lines[i], endLine: lines[j], kind: FoldingRangeKind.Comment });
    i = j + 1;
  }
}

export function foldingRanges(a: Analysis): FoldingRange[] {
  let ranges = cache.get(a.doc);
  if (!ranges) {
    ranges = [];
    walk(a.doc, a.doc.root, undefined, ranges);
    commentBlocks(a.doc, ranges);
    ranges.sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine);
    cache.set(a.doc, ranges);
  }
  return ranges;
}
