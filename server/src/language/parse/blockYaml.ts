// The YAML policies are written in — block mappings of plain keys, lists of one-line scalars, comments
// and blank lines — read line by line into the very nodes, ranges and values `yaml` builds for it, in a
// fraction of the time. Anything else (flow collections, anchors, aliases, tags, block or multi-line
// scalars, escapes, tabs, CR line breaks, several documents, any error) makes the reader give up, and
// `yaml` reads the text instead. test/unit/language/blockYaml.test.ts holds both readers to the same trees.
//
// Where `yaml` puts comments decides some ranges, and the reader follows it:
// - comment lines indented deeper than a collection's entries, right after a one-line scalar entry,
//   belong to that scalar (its range[2] runs to the end of the last one);
// - comment lines left after a collection's last entry stay with the collection when one of them is
//   at least as indented as its entries (range[2] then runs to the next content, or the end of the
//   text); otherwise they move out to the parent collection, which applies the same rule.
import * as yaml from 'yaml';
import type { Document as YamlDocument, Node, Scalar as YamlScalar } from 'yaml';
import { policyYamlOptions, type PolicyYaml } from '../../policy/policyYaml';
import {
  APOSTROPHE,
  BACKSLASH,
  BLANK,
  COLON,
  COMMENT,
  CONTENT,
  CR,
  DASH,
  HASH,
  INDICATOR,
  KEY_CHAR,
  MAX_KEY,
  OUTSIDE_SUBSET,
  plainValue,
  QUOTE,
  SPACE,
} from '../../policy/blockSubset';
import type { PyValue } from '../../policy/pythonValues';
import { readFlowYaml } from '../../policy/flowYaml';

// Bound once: the bundle reads each `yaml` import through an accessor, a cost in loops over every node.
const { Document, Pair, Scalar, YAMLMap, YAMLSeq } = yaml;

export { BLANK, COMMENT, CONTENT, outsideSubset, plainValue } from '../../policy/blockSubset';

export interface BlockYaml {
  yaml: PolicyYaml;
  lineStarts: number[];
}

// One preallocated signal (no stack captured per throw): the text leaves the subset, read it with `yaml`.
class OutsideSubset extends Error {}
const GIVE_UP = new OutsideSubset('outside the block subset');

export interface LineTable {
  text: string;
  /** Offset where each line starts (a text ending in a line break has a last, empty line). */
  starts: number[];
  /** Where each line's text ends, before its line break (LF or CRLF). */
  ends: Int32Array;
  indents: Int32Array;
  kinds: Uint8Array;
}

export function lineTable(text: string, starts?: number[]): LineTable {
  if (!starts) {
    starts = [0];
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) starts.push(p + 1);
  }
  const n = starts.length;
  const ends = new Int32Array(n);
  const indents = new Int32Array(n);
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = starts[i];
    let e = i + 1 < n ? starts[i + 1] - 1 : text.length;
    if (e > s && text.charCodeAt(e - 1) === CR) e--;
    let p = s;
    while (p < e && text.charCodeAt(p) === SPACE) p++;
    ends[i] = e;
    indents[i] = p - s;
    kinds[i] = p === e ? BLANK : text.charCodeAt(p) === HASH ? COMMENT : CONTENT;
  }
  return { text, starts, ends, indents, kinds };
}

interface Read {
  node: Node;
  value: PyValue;
  /** The next content line after the collection (or the line count). */
  next: number;
  /** The first blank or comment line before `next` that no node has taken. */
  pending: number;
}

/** One line's scalar, as the reader found it. */
interface ScalarText {
  value: PyValue;
  source: string;
  type: YamlScalar.Type;
  end: number;
}

export class BlockReader {
  private readonly text: string;
  private readonly starts: number[];
  private readonly ends: Int32Array;
  private readonly indents: Int32Array;
  private readonly kinds: Uint8Array;
  private readonly n: number;

  constructor(lines: LineTable) {
    this.text = lines.text;
    this.starts = lines.starts;
    this.ends = lines.ends;
    this.indents = lines.indents;
    this.kinds = lines.kinds;
    this.n = lines.starts.length;
  }

  lineEnd(i: number): number {
    return this.ends[i];
  }

  lineNext(i: number): number {
    return i + 1 < this.n ? this.starts[i + 1] : this.text.length;
  }

  nextContent(i: number): number {
    while (i < this.n && this.kinds[i] !== CONTENT) i++;
    return i;
  }

  isItemLine(i: number): boolean {
    const p = this.starts[i] + this.indents[i];
    if (this.kinds[i] !== CONTENT || this.text.charCodeAt(p) !== DASH) return false;
    return p + 1 === this.lineEnd(i) || this.text.charCodeAt(p + 1) === SPACE;
  }

  private commentBetween(from: number, to: number): boolean {
    for (let k = from; k < to; k++) if (this.kinds[k] === COMMENT) return true;
    return false;
  }

  /** Where the text after a collection's last entry starts (the next content, or the end). */
  private contentStart(i: number): number {
    return i < this.n ? this.starts[i] + this.indents[i] : this.text.length;
  }

  /** Deeper comment lines after a scalar entry on line i join its range: returns [range end, first line not taken]. */
  private absorb(i: number, indent: number, next: number): [number, number] {
    let end = this.lineNext(i);
    let pending = i + 1;
    for (let k = i + 1; k < next; k++) {
      if (this.kinds[k] !== COMMENT) continue;
      if (this.indents[k] <= indent) break;
      end = this.lineNext(k);
      pending = k + 1;
    }
    return [end, pending];
  }

  /** Whether comment lines left after a collection's last entry stay with it (see the top of the file). */
  private keepsComments(indent: number, pending: number, next: number): boolean {
    if (indent === 0) return false;
    for (let k = pending; k < next; k++) if (this.kinds[k] === COMMENT && this.indents[k] >= indent) return true;
    return false;
  }

  /** A one-line plain or quoted scalar starting at `p`, with at most spaces and a comment after it. */
  scalarAt(p: number, lineEnd: number): ScalarText {
    const t = this.text;
    const c = t.charCodeAt(p);
    let end: number;
    let source: string;
    let value: PyValue;
    let type: YamlScalar.Type;
    if (c === QUOTE) {
      let q = p + 1;
      while (q < lineEnd && t.charCodeAt(q) !== QUOTE) {
        if (t.charCodeAt(q) === BACKSLASH) throw GIVE_UP;
        q++;
      }
      if (q >= lineEnd) throw GIVE_UP;
      source = t.slice(p + 1, q);
      value = source;
      type = 'QUOTE_DOUBLE';
      end = q + 1;
    } else if (c === APOSTROPHE) {
      let q = p + 1;
      let doubled = false;
      for (;;) {
        while (q < lineEnd && t.charCodeAt(q) !== APOSTROPHE) q++;
        if (q >= lineEnd) throw GIVE_UP;
        if (t.charCodeAt(q + 1) !== APOSTROPHE || q + 1 >= lineEnd) break;
        doubled = true;
        q += 2;
      }
      source = doubled ? t.slice(p + 1, q).replace(/''/g, "'") : t.slice(p + 1, q);
      value = source;
      type = 'QUOTE_SINGLE';
      end = q + 1;
    } else {
      if (c < 128 && INDICATOR[c]) throw GIVE_UP;
      let q = p;
      let contentEnd = lineEnd;
      for (; q < lineEnd; q++) {
        const ch = t.charCodeAt(q);
        if (ch === COLON && (q + 1 === lineEnd || t.charCodeAt(q + 1) === SPACE)) throw GIVE_UP;
        if (ch === HASH && t.charCodeAt(q - 1) === SPACE) {
          contentEnd = q;
          break;
        }
      }
      end = contentEnd;
      while (end > p && t.charCodeAt(end - 1) === SPACE) end--;
      source = t.slice(p, end);
      value = plainValue(source);
      return { value, source, type: 'PLAIN', end };
    }
    // After a quoted scalar: only spaces, then maybe a comment after at least one space.
    let r = end;
    while (r < lineEnd && t.charCodeAt(r) === SPACE) r++;
    if (r < lineEnd && (t.charCodeAt(r) !== HASH || r === end)) throw GIVE_UP;
    return { value, source, type, end };
  }

  /** The `:` ending the plain key that starts line i at `start`, or -1 when the line is not a simple `key:` line. */
  private keyColon(start: number, lineEnd: number): number {
    const t = this.text;
    const first = t.charCodeAt(start);
    if (
      first >= 128 ||
      !KEY_CHAR[first] ||
      first === SPACE ||
      first === DASH ||
      first === 0x2e ||
      first === 0x2f ||
      first === 0x28 ||
      first === 0x29
    )
      return -1;
    for (let q = start + 1; q < lineEnd && q - start <= MAX_KEY; q++) {
      const ch = t.charCodeAt(q);
      if (ch === COLON) {
        if (q + 1 < lineEnd && t.charCodeAt(q + 1) !== SPACE) return -1;
        return t.charCodeAt(q - 1) === SPACE ? -1 : q;
      }
      if (ch >= 128 || !KEY_CHAR[ch]) return -1;
    }
    return -1;
  }

  readDocument(): BlockYaml['yaml'] {
    const first = this.nextContent(0);
    if (first >= this.n || this.indents[first] !== 0 || this.isItemLine(first)) throw GIVE_UP;
    const root = this.readMap(first, 0);
    if (root.next !== this.n) throw GIVE_UP;
    const doc = new Document(undefined, policyYamlOptions) as YamlDocument.Parsed;
    doc.contents = root.node as never;
    const r = root.node.range!;
    // Blank and comment lines after the last value end up with the document, unless the value is
    // empty (`key:`, `-`): then they stay with it and the document ends where its content does.
    doc.range = [r[0], r[2], root.pending < this.n ? this.text.length : r[2]];
    return { doc, extraDocuments: [], value: root.value };
  }

  private readBlock(i: number, indent: number): Read {
    return this.isItemLine(i) ? this.readSeq(i, indent) : this.readMap(i, indent);
  }

  private readMap(first: number, indent: number): Read {
    const t = this.text;
    const map = new YAMLMap();
    const value: { [key: string]: PyValue } = {};
    const seen = new Set<string>();
    let i = first;
    let last: Node;
    let next: number;
    let pending: number;
    for (;;) {
      const start = this.starts[i] + indent;
      const lineEnd = this.lineEnd(i);
      const colon = this.keyColon(start, lineEnd);
      if (colon < 0) throw GIVE_UP;
      const name = t.slice(start, colon);
      if (seen.has(name) || name === '__proto__' || typeof plainValue(name) !== 'string') throw GIVE_UP;
      seen.add(name);
      const key = scalarNode(name, start, colon, colon, 'PLAIN', name);
      let v = colon + 1;
      while (v < lineEnd && t.charCodeAt(v) === SPACE) v++;
      let node: Node;
      let val: PyValue;
      next = this.nextContent(i + 1);
      if (v === lineEnd || t.charCodeAt(v) === HASH) {
        const nested = next < this.n && (this.indents[next] > indent || (this.indents[next] === indent && this.isItemLine(next)));
        if (nested) {
          const child = this.readBlock(next, this.indents[next]);
          node = child.node;
          val = child.value;
          next = child.next;
          pending = child.pending;
        } else {
          // `key:` and nothing: null, placed where the line's text ends. A comment after it moves that
          // range in ways not worth following, so `yaml` reads those.
          if (v < lineEnd || this.commentBetween(i + 1, next)) throw GIVE_UP;
          node = scalarNode(null, lineEnd, lineEnd, lineEnd, 'PLAIN', '');
          val = null;
          pending = next;
        }
      } else {
        const s = this.scalarAt(v, lineEnd);
        if (next < this.n && this.indents[next] > indent) throw GIVE_UP;
        const [end, p] = this.absorb(i, indent, next);
        node = scalarNode(s.value, v, s.end, end, s.type, s.source);
        val = s.value;
        pending = p;
      }
      map.items.push(new Pair(key, node));
      if (name in value) Object.defineProperty(value, name, { value: val, writable: true, enumerable: true, configurable: true });
      else value[name] = val;
      last = node;
      if (next >= this.n || this.indents[next] < indent) break;
      if (this.indents[next] > indent || this.isItemLine(next)) throw GIVE_UP;
      i = next;
    }
    const end = last.range![2];
    map.range = [this.starts[first] + indent, end, end];
    if (this.keepsComments(indent, pending, next)) {
      map.range[2] = this.contentStart(next);
      pending = next;
    }
    return { node: map, value, next, pending };
  }

  private readSeq(first: number, indent: number): Read {
    const seq = new YAMLSeq();
    const value: PyValue[] = [];
    let i = first;
    let last: Node;
    let next: number;
    let pending: number;
    for (;;) {
      const item = this.readItem(i, indent);
      next = item.next;
      pending = item.pending;
      seq.items.push(item.node);
      value.push(item.value);
      last = item.node;
      if (next >= this.n || this.indents[next] < indent || !this.isItemLine(next)) break;
      i = next;
    }
    const end = last.range![2];
    seq.range = [this.starts[first] + indent, end, end];
    if (this.keepsComments(indent, pending, next)) {
      seq.range[2] = this.contentStart(next);
      pending = next;
    }
    return { node: seq, value, next, pending };
  }

  /** The list entry on line i (a `-` at column `indent`), which must be a one-line scalar or empty. */
  readItem(i: number, indent: number): Read {
    const t = this.text;
    const lineEnd = this.lineEnd(i);
    let v = this.starts[i] + indent + 1;
    while (v < lineEnd && t.charCodeAt(v) === SPACE) v++;
    const next = this.nextContent(i + 1);
    if (next < this.n && this.indents[next] > indent) throw GIVE_UP;
    if (v === lineEnd) {
      // Comments just before or after an empty entry move its range in ways not worth following.
      let prev = i - 1;
      while (prev >= 0 && this.kinds[prev] !== CONTENT) prev--;
      if (this.commentBetween(prev + 1, i) || this.commentBetween(i + 1, next)) throw GIVE_UP;
      return { node: scalarNode(null, lineEnd, lineEnd, lineEnd, 'PLAIN', ''), value: null, next, pending: next };
    }
    if (t.charCodeAt(v) === HASH) throw GIVE_UP;
    const s = this.scalarAt(v, lineEnd);
    const [end, pending] = this.absorb(i, indent, next);
    return { node: scalarNode(s.value, v, s.end, end, s.type, s.source), value: s.value, next, pending };
  }
}

function scalarNode(
  value: PyValue,
  start: number,
  valueEnd: number,
  nodeEnd: number,
  type: YamlScalar.Type,
  source: string,
): YamlScalar {
  const s = new Scalar(value);
  s.range = [start, valueEnd, nodeEnd];
  s.source = source;
  s.type = type;
  return s;
}

/** Runs `read`, or answers undefined when the text leaves the subset. */
export function withinSubset<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/** The policy read by the block reader (or, written as JSON, the flow reader), or undefined when `yaml` must read it. */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  if (text.charCodeAt(0) === 0x7b) {
    const flow = readFlowYaml(text, policyYamlOptions);
    if (!flow) return undefined;
    const lineStarts = [0];
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) lineStarts.push(p + 1);
    return { yaml: { doc: flow.doc, extraDocuments: [], value: flow.value }, lineStarts };
  }
  const lines = lineTable(text);
  const yaml = withinSubset(() => new BlockReader(lines).readDocument());
  return yaml && { yaml, lineStarts: lines.starts };
}
