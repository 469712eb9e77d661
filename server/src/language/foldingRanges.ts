// Folding ranges: every key or list entry whose value spans lines (sections, lists, multi-line and
// block scalars, flow collections written over lines) folds from its first line to its last; runs of
// two or more comment lines fold as comments. Computed once per document version.
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { Analysis } from './languageService';
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

function commentBlocks(doc: PolicyDocument, out: FoldingRange[]): void {
  let start = -1;
  const close = (line: number) => {
    if (start >= 0 && line - 1 > start) out.push({ startLine: start, endLine: line - 1, kind: FoldingRangeKind.Comment });
    start = -1;
  };
  for (let line = 0; line < doc.lineCount; line++) {
    const [s, e] = doc.lineBounds(line);
    const isComment = /^\s*#/.test(doc.text.slice(s, Math.min(e, s + 200)));
    if (isComment && start < 0) start = line;
    else if (!isComment) close(line);
  }
  close(doc.lineCount);
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
