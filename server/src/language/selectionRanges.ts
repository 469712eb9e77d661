// Selection ranges (expand selection): from the entry under the cursor outwards through the YAML
// structure: entry -> list -> `key: list` -> section -> `section:` with its key -> document.
import { isMap, isPair, isSeq, type Node } from 'yaml';
import type { Position, Range, SelectionRange } from 'vscode-languageserver-types';
import type { Analysis } from './analysis';
import type { PolicyDocument } from './parse/policyDocument';

/** The end of [start, end) without the line breaks and blanks a block collection ends with. */
function trimmedEnd(doc: PolicyDocument, start: number, end: number): number {
  while (end > start && /\s/.test(doc.text[end - 1])) end--;
  return end;
}

/** The spans around `offset`, outermost first, as [start, end) offsets. */
function spans(doc: PolicyDocument, offset: number): [number, number][] {
  const out: [number, number][] = [];
  let node: Node | null | undefined = doc.root;
  while (node?.range) {
    const inside: [number, number] = [node.range[0], trimmedEnd(doc, node.range[0], node.range[1])];
    out.push(inside);
    let next: Node | null | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        const start = key?.range?.[0] ?? value?.range?.[0];
        const end = value?.range?.[1] ?? key?.range?.[1];
        if (start === undefined || end === undefined || offset < start || offset > end) continue;
        // The whole pair (key and value), then the key alone or the value within it.
        out.push([start, trimmedEnd(doc, start, end)]);
        if (key?.range && offset <= key.range[1]) out.push([key.range[0], key.range[1]]);
        else next = value;
        break;
      }
    } else if (isSeq(node)) {
      next = (node.items as (Node | null)[]).find((item) => item?.range && offset >= item.range[0] && offset <= item.range[1]);
    }
    if (!next) break;
    node = next;
  }
  return out;
}

export function selectionRanges(a: Analysis, positions: Position[]): SelectionRange[] {
  const doc = a.doc;
  const whole: Range = doc.range(0, doc.text.length);
  return positions.map((position) => {
    let parent: SelectionRange = { range: whole };
    const outer = spans(doc, doc.offsetAt(position));
    let last: [number, number] = [0, doc.text.length];
    for (const [start, end] of outer) {
      // Skip a span equal to its parent (a document that is one mapping, a pair whose value is all of it).
      if (start === last[0] && end === last[1]) continue;
      if (start < last[0] || end > last[1]) continue;
      parent = { range: doc.range(start, end), parent };
      last = [start, end];
    }
    return parent;
  });
}
