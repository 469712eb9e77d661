// A keystroke inside a long list, applied to the previous version's tree instead of reading the whole
// text again. The edit is taken when the lines it touches were, and still are, entries of one block
// list — one-line plain or quoted scalars at the list's indentation — or blank lines: those lines are
// read again (by the block reader), their nodes replace the old ones, and every offset after them moves
// by the length difference. Anything else (keys, comments, indentation changes, anchors, flow or block
// scalars, errors anywhere, an edit joining a list to its neighbours) answers undefined: read it all.
// test/unit/language/incremental*.test.ts hold the result to a fresh reading of the same text.
import * as yaml from 'yaml';
import type { Node, YAMLMap, YAMLSeq } from 'yaml';
import type { PyValue } from '../policy/pythonValues';
import { BLANK, BlockReader, COMMENT, lineTable, withinSubset } from './blockYaml';
import { keyString, MERGE_KEY, PolicyDocument, type YamlPath } from './policyDocument';

// Bound once: the bundle reads each `yaml` import through an accessor, a cost in loops over every node.
const { isAlias, isMap, isScalar, isSeq, visit } = yaml;

/** What changed: in `seq`, `removed` items from `at` on were replaced by `added` new ones. */
export interface ListEdit {
  seq: YAMLSeq;
  /** Where the list is in the document's value. */
  path: YamlPath;
  at: number;
  removed: number;
  added: number;
  /** The old items that left the tree. */
  removedNodes: Node[];
}

export interface EditedDocument {
  doc: PolicyDocument;
  /** Undefined when the text did not change. */
  edit?: ListEdit;
}

/** Characters the block reader never reads (see blockYaml.ts); an edit bringing one in is read in full. */
const OUTSIDE_SUBSET = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const DASH = 0x2d;

/** The trees whose edits are applied in place: no errors, one document, a mapping, no anchors or merges. */
const editable = new WeakMap<PolicyDocument, boolean>();
/** Documents whose tree an edit has taken over: never edited again. */
const superseded = new WeakSet<PolicyDocument>();

/** Whether an edit of this version can be applied to its tree (else its successor is read in full). */
export function isEditable(doc: PolicyDocument): boolean {
  let ok = editable.get(doc);
  if (ok === undefined && doc.plainBlocks) ok = !superseded.has(doc);
  if (ok === undefined) {
    const y = doc.yaml;
    ok = !superseded.has(doc) && !y.doc.errors.length && !y.doc.warnings.length && !y.extraDocuments.length && y.loadError === undefined
      && y.value !== undefined && isMap(doc.root) && !doc.root.flow;
    if (ok) {
      // Anchors, aliases and merge keys make one node stand for several values, and a key that is a
      // collection is no name: not edited in place.
      visit(y.doc, {
        Node(_key, node) {
          if (isAlias(node) || (node as { anchor?: string }).anchor) {
            ok = false;
            return visit.BREAK;
          }
          return undefined;
        },
        Pair(_key, pair) {
          if (!isScalar(pair.key) || keyString(pair.key) === MERGE_KEY) {
            ok = false;
            return visit.BREAK;
          }
          return undefined;
        },
      });
    }
    editable.set(doc, ok);
  }
  return ok;
}

interface LineFacts {
  start: number;
  end: number;
  indent: number;
  kind: 'blank' | 'comment' | 'content';
}

function lineFacts(text: string, start: number): LineFacts {
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  let p = start;
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  return { start, end, indent: p - start, kind: p === end ? 'blank' : text.charCodeAt(p) === HASH ? 'comment' : 'content' };
}

function isItemLine(text: string, f: LineFacts): boolean {
  const p = f.start + f.indent;
  return f.kind === 'content' && text.charCodeAt(p) === DASH && (p + 1 === f.end || text.charCodeAt(p + 1) === SPACE);
}

interface ItemPlace {
  seq: YAMLSeq;
  index: number;
  /** The collections from the root down to `seq`, and the path to it. */
  chain: (YAMLMap | YAMLSeq)[];
  path: YamlPath;
}

/** The block list entry that starts on a line (a one-line scalar whose `-` is the line's first character). */
function itemOnLine(doc: PolicyDocument, line: number): ItemPlace | undefined {
  const [ls, le] = doc.lineBounds(line);
  const f = lineFacts(doc.text, ls);
  if (!isItemLine(doc.text, f)) return undefined;
  const chain: (YAMLMap | YAMLSeq)[] = [];
  const path: YamlPath = [];
  let node: Node | null | undefined = doc.root;
  for (;;) {
    if (isMap(node)) {
      let i = node.items.length - 1;
      while (i >= 0 && ((node.items[i].key as Node | null)?.range?.[0] ?? Infinity) > le) i--;
      if (i < 0) return undefined;
      chain.push(node);
      path.push(keyString(node.items[i].key));
      node = node.items[i].value as Node | null;
    } else if (isSeq(node)) {
      const items = node.items as Node[];
      let lo = 0;
      let hi = items.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((items[mid]?.range?.[0] ?? Infinity) <= le) lo = mid;
        else hi = mid - 1;
      }
      const item = items[lo];
      if (!item?.range || item.range[0] > le) return undefined;
      if (item.range[0] >= ls) {
        if (!isScalar(item) || node.flow || item.range[1] > le) return undefined;
        return { seq: node, index: lo, chain: [...chain, node], path };
      }
      chain.push(node);
      path.push(lo);
      node = item;
    } else return undefined;
  }
}

function valueAt(value: PyValue | undefined, path: YamlPath): PyValue | undefined {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, PyValue>)[seg];
  }
  return v;
}

/**
 * Moves every offset after the edit: a node starting at or after `from` moves whole; one starting
 * before it moves only the ends past `from` (an end at `from` closes it before the edit).
 */
function shift(node: Node | null | undefined, from: number, delta: number, skip: YAMLSeq, skipFrom: number, skipTo: number): void {
  const r = node?.range;
  if (!r || r[2] < from) return;
  if (r[0] >= from) {
    r[0] += delta;
    r[1] += delta;
    r[2] += delta;
  } else {
    if (r[1] > from) r[1] += delta;
    if (r[2] > from) r[2] += delta;
  }
  if (isMap(node)) {
    for (const p of node.items) {
      shift(p.key as Node, from, delta, skip, skipFrom, skipTo);
      shift(p.value as Node, from, delta, skip, skipFrom, skipTo);
    }
  } else if (isSeq(node)) {
    const items = node.items as Node[];
    for (let i = 0; i < items.length; i++) {
      if (node === skip && i >= skipFrom && i < skipTo) continue;
      const item = items[i];
      // Lists of thousands of scalars after the edit: moved here without a call each.
      const ir = item?.range;
      if (ir && ir[0] >= from && isScalar(item)) {
        ir[0] += delta;
        ir[1] += delta;
        ir[2] += delta;
      } else shift(item, from, delta, skip, skipFrom, skipTo);
    }
  }
}

/** Where the two texts differ: [common prefix length, common suffix length]. */
function difference(a: string, b: string): [number, number] {
  const min = Math.min(a.length, b.length);
  let p = 0;
  // Whole chunks first: string comparison runs natively.
  for (const step of [4096, 256, 16]) while (p + step <= min && a.substr(p, step) === b.substr(p, step)) p += step;
  while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  const room = min - p;
  for (const step of [4096, 256, 16]) while (s + step <= room && a.substr(a.length - s - step, step) === b.substr(b.length - s - step, step)) s += step;
  while (s < room && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return alignToLines(a, b, p, s);
}

/**
 * An insertion or a deletion can often be placed at several offsets (typing Enter then spaces at the
 * end of a line reads as well as spaces then Enter at the start of the next one). Prefer the place
 * where whole lines come or go, so the lines around are not touched.
 */
function alignToLines(a: string, b: string, p: number, s: number): [number, number] {
  const inserted = b.length - s - p;
  const deleted = a.length - s - p;
  if ((inserted > 0) === (deleted > 0)) return [p, s];
  const longer = inserted > 0 ? b : a;
  const k = inserted > 0 ? inserted : deleted;
  const lineStartAt = (x: number) => x === 0 || a.charCodeAt(x - 1) === 0x0a;
  for (let x = p, steps = 0; x >= 0 && steps < 1000; x--, steps++) {
    if (lineStartAt(x) && longer.charCodeAt(x + k - 1) === 0x0a) return [x, a.length - x - deleted];
    // Sliding one character left keeps the same result while the character before equals the last one moved.
    if (x === 0 || a.charCodeAt(x - 1) !== longer.charCodeAt(x + k - 1)) break;
  }
  return [p, s];
}

export function editPolicyDocument(prev: PolicyDocument, version: number, text: string): EditedDocument | undefined {
  if (!isEditable(prev)) return undefined;
  const old = prev.text;
  if (old === text) {
    const doc = new PolicyDocument(prev.uri, version, text, { yaml: prev.yaml, lineStarts: prev.lineStartOffsets() });
    editable.set(doc, true);
    superseded.add(prev);
    return { doc };
  }
  const [p, s] = difference(old, text);
  const delta = text.length - old.length;
  const changedOldEnd = old.length - s;
  const changedNewEnd = text.length - s;
  // The edited region as whole lines: [from, to) in the old text, [from, to + delta) in the new one.
  const from = old.lastIndexOf('\n', p - 1) + 1;
  let to: number;
  const atLineStart = (t: string, at: number) => at === 0 || t.charCodeAt(at - 1) === NEWLINE;
  if (atLineStart(old, changedOldEnd) && atLineStart(text, changedNewEnd)) to = changedOldEnd;
  else {
    const nl = old.indexOf('\n', changedOldEnd);
    to = nl < 0 ? old.length : nl + 1;
  }
  const newTo = to + delta;
  if (OUTSIDE_SUBSET.test(text.slice(from, newTo)) || OUTSIDE_SUBSET.test(old.slice(from, to))) return undefined;

  const starts = prev.lineStartOffsets();
  const firstLine = prev.positionAt(from).line;
  // The first line starting at or after the region's end (starts.length when there is none).
  let afterLine = firstLine;
  while (afterLine < starts.length && starts[afterLine] < to) afterLine++;

  // The old lines: blank, or consecutive entries of one list.
  let place: ItemPlace | undefined;
  let at = -1;
  let removed = 0;
  for (let line = firstLine; line < afterLine; line++) {
    const f = lineFacts(old, starts[line]);
    if (f.kind === 'comment') return undefined;
    if (f.kind === 'blank') continue;
    const here = itemOnLine(prev, line);
    if (!here || (place && (here.seq !== place.seq || here.index !== at + removed))) return undefined;
    if (!place) {
      place = here;
      at = here.index;
    }
    removed++;
  }
  // The content lines around the region.
  const contentLine = (line: number, step: 1 | -1): number => {
    while (line >= 0 && line < starts.length && lineFacts(old, starts[line]).kind !== 'content') line += step;
    return line;
  };
  const next = contentLine(afterLine, 1);
  const before = contentLine(firstLine - 1, -1);
  const nextPlace = next < starts.length ? itemOnLine(prev, next) : undefined;
  if (!place) {
    // Only blank lines were there: the entry after them, or the last one before them, names the list.
    const beforePlace = before >= 0 ? itemOnLine(prev, before) : undefined;
    if (nextPlace) {
      place = nextPlace;
      at = nextPlace.index;
    } else if (beforePlace && beforePlace.index === beforePlace.seq.items.length - 1) {
      place = beforePlace;
      at = beforePlace.seq.items.length;
    } else return undefined;
  }
  const seq = place.seq;
  const items = seq.items as Node[];
  const end = at + removed;
  const tail = end === items.length;
  // The column of the list's dashes: where its first one is.
  const indent = seq.range![0] - lineStartOf(old, seq.range![0]);
  if (old.charCodeAt(seq.range![0]) !== DASH) return undefined;
  const linesBetween = (a: number, b: number, kind: LineFacts['kind']) => {
    for (let line = a; line < b; line++) if (lineFacts(old, starts[line]).kind === kind) return true;
    return false;
  };
  // After the region: the next entry of the list, or (at its end) something less indented.
  if (linesBetween(afterLine, Math.min(next, starts.length), 'comment')) return undefined;
  if (!tail && !(nextPlace?.seq === seq && nextPlace.index === end)) return undefined;
  if (tail && next < starts.length) {
    const f = lineFacts(old, starts[next]);
    if (f.indent > indent || (f.indent === indent && isItemLine(old, f))) return undefined;
  }
  // Before it: the previous entry (a one-line scalar), and at the list's end no comments in between.
  if (at > 0) {
    const prevItem = items[at - 1];
    // A one-line scalar ending before the region; an empty one (`-`) must not reach past its line
    // (`yaml` lets an empty entry with a comment run up to the next entry).
    const r = prevItem.range!;
    if (!isScalar(prevItem) || before < 0 || prev.positionAt(r[0]).line !== before || r[2] > from || (r[0] === r[1] && r[2] !== r[1])) return undefined;
  }
  if (tail && linesBetween(before + 1, firstLine, 'comment')) return undefined;

  // The new lines, read by the block reader with their neighbours for context.
  const windowFirst = before >= 0 ? before : firstLine;
  const windowStart = before >= 0 ? starts[before] : from;
  const windowEnd = next < starts.length ? (next + 1 < starts.length ? starts[next + 1] + delta : text.length) : text.length;
  const windowStarts = [windowStart];
  for (let nl = text.indexOf('\n', windowStart); nl >= 0 && nl + 1 < windowEnd; nl = text.indexOf('\n', nl + 1)) windowStarts.push(nl + 1);
  if (windowEnd === text.length && text.endsWith('\n') && windowStarts[windowStarts.length - 1] !== text.length) windowStarts.push(text.length);
  const windowText = windowEnd < text.length ? text.slice(0, windowEnd - 1) : text;
  const lines = lineTable(windowText, windowStarts);
  const reader = new BlockReader(lines);
  const regionFirst = firstLine - windowFirst;
  const fresh: Node[] = [];
  const values: PyValue[] = [];
  const read = withinSubset(() => {
    for (let i = regionFirst; i < lines.starts.length && lines.starts[i] < newTo; i++) {
      if (lines.kinds[i] === COMMENT) return false;
      if (lines.kinds[i] === BLANK) continue;
      if (lines.indents[i] !== indent || !reader.isItemLine(i)) return false;
      const item = reader.readItem(i, indent);
      fresh.push(item.node);
      values.push(item.value);
    }
    return true;
  });
  if (!read) return undefined;
  if (items.length - removed + fresh.length === 0) return undefined;
  const list = valueAt(prev.value, place.path);
  if (!Array.isArray(list) || list.length !== items.length) return undefined;

  // Apply: the chain of collections ending where the list ends keeps its old ranges to recompute.
  const chain = place.chain;
  const oldEnds = chain.map((c) => [c.range![1], c.range![2]]);
  const root = prev.root!;
  shift(root, to, delta, seq, at, end);
  const removedNodes = items.splice(at, removed, ...fresh);
  list.splice(at, removed, ...values);
  if (at === 0) seq.range![0] = lineStartOf(text, items[0].range![0]) + indent;
  if (tail) {
    // The list now ends with its new last entry; so does each enclosing collection it ends.
    let last: Node = items[items.length - 1];
    for (let k = chain.length - 1; k >= 0; k--) {
      const c = chain[k];
      const isLast = k === chain.length - 1 || (isMap(c) ? c.items[c.items.length - 1]?.value === chain[k + 1] : c.items[c.items.length - 1] === chain[k + 1]);
      if (!isLast) break;
      const [oldEnd, oldCommentEnd] = oldEnds[k];
      c.range![1] = last.range![2];
      c.range![2] = oldCommentEnd === oldEnd ? c.range![1] : oldCommentEnd + delta;
      last = c;
    }
  }
  const yamlDoc = prev.yaml.doc;
  const r = root.range!;
  const lastLeaf = lastScalar(root);
  yamlDoc.range = [r[0], r[2], lastLeaf && isEmptyScalar(lastLeaf) && lastLeaf.range![2] === r[2] ? r[2] : text.length];

  // Line starts: the old ones before the region, the region's own (and its end, when a line starts
  // there: at the end of the text it may not), then the old ones after it, moved.
  const lineStarts = starts.slice(0, firstLine);
  lineStarts.push(from);
  for (let nl = text.indexOf('\n', from); nl >= 0 && nl < newTo; nl = text.indexOf('\n', nl + 1)) lineStarts.push(nl + 1);
  for (let line = afterLine; line < starts.length; line++) if (starts[line] > to) lineStarts.push(starts[line] + delta);
  const doc = new PolicyDocument(prev.uri, version, text, { yaml: prev.yaml, lineStarts });
  editable.set(doc, true);
  superseded.add(prev);
  return { doc, edit: { seq, path: place.path, at, removed, added: fresh.length, removedNodes } };
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lastScalar(node: Node | null | undefined): Node | undefined {
  while (isMap(node) || isSeq(node)) {
    const last: unknown = node.items[node.items.length - 1];
    node = (isMap(node) ? (last as { value: Node }).value : last) as Node;
  }
  return node ?? undefined;
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range![0] === node.range![1];
}
