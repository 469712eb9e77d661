// The value CAVRA (PyYAML safe_load) loads from a block-style policy — block mappings of plain keys,
// lists of one-line scalars, comments and blank lines — read line by line, without the syntax tree the
// `yaml` package builds. The CLI and the backends only need the value: building the tree for 500 packs
// was most of `catalog`'s time. Anything outside that subset (flow collections, anchors, aliases, tags,
// block or multi-line scalars, escapes, tabs, lone CRs, several documents, duplicate keys, any error)
// answers undefined, and the caller reads the text with `yaml` (policyYaml.ts), the reference.
// Scalars resolve through pyyamlSchema.ts, as `yaml` resolves them; test/unit/policy/blockPolicyValue.test.ts
// holds both readers to the same values on every bench shape, CAVRA's examples and random texts.
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
} from './blockSubset';
import type { PyValue } from './pythonValues';

// One preallocated signal (no stack captured per throw): the text leaves the subset.
const GIVE_UP = new Error('outside the block subset');

interface Read {
  value: PyValue;
  /** The next content line after the collection (or the line count). */
  next: number;
}

class ValueReader {
  private readonly starts: number[] = [0];
  private readonly ends: Int32Array;
  private readonly indents: Int32Array;
  private readonly kinds: Uint8Array;
  private readonly n: number;

  constructor(private readonly text: string) {
    const starts = this.starts;
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) starts.push(p + 1);
    const n = (this.n = starts.length);
    this.ends = new Int32Array(n);
    this.indents = new Int32Array(n);
    this.kinds = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = starts[i];
      let e = i + 1 < n ? starts[i + 1] - 1 : text.length;
      if (e > s && text.charCodeAt(e - 1) === CR) e--;
      let p = s;
      while (p < e && text.charCodeAt(p) === SPACE) p++;
      this.ends[i] = e;
      this.indents[i] = p - s;
      this.kinds[i] = p === e ? BLANK : text.charCodeAt(p) === HASH ? COMMENT : CONTENT;
    }
  }

  read(): PyValue {
    const first = this.nextContent(0);
    if (first >= this.n || this.indents[first] !== 0 || this.isItemLine(first)) throw GIVE_UP;
    const root = this.readMap(first, 0);
    if (root.next !== this.n) throw GIVE_UP;
    return root.value;
  }

  private nextContent(i: number): number {
    while (i < this.n && this.kinds[i] !== CONTENT) i++;
    return i;
  }

  private isItemLine(i: number): boolean {
    const p = this.starts[i] + this.indents[i];
    if (this.kinds[i] !== CONTENT || this.text.charCodeAt(p) !== DASH) return false;
    return p + 1 === this.ends[i] || this.text.charCodeAt(p + 1) === SPACE;
  }

  /** A one-line plain or quoted scalar starting at `p`, with at most spaces and a comment after it. */
  private scalarAt(p: number, lineEnd: number): PyValue {
    const t = this.text;
    const c = t.charCodeAt(p);
    let end: number;
    let value: string;
    if (c === QUOTE) {
      let q = p + 1;
      while (q < lineEnd && t.charCodeAt(q) !== QUOTE) {
        if (t.charCodeAt(q) === BACKSLASH) throw GIVE_UP;
        q++;
      }
      if (q >= lineEnd) throw GIVE_UP;
      value = t.slice(p + 1, q);
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
      value = doubled ? t.slice(p + 1, q).replace(/''/g, "'") : t.slice(p + 1, q);
      end = q + 1;
    } else {
      if (c < 128 && INDICATOR[c]) throw GIVE_UP;
      let contentEnd = lineEnd;
      for (let q = p; q < lineEnd; q++) {
        const ch = t.charCodeAt(q);
        if (ch === COLON && (q + 1 === lineEnd || t.charCodeAt(q + 1) === SPACE)) throw GIVE_UP;
        if (ch === HASH && t.charCodeAt(q - 1) === SPACE) {
          contentEnd = q;
          break;
        }
      }
      end = contentEnd;
      while (end > p && t.charCodeAt(end - 1) === SPACE) end--;
      return plainValue(t.slice(p, end));
    }
    // After a quoted scalar: only spaces, then maybe a comment after at least one space.
    let r = end;
    while (r < lineEnd && t.charCodeAt(r) === SPACE) r++;
    if (r < lineEnd && (t.charCodeAt(r) !== HASH || r === end)) throw GIVE_UP;
    return value;
  }

  /** The `:` ending the plain key that starts at `start`, or -1 when the line is not a simple `key:` line. */
  private keyColon(start: number, lineEnd: number): number {
    const t = this.text;
    const first = t.charCodeAt(start);
    // Not a space, `-`, `.`, `/`, `(` or `)`: those may start something other than a plain key.
    if (first >= 128 || !KEY_CHAR[first] || first === SPACE || first === DASH || (first >= 0x28 && first <= 0x2f)) return -1;
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

  private readBlock(i: number, indent: number): Read {
    return this.isItemLine(i) ? this.readSeq(i, indent) : this.readMap(i, indent);
  }

  private readMap(first: number, indent: number): Read {
    const t = this.text;
    const value: { [key: string]: PyValue } = {};
    let i = first;
    let next: number;
    for (;;) {
      const start = this.starts[i] + indent;
      const lineEnd = this.ends[i];
      const colon = this.keyColon(start, lineEnd);
      if (colon < 0) throw GIVE_UP;
      const name = t.slice(start, colon);
      // A duplicate key is a `yaml` error (PyYAML keeps the last): left to the reference reader.
      if (Object.prototype.hasOwnProperty.call(value, name) || name === '__proto__' || typeof plainValue(name) !== 'string')
        throw GIVE_UP;
      let v = colon + 1;
      while (v < lineEnd && t.charCodeAt(v) === SPACE) v++;
      next = this.nextContent(i + 1);
      if (v === lineEnd || t.charCodeAt(v) === HASH) {
        const nested = next < this.n && (this.indents[next] > indent || (this.indents[next] === indent && this.isItemLine(next)));
        if (nested) {
          const child = this.readBlock(next, this.indents[next]);
          value[name] = child.value;
          next = child.next;
        } else value[name] = null;
      } else {
        value[name] = this.scalarAt(v, lineEnd);
        // A deeper line after `key: value` continues the scalar (or is an error): `yaml` reads it.
        if (next < this.n && this.indents[next] > indent) throw GIVE_UP;
      }
      if (next >= this.n || this.indents[next] < indent) break;
      if (this.indents[next] > indent || this.isItemLine(next)) throw GIVE_UP;
      i = next;
    }
    return { value, next };
  }

  private readSeq(first: number, indent: number): Read {
    const value: PyValue[] = [];
    let i = first;
    let next: number;
    for (;;) {
      const t = this.text;
      const lineEnd = this.ends[i];
      let v = this.starts[i] + indent + 1;
      while (v < lineEnd && t.charCodeAt(v) === SPACE) v++;
      next = this.nextContent(i + 1);
      if (next < this.n && this.indents[next] > indent) throw GIVE_UP;
      if (v === lineEnd) value.push(null);
      else if (t.charCodeAt(v) === HASH) throw GIVE_UP;
      else value.push(this.scalarAt(v, lineEnd));
      if (next >= this.n || this.indents[next] < indent || !this.isItemLine(next)) break;
      i = next;
    }
    return { value, next };
  }
}

/** The value of a block-style policy as PyYAML loads it, or undefined when `yaml` must read the text. */
export function readBlockPolicyValue(text: string): PyValue | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return new ValueReader(text).read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}
