// One analysed version of a policy file: its text, its YAML tree (read as CAVRA reads it) and the
// lookups every feature needs: path -> node, offset -> path, offset <-> position.
import { isCollection, isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Position, Range } from 'vscode-languageserver-types';
import { parsePolicyYaml, type PolicyYaml } from '../../policy/policyYaml';
import { readBlockYaml, type BlockYaml } from './blockYaml';
import type { PyValue } from '../../policy/pythonValues';

export type PathSegment = string | number;
export type YamlPath = PathSegment[];

export interface NodeAt {
  path: YamlPath;
  /** The node holding the value at `path` (undefined for a key written without a value). */
  node: Node | null | undefined;
  /** The key node when the path ends in a mapping key. */
  key?: Node;
  /** The cursor is on the key itself rather than on its value. */
  onKey: boolean;
  /** The collection the last segment lives in. */
  parent?: YAMLMap | YAMLSeq;
}

export class PolicyDocument {
  readonly yaml: PolicyYaml;
  private lineStarts: number[] | undefined;

  /** `read` is the text already read (an incremental edit); otherwise the block reader, else `yaml`, reads it. */
  /** Read by the block reader: plain block YAML, no errors, anchors or merge keys (see blockYaml.ts). */
  readonly plainBlocks: boolean;

  /** Texts read into a tree so far, edits not counted (counted work: a workspace pass reads each pack once). */
  static reads = 0;

  /** `read` is the text already read (an incremental edit); otherwise the block reader, else `yaml`, reads it. */
  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    read?: BlockYaml,
  ) {
    if (!read) PolicyDocument.reads++;
    // The line-by-line reader knows \n and \r\n only; a lone \r (old Mac endings) takes the full parser.
    const block = read ?? (/\r(?!\n)/.test(text) ? undefined : readBlockYaml(text));
    this.yaml = block?.yaml ?? parsePolicyYaml(text);
    this.lineStarts = block?.lineStarts;
    this.plainBlocks = !read && !!block;
  }

  get value(): PyValue | undefined {
    return this.yaml.value;
  }

  get root(): Node | null {
    return this.yaml.doc.contents;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 13) {
          if (t.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        } else if (c === 10) starts.push(i + 1);
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** Where each line starts (shared, not to be changed). */
  lineStartOffsets(): number[] {
    return this.starts();
  }

  get lineCount(): number {
    return this.starts().length;
  }

  positionAt(offset: number): Position {
    const starts = this.starts();
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // An offset between the \r and \n of a CRLF belongs to the line's end, not past it.
    if (offset > starts[lo] && this.text.charCodeAt(offset - 1) === 13 && this.text.charCodeAt(offset) === 10) offset--;
    return { line: lo, character: offset - starts[lo] };
  }

  offsetAt(position: Position): number {
    const starts = this.starts();
    if (position.line >= starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const next = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    return Math.max(starts[position.line], Math.min(starts[position.line] + position.character, next));
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The range of a node's own text (without trailing comments). */
  nodeRange(node: Node | null | undefined): Range | undefined {
    if (!node?.range) return undefined;
    return this.range(node.range[0], node.range[1]);
  }

  /** The start offset and end offset of a line, without its line break. */
  lineBounds(line: number): [number, number] {
    const starts = this.starts();
    const start = starts[Math.min(line, starts.length - 1)];
    let end = line + 1 < starts.length ? starts[line + 1] : this.text.length;
    while (end > start && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return [start, end];
  }

  /** Finds the value node (and key) at a path such as ['filesystem', 'block_read', 2]. */
  find(path: YamlPath): NodeAt | undefined {
    let node: Node | null | undefined = this.root;
    let key: Node | undefined;
    let parent: YAMLMap | YAMLSeq | undefined;
    for (const seg of path) {
      if (isMap(node) && typeof seg === 'string') {
        const pair = findPair(node, seg);
        if (!pair) return undefined;
        parent = node;
        key = pair.key as Node;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof seg === 'number') {
        if (seg < 0 || seg >= node.items.length) return undefined;
        parent = node;
        key = undefined;
        node = node.items[seg] as Node;
      } else return undefined;
    }
    return { path, node, key, onKey: false, parent };
  }

  /** The path under an offset: which key or list entry the cursor is in. */
  at(offset: number): NodeAt {
    const path: YamlPath = [];
    let node: Node | null | undefined = this.root;
    let result: NodeAt = { path: [], node, onKey: false };
    for (;;) {
      if (isMap(node)) {
        const map: YAMLMap = node;
        const pair = map.items.find((p) => pairContains(p, offset));
        if (!pair) return result;
        const k = pair.key as Node;
        const seg = keyString(k);
        path.push(seg);
        const onKey = !!k?.range && offset >= k.range[0] && offset <= k.range[1];
        result = { path: [...path], node: pair.value as Node | null, key: k, onKey, parent: map };
        if (onKey) return result;
        node = pair.value as Node | null;
      } else if (isSeq(node)) {
        const seq: YAMLSeq = node;
        const i = seqIndexAt(seq, offset);
        if (i < 0) return result;
        path.push(i);
        result = { path: [...path], node: seq.items[i] as Node, onKey: false, parent: seq };
        node = seq.items[i] as Node;
      } else return result;
    }
  }
}

/** A key as text. The YAML merge key `<<` (a symbol in the tree) is `<<`. */
export function keyString(key: unknown): string {
  const v = isScalar(key) ? key.value : key;
  if (typeof v === 'symbol') return v.description ?? '';
  // A collection used as a key: String() would build its value, which can throw (bad merges).
  if (isCollection(v)) return isMap(v) ? '{…}' : '[…]';
  return String(v);
}

export const MERGE_KEY = '<<';

/** The pair for a key; with duplicate keys the last one, which is the one CAVRA (PyYAML) keeps. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  for (let i = map.items.length - 1; i >= 0; i--) if (keyString(map.items[i].key) === key) return map.items[i];
  return undefined;
}

function pairContains(p: unknown, offset: number): boolean {
  if (!isPair(p)) return false;
  const k = p.key as Node | null;
  const v = p.value as Node | null;
  const start = k?.range?.[0] ?? v?.range?.[0];
  const end = v?.range?.[2] ?? k?.range?.[2];
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}

/** Binary search: lists are where policies grow to thousands of entries. */
function seqIndexAt(seq: YAMLSeq, offset: number): number {
  const items = seq.items as (Node | null)[];
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = items[mid]?.range;
    if (!r) return items.findIndex((n) => n?.range && offset >= n.range[0] && offset <= n.range[1]);
    if (offset < r[0]) hi = mid - 1;
    else if (offset > r[1]) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function pathToString(path: YamlPath): string {
  return path
    .map((s) => (typeof s === 'number' ? `[${s}]` : s))
    .join('.')
    .replace(/\.\[/g, '[');
}
