// Packs written as JSON (what `json.dumps` writes, indented or on one line) are YAML too: one flow
// mapping of flow mappings, lists of double-quoted strings, numbers, booleans and null. Read here into
// the very nodes, ranges and value `yaml` builds for them, in a fraction of the time. Anything else
// (escapes, comments, blank lines, a list inside a list, plain words, duplicate keys, text after the
// root) makes the reader give up, and `yaml` reads the text instead. test/unit/policy/flowYaml.test.ts
// holds both readers to the same trees. The language service takes the tree (language/parse/blockYaml.ts),
// the CLI and the stores the value (policyYaml.loadPolicyValue).
//
// Where `yaml` ends a node (range[2]) follows its parser, and the reader follows it:
// - an entry of a list runs over the spaces and line breaks after it, up to the `,` or `]`;
// - a value in a mapping, and a closed collection, run over the spaces after them and one line break.
import * as yaml from 'yaml';
import type { Document as YamlDocument, DocumentOptions, Node, ParseOptions, Scalar as YamlScalar, SchemaOptions } from 'yaml';
import { OUTSIDE_SUBSET, plainValue } from './blockSubset';
import type { PyValue } from './pythonValues';

// Bound once: the bundle reads each `yaml` import through an accessor, a cost in loops over every node.
const { Document, Pair, Scalar, YAMLMap, YAMLSeq } = yaml;

const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const HASH = 0x23;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** A JSON number, or true, false, null: the plain words the reader takes (`yaml` resolves others its own way). */
const JSON_WORD = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)$/;

/** Keys longer than this are left to `yaml` (as the block reader does). */
const MAX_KEY = 1000;

class OutsideSubset extends Error {}
const GIVE_UP = new OutsideSubset('outside the JSON subset');

interface Read {
  node: Node;
  value: PyValue;
}

/** A text read: its document (as `yaml` would have built it) and its value. */
export interface FlowYaml {
  doc: YamlDocument.Parsed;
  value: PyValue;
}

/** The options `yaml` reads policies with (policyYaml.ts), for the document built. */
export type FlowYamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

class FlowReader {
  private p = 0;
  constructor(
    private readonly t: string,
    private readonly options: FlowYamlOptions,
  ) {}

  readDocument(): FlowYaml {
    const t = this.t;
    if (t.charCodeAt(0) !== LBRACE) throw GIVE_UP;
    const root = this.readMap();
    const end = this.lineEnd(root.node);
    // After the root: nothing but line breaks (a last blank line or two is what editors leave).
    for (let q = end; q < t.length; q++) {
      const c = t.charCodeAt(q);
      if (c !== LF && c !== CR) throw GIVE_UP;
    }
    const doc = new Document(undefined, this.options) as YamlDocument.Parsed;
    doc.contents = root.node as never;
    // The document takes one more line break than its root, if there is one.
    const docEnd = t.charCodeAt(end) === LF ? end + 1 : t.charCodeAt(end) === CR ? end + 2 : end;
    doc.range = [0, end, docEnd];
    return { doc, value: root.value };
  }

  /**
   * Spaces, and line breaks when `breaks`, from the current place; never two line breaks with only spaces
   * between (`yaml` marks the next node `spaceBefore`).
   */
  private skip(breaks: boolean): void {
    const t = this.t;
    let lines = 0;
    for (;;) {
      const c = t.charCodeAt(this.p);
      if (c === SPACE) this.p++;
      else if (breaks && (c === LF || (c === CR && t.charCodeAt(this.p + 1) === LF))) {
        if (lines++) throw GIVE_UP;
        this.p += c === CR ? 2 : 1;
      } else if (c === HASH) throw GIVE_UP;
      else return;
    }
  }

  /** The end of a mapping's value or a closed collection: the spaces after it and one line break. */
  private lineEnd(node: Node): number {
    const t = this.t;
    let q = node.range![1];
    while (t.charCodeAt(q) === SPACE) q++;
    if (t.charCodeAt(q) === LF) q++;
    else if (t.charCodeAt(q) === CR && t.charCodeAt(q + 1) === LF) q += 2;
    node.range![2] = q;
    this.p = q;
    return q;
  }

  /** A double-quoted string without escapes starting at the current place; its end is the caller's. */
  private quoted(): YamlScalar {
    const t = this.t;
    const start = this.p;
    let q = start + 1;
    for (;;) {
      const c = t.charCodeAt(q);
      if (c === QUOTE) break;
      if (c === BACKSLASH || c === LF || c === CR || Number.isNaN(c)) throw GIVE_UP;
      q++;
    }
    const source = t.slice(start + 1, q);
    this.p = q + 1;
    return scalarNode(source, start, q + 1, 'QUOTE_DOUBLE', source);
  }

  /** A JSON number, true, false or null at the current place. */
  private word(): YamlScalar {
    const t = this.t;
    const start = this.p;
    let q = start;
    for (;;) {
      const c = t.charCodeAt(q);
      if (c === COMMA || c === RBRACKET || c === RBRACE || c === SPACE || c === LF || c === CR || Number.isNaN(c)) break;
      q++;
    }
    const source = t.slice(start, q);
    if (!JSON_WORD.test(source)) throw GIVE_UP;
    this.p = q;
    return scalarNode(plainValue(source), start, q, 'PLAIN', source);
  }

  private readMap(): Read {
    const t = this.t;
    const start = this.p;
    const map = new YAMLMap();
    map.flow = true;
    const value: { [key: string]: PyValue } = {};
    this.p++;
    this.skip(true);
    if (t.charCodeAt(this.p) !== RBRACE) {
      for (;;) {
        if (t.charCodeAt(this.p) !== QUOTE) throw GIVE_UP;
        const key = this.quoted();
        const name = key.source as string;
        if (name.length > MAX_KEY || name === '__proto__' || Object.prototype.hasOwnProperty.call(value, name)) throw GIVE_UP;
        this.skip(false);
        if (t.charCodeAt(this.p) !== COLON) throw GIVE_UP;
        this.p++;
        this.skip(true);
        const item = this.readValue();
        map.items.push(new Pair(key, item.node));
        value[name] = item.value;
        this.skip(true);
        const c = t.charCodeAt(this.p);
        if (c === RBRACE) break;
        if (c !== COMMA) throw GIVE_UP;
        this.p++;
        this.skip(true);
      }
    }
    this.p++;
    map.range = [start, this.p, this.p];
    return { node: map, value };
  }

  /** A mapping's value: a collection or a scalar, ended as `yaml` ends one there. */
  private readValue(): Read {
    const c = this.t.charCodeAt(this.p);
    const read: Read =
      c === LBRACE
        ? this.readMap()
        : c === LBRACKET
          ? this.readSeq()
          : c === QUOTE
            ? scalarRead(this.quoted())
            : scalarRead(this.word());
    this.lineEnd(read.node);
    return read;
  }

  private readSeq(): Read {
    const t = this.t;
    const start = this.p;
    const seq = new YAMLSeq();
    seq.flow = true;
    const value: PyValue[] = [];
    this.p++;
    this.skip(true);
    if (t.charCodeAt(this.p) !== RBRACKET) {
      for (;;) {
        const c = t.charCodeAt(this.p);
        if (c === LBRACE || c === LBRACKET) throw GIVE_UP;
        const item = c === QUOTE ? this.quoted() : this.word();
        // An entry runs to the `,` or `]` after it (the parser gives it every space and line break between).
        this.skip(true);
        item.range![2] = this.p;
        seq.items.push(item);
        value.push(item.value as PyValue);
        const next = t.charCodeAt(this.p);
        if (next === RBRACKET) break;
        if (next !== COMMA) throw GIVE_UP;
        this.p++;
        this.skip(true);
      }
    }
    this.p++;
    seq.range = [start, this.p, this.p];
    return { node: seq, value };
  }
}

function scalarRead(node: YamlScalar): Read {
  return { node, value: node.value as PyValue };
}

function scalarNode(value: PyValue, start: number, end: number, type: YamlScalar.Type, source: string): YamlScalar {
  const s = new Scalar(value);
  s.range = [start, end, end];
  s.source = source;
  s.type = type;
  return s;
}

/** The pack read as JSON-shaped YAML, or undefined when `yaml` must read it. */
export function readFlowYaml(text: string, options: FlowYamlOptions): FlowYaml | undefined {
  if (text.charCodeAt(0) !== LBRACE || OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return new FlowReader(text, options).readDocument();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}
