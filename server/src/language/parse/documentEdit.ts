// A keystroke inside a long list, applied to the previous version's tree instead of reading the whole
// text again. Two kinds of edit are taken:
// - typing inside one double-quoted list entry, in any list, flow (a pack written as JSON) or block:
//   the characters typed and removed are none of `"`, `\` or a line break, so `yaml` would read every
//   token as before; the entry gets its new text and every later offset moves by the length difference;
// - typing inside one scalar value of a mapping (`mcp.risk_scoring` holds one per server): a plain word
//   that stays one, or a double-quoted string as above;
// - edits whose lines were, and still are, entries of one block list — one-line plain or quoted scalars
//   at the list's indentation — or blank lines: those lines are read again (by the block reader), their
//   nodes replace the old ones, and every offset after them moves by the length difference.
// Anything else (keys, comments, indentation changes, anchors, block scalars, errors anywhere, an edit
// joining a list to its neighbours) answers undefined: read it all.
// test/unit/language/incremental*.test.ts hold the result to a fresh reading of the same text.
import * as yaml from 'yaml';
import type { Node, YAMLMap, YAMLSeq } from 'yaml';
import type { PyValue } from '../../policy/pythonValues';
import { hasLoneCarriageReturn } from '../../policy/policyYaml';
import { BLANK, BlockReader, COMMENT, lineTable, outsideSubset, plainValue, withinSubset } from './blockYaml';
import { changedChars, changedLines, type CharChange, type LineChange } from './lineDifference';
import { keyString, MERGE_KEY, PolicyDocument, type YamlPath } from './policyDocument';

// Bound once: the bundle reads each `yaml` import through an accessor, a cost in loops over every node.
const { isAlias, isMap, isScalar, isSeq, Scalar, visit } = yaml;

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
  /** Undefined when the text did not change, or when the edit changed a mapping's value (`valueAt`). */
  edit?: ListEdit;
  /** Where the mapping's value an edit changed is (no list changed then). */
  valueAt?: YamlPath;
}

const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const DASH = 0x2d;
const BACKSLASH = 0x5c;

/** The trees whose edits are applied in place: no errors, one document, a mapping, no anchors or merges. */
const editable = new WeakMap<PolicyDocument, boolean>();
/** Documents whose tree an edit has taken over: never edited again. */
const superseded = new WeakSet<PolicyDocument>();
/** Per edited version: the version it was made from and the part of its text that is new (whole lines). */
const origins = new WeakMap<PolicyDocument, EditOrigin>();

export interface EditOrigin {
  prev: PolicyDocument;
  /** `text.slice(from, newTo)` replaced the old lines; the text around it is the old text, moved. */
  from: number;
  newTo: number;
}

/** Where an edited version came from, for passes that can judge the new lines alone (syntaxDiagnostics.ts). */
export function editOrigin(doc: PolicyDocument): EditOrigin | undefined {
  return origins.get(doc);
}

/**
 * A tree read by others as well (the catalog's copy of a pack on disk, which its children's merges point
 * into): an edit never takes it over, so an analysis made on it cannot carry typing into what others read.
 */
export function keepTree(doc: PolicyDocument): void {
  superseded.add(doc);
}

/** Whether an edit of this version can be applied to its tree (else its successor is read in full). */
export function isEditable(doc: PolicyDocument): boolean {
  let ok = editable.get(doc);
  if (ok === undefined && doc.plainBlocks) ok = !superseded.has(doc);
  if (ok === undefined) {
    const y = doc.yaml;
    ok =
      !superseded.has(doc) &&
      !y.doc.errors.length &&
      !y.doc.warnings.length &&
      !y.extraDocuments.length &&
      y.loadError === undefined &&
      y.value !== undefined &&
      isMap(doc.root) &&
      // The tree ends a line at a lone `\r` too (parsePolicyYaml), an edit finds its lines by `\n` alone:
      // such a text (only the `yaml` reader takes it) is read in full after every edit.
      !hasLoneCarriageReturn(doc.text);
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
  let end = nl < 0 ? text.length : nl;
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
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
function shift(
  node: Node | null | undefined,
  from: number,
  delta: number,
  skip: YAMLSeq | undefined,
  skipFrom: number,
  skipTo: number,
): void {
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

/** The list entries an edit replaced, and the content lines around them. */
interface ListWindow {
  place: ItemPlace;
  /** The entries replaced: [at, at + removed). */
  at: number;
  removed: number;
  /** The list's dash column. */
  indent: number;
  /** The region runs to the list's end. */
  tail: boolean;
  /** The content lines before and after the region (-1 / line count when there are none). */
  before: number;
  next: number;
  firstLine: number;
  /** The first old line starting at or after the region's end. */
  afterLine: number;
}

/** The old lines must be blank or consecutive entries of one list, with nothing around that their edit could change. */
function listWindow(prev: PolicyDocument, change: LineChange): ListWindow | undefined {
  const old = prev.text;
  const { from, to } = change;
  const starts = prev.lineStartOffsets();
  const firstLine = prev.positionAt(from).line;
  let afterLine = firstLine;
  while (afterLine < starts.length && starts[afterLine] < to) afterLine++;
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
  if (old.charCodeAt(seq.range![0]) !== DASH) return undefined;
  const indent = seq.range![0] - lineStartOf(old, seq.range![0]);
  const linesBetween = (a: number, b: number, kind: LineFacts['kind']) => {
    for (let line = a; line < b; line++) if (lineFacts(old, starts[line]).kind === kind) return true;
    return false;
  };
  // After the region: the next entry of the list, or (at its end) something less indented. A comment
  // in between could be taken into the last new entry's range.
  if (linesBetween(afterLine, Math.min(next, starts.length), 'comment')) return undefined;
  if (!tail && !(nextPlace?.seq === seq && nextPlace.index === end)) return undefined;
  // An empty entry after the region (a bare `-`): where `yaml` ends its range depends on the lines before
  // it (after a comment it can run over the blank lines that follow), so the region's new neighbours could
  // change it; such lists are read again in full (rare in real packs).
  if (!tail && isEmptyScalar(items[end])) return undefined;
  if (tail && next < starts.length) {
    const f = lineFacts(old, starts[next]);
    if (f.indent > indent || (f.indent === indent && isItemLine(old, f))) return undefined;
  }
  // Before it: a one-line scalar entry ending before the region (an empty one with a comment can run
  // up to the next entry), and at the list's end no comment in between (it could stay with the list).
  if (at > 0) {
    const prevItem = items[at - 1];
    const r = prevItem.range!;
    if (
      !isScalar(prevItem) ||
      before < 0 ||
      prev.positionAt(r[0]).line !== before ||
      r[2] > from ||
      (r[0] === r[1] && r[2] !== r[1])
    )
      return undefined;
  }
  if (tail && linesBetween(before + 1, firstLine, 'comment')) return undefined;
  return { place, at, removed, indent, tail, before, next, firstLine, afterLine };
}

/** The new lines of the region as list entries, read by the block reader with their neighbours for context. */
function readEntries(
  prev: PolicyDocument,
  text: string,
  change: LineChange,
  w: ListWindow,
): { nodes: Node[]; values: PyValue[] } | undefined {
  const starts = prev.lineStartOffsets();
  const windowFirst = w.before >= 0 ? w.before : w.firstLine;
  const windowStart = w.before >= 0 ? starts[w.before] : change.from;
  const windowEnd = w.next < starts.length && w.next + 1 < starts.length ? starts[w.next + 1] + change.delta : text.length;
  const windowStarts = [windowStart];
  for (let nl = text.indexOf('\n', windowStart); nl >= 0 && nl + 1 < windowEnd; nl = text.indexOf('\n', nl + 1))
    windowStarts.push(nl + 1);
  if (windowEnd === text.length && text.endsWith('\n') && windowStarts[windowStarts.length - 1] !== text.length)
    windowStarts.push(text.length);
  const lines = lineTable(windowEnd < text.length ? text.slice(0, windowEnd - 1) : text, windowStarts);
  const reader = new BlockReader(lines);
  const nodes: Node[] = [];
  const values: PyValue[] = [];
  const read = withinSubset(() => {
    for (let i = w.firstLine - windowFirst; i < lines.starts.length && lines.starts[i] < change.newTo; i++) {
      if (lines.kinds[i] === COMMENT) return false;
      if (lines.kinds[i] === BLANK) continue;
      if (lines.indents[i] !== w.indent || !reader.isItemLine(i)) return false;
      const item = reader.readItem(i, w.indent);
      nodes.push(item.node);
      values.push(item.value);
    }
    return true;
  });
  return read ? { nodes, values } : undefined;
}

export function editPolicyDocument(prev: PolicyDocument, version: number, text: string): EditedDocument | undefined {
  if (!isEditable(prev)) return undefined;
  const old = prev.text;
  if (old === text) return { doc: successor(prev, version, text, prev.lineStartOffsets(), 0, 0) };
  const chars = changedChars(old, text);
  const typed = quotedEntryEdit(prev, version, text, chars) ?? mapValueEdit(prev, version, text, chars);
  if (typed) return typed;
  // The block reader's edits: a text whose root is a flow mapping has no block lines to re-read.
  if (isMap(prev.root) && prev.root.flow) return undefined;
  const change = changedLines(old, text, chars);
  const { from, to, newTo, delta } = change;
  // Characters the block reader leaves to `yaml`, brought in or taken out: read in full.
  if (outsideSubset(text.slice(from, newTo)) || outsideSubset(old.slice(from, to))) return undefined;
  const w = listWindow(prev, change);
  if (!w) return undefined;
  const { place, at, removed, indent, tail } = w;
  const seq = place.seq;
  const items = seq.items as Node[];
  const fresh = readEntries(prev, text, change, w);
  if (!fresh || items.length - removed + fresh.nodes.length === 0) return undefined;
  const list = valueAt(prev.value, place.path);
  if (!Array.isArray(list) || list.length !== items.length) return undefined;

  // Apply: the chain of collections ending where the list ends keeps its old ranges to recompute.
  const chain = place.chain;
  const oldEnds = chain.map((c) => [c.range![1], c.range![2]]);
  const root = prev.root!;
  shift(root, to, delta, seq, at, at + removed);
  const removedNodes = items.splice(at, removed, ...fresh.nodes);
  list.splice(at, removed, ...fresh.values);
  if (at === 0) seq.range![0] = lineStartOf(text, items[0].range![0]) + indent;
  if (tail) {
    // The list now ends with its new last entry; so does each enclosing collection it ends.
    let last: Node = items[items.length - 1];
    for (let k = chain.length - 1; k >= 0; k--) {
      const c = chain[k];
      const isLast =
        k === chain.length - 1 ||
        (isMap(c) ? c.items[c.items.length - 1]?.value === chain[k + 1] : c.items[c.items.length - 1] === chain[k + 1]);
      if (!isLast) break;
      const [oldEnd, oldCommentEnd] = oldEnds[k];
      c.range![1] = last.range![2];
      c.range![2] = oldCommentEnd === oldEnd ? c.range![1] : oldCommentEnd + delta;
      last = c;
    }
  }
  const r = root.range!;
  const lastLeaf = lastScalar(root);
  prev.yaml.doc.range = [r[0], r[2], lastLeaf && isEmptyScalar(lastLeaf) && lastLeaf.range![2] === r[2] ? r[2] : text.length];

  // Line starts, in the old array (its document is done with): the region's own (and its end, when a
  // line starts there: at the end of the text it may not), then the old ones after it, moved.
  const lineStarts = prev.lineStartOffsets();
  const region = [from];
  for (let nl = text.indexOf('\n', from); nl >= 0 && nl < newTo; nl = text.indexOf('\n', nl + 1)) region.push(nl + 1);
  let after = w.afterLine;
  if (after < lineStarts.length && lineStarts[after] === to) after++;
  lineStarts.splice(w.firstLine, after - w.firstLine, ...region);
  if (delta) for (let line = w.firstLine + region.length; line < lineStarts.length; line++) lineStarts[line] += delta;
  const doc = successor(prev, version, text, lineStarts, from, newTo);
  return { doc, edit: { seq, path: place.path, at, removed, added: fresh.nodes.length, removedNodes } };
}

/** Where a scalar of the tree is: its collection, its index there, and the collections from the root down to it. */
interface ScalarPlace {
  parent: YAMLMap | YAMLSeq;
  index: number;
  scalar: Node;
  /** The path to `parent`. */
  path: YamlPath;
  /** The collections from the root down to `parent`, both included. */
  chain: (YAMLMap | YAMLSeq)[];
}

/** The last of `n` items whose start (`startOf`) is before `offset` (0 when none is). */
function lastBefore(n: number, startOf: (i: number) => number | undefined, offset: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((startOf(mid) ?? Infinity) < offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The scalar (a list entry or a mapping's value, never a key) that holds old `[start, end)` after its
 * first character and up to its end (range[1]), found by offset from the root down: the items of a
 * collection are in text order.
 */
function scalarAt(doc: PolicyDocument, start: number, end: number): ScalarPlace | undefined {
  const chain: (YAMLMap | YAMLSeq)[] = [];
  const path: YamlPath = [];
  let node: Node | null | undefined = doc.root;
  while (isMap(node) || isSeq(node)) {
    const parent: YAMLMap | YAMLSeq = node;
    chain.push(parent);
    let index: number;
    let child: Node | null | undefined;
    if (isMap(parent)) {
      const items = parent.items;
      index = lastBefore(items.length, (i) => (items[i].key as Node | null)?.range?.[0], start);
      child = items[index]?.value as Node | null | undefined;
    } else {
      const items = parent.items as Node[];
      index = lastBefore(items.length, (i) => items[i]?.range?.[0], start);
      child = items[index];
    }
    const r = child?.range;
    if (!r || !(r[0] < start && end <= r[1])) return undefined;
    if (isScalar(child)) return { parent, index, scalar: child, path, chain };
    path.push(isMap(parent) ? keyString(parent.items[index].key) : index);
    node = child;
  }
  return undefined;
}

/** Characters that would change how `yaml` reads a double-quoted scalar, or that the block reader leaves to it. */
function plainQuotedContent(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === BACKSLASH || c === 0x0a || c === 0x0d) return false;
  }
  return !outsideSubset(text.slice(from, to));
}

/** A plain scalar whose every character is one of these reads as one token wherever it stands, flow or block. */
const WORD_CHAR = /^[A-Za-z0-9_./-]+$/;

/**
 * The scalar as `yaml` would read it after typing `chars` inside it: a double-quoted string, the edit
 * between its quotes, none of `"`, `\` or a line break in it; or a plain word of WORD_CHAR that stays
 * one. Undefined for any other edit or scalar. Its range is the old one, its ends moved.
 */
function retyped(
  item: InstanceType<typeof Scalar>,
  old: string,
  text: string,
  chars: CharChange,
): InstanceType<typeof Scalar> | undefined {
  const { start, oldEnd, newEnd } = chars;
  const r = item.range!;
  const delta = newEnd - oldEnd;
  if (item.tag !== undefined) return undefined;
  let fresh: InstanceType<typeof Scalar>;
  if (item.type === 'QUOTE_DOUBLE') {
    // [start, oldEnd) must lie between the quotes: the closing one is at range[1] - 1.
    if (
      oldEnd >= r[1] ||
      old.charCodeAt(r[0]) !== QUOTE ||
      old.charCodeAt(r[1] - 1) !== QUOTE ||
      !plainQuotedContent(old, r[0] + 1, r[1] - 1) ||
      !plainQuotedContent(text, start, newEnd)
    )
      return undefined;
    const content = text.slice(r[0] + 1, r[1] - 1 + delta);
    fresh = new Scalar(content);
    fresh.source = content;
  } else if (item.type === 'PLAIN') {
    const source = text.slice(r[0], r[1] + delta);
    if (!WORD_CHAR.test(old.slice(r[0], r[1])) || !WORD_CHAR.test(source)) return undefined;
    fresh = new Scalar(plainValue(source));
    fresh.source = source;
  } else return undefined;
  fresh.type = item.type;
  fresh.range = [r[0], r[1] + delta, r[2] + delta];
  return fresh;
}

/** Typing inside one double-quoted list entry (see the top of the file); undefined when the edit is any other. */
function quotedEntryEdit(prev: PolicyDocument, version: number, text: string, chars: CharChange): EditedDocument | undefined {
  const { start, oldEnd, newEnd } = chars;
  const old = prev.text;
  const at = scalarAt(prev, start, oldEnd);
  if (!at || !isSeq(at.parent)) return undefined;
  const place: ItemPlace = { seq: at.parent, index: at.index, chain: at.chain, path: at.path };
  const items = place.seq.items as Node[];
  const item = items[place.index];
  if (!isScalar(item) || item.type !== 'QUOTE_DOUBLE') return undefined;
  const fresh = retyped(item, old, text, chars);
  if (!fresh) return undefined;
  const list = valueAt(prev.value, place.path);
  if (!Array.isArray(list) || list.length !== items.length || typeof list[place.index] !== 'string') return undefined;

  const delta = newEnd - oldEnd;
  // Everything after the edit moves (the entry itself is replaced, not moved).
  shift(prev.root, start, delta, place.seq, place.index, place.index + 1);
  const dr = prev.yaml.doc.range;
  for (let k = 0; k < 3; k++) if (dr[k] > start) dr[k] += delta;
  const removedNodes = items.splice(place.index, 1, fresh);
  list[place.index] = fresh.value as string;

  // No line break came or went.
  const doc = edited(prev, version, text, start, newEnd, delta);
  return { doc, edit: { seq: place.seq, path: place.path, at: place.index, removed: 1, added: 1, removedNodes } };
}

/**
 * Typing inside one scalar value of a mapping (a pack's `mcp.risk_scoring` holds one per server): a plain
 * word (`low`, `1.5`, `true`) of letters, digits and `_./-` that stays one, or a double-quoted string that
 * takes none of `"`, `\` or a line break. `yaml` would read every other token as before; the value is
 * resolved as the block reader resolves plain scalars (YAML 1.1).
 */
function mapValueEdit(prev: PolicyDocument, version: number, text: string, chars: CharChange): EditedDocument | undefined {
  const { start, oldEnd, newEnd } = chars;
  const old = prev.text;
  const place = scalarAt(prev, start, oldEnd);
  if (!place || !isMap(place.parent)) return undefined;
  const { parent: map, index } = place;
  const path = [...place.path, keyString(map.items[index].key)];
  const item = map.items[index].value as Node;
  if (!isScalar(item)) return undefined;
  const fresh = retyped(item, old, text, chars);
  if (!fresh) return undefined;
  const delta = newEnd - oldEnd;
  const parent = valueAt(prev.value, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!parent || typeof parent !== 'object' || Array.isArray(parent) || !Object.prototype.hasOwnProperty.call(parent, key))
    return undefined;

  // Typing at the very end of a text's last value: the collections around it end where the edit starts,
  // and shift() takes an end at its `from` for one that closes before the edit. These close after it.
  const endingHere = place.chain.flatMap((c) => [1, 2].filter((k) => c.range![k] === start).map((k) => [c.range!, k] as const));
  shift(prev.root, start, delta, undefined, 0, 0);
  for (const [range, k] of endingHere) range[k] += delta;
  const dr = prev.yaml.doc.range;
  for (let k = 0; k < 3; k++) if (dr[k] >= start) dr[k] += delta;
  map.items[index].value = fresh;
  (parent as Record<string, PyValue>)[key] = fresh.value as PyValue;
  return { doc: edited(prev, version, text, start, newEnd, delta), valueAt: path };
}

/** The successor of an edit that changed characters within one line: later lines start `delta` later. */
function edited(
  prev: PolicyDocument,
  version: number,
  text: string,
  start: number,
  newEnd: number,
  delta: number,
): PolicyDocument {
  const lineStarts = prev.lineStartOffsets();
  const line = prev.positionAt(start).line;
  if (delta) for (let k = line + 1; k < lineStarts.length; k++) lineStarts[k] += delta;
  const lineEnd = text.indexOf('\n', newEnd);
  return successor(prev, version, text, lineStarts, lineStarts[line], lineEnd < 0 ? text.length : lineEnd + 1);
}

/** The next version, taking over the previous one's (edited) tree. */
function successor(
  prev: PolicyDocument,
  version: number,
  text: string,
  lineStarts: number[],
  from: number,
  newTo: number,
): PolicyDocument {
  const doc = new PolicyDocument(prev.uri, version, text, { yaml: prev.yaml, lineStarts });
  editable.set(doc, true);
  superseded.add(prev);
  origins.set(doc, { prev, from, newTo });
  return doc;
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
