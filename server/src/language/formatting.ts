// Document and range formatting that keeps what the author wrote: comments, key order, blank lines and
// every value CAVRA loads. Only indentation, the space after `:` and `-`, the quote character and
// trailing whitespace change (the style is in docs/formatting.md). The result is read back as CAVRA
// reads it and returned only when it loads to the same value with the same comments: anything the
// formatter cannot prove safe is left as written.
import { CST, Lexer, Parser } from 'yaml';
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import { parsePolicyYaml, type PolicyYaml } from '../policy/policyYaml';
import { PyFloat, PyTimestamp, type PyValue } from '../policy/pythonValues';

/** A piece of one line replaced: the space after `:` or `-`, or a quoted scalar's quotes. */
interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** A token spanning lines (block scalar, multi-line flow scalar or collection): its later lines move with `ref`. */
interface Frozen {
  start: number;
  end: number;
  /** The offset whose column change moves the token's later lines (for a block scalar: its parent's column). */
  ref: number;
}

interface Layout {
  /** Offset of a token that may begin a line -> the column it belongs at. */
  targets: Map<number, number>;
  replacements: Replacement[];
  frozen: Frozen[];
  /** The first offset of each top-level entry (its leading comments included): what a range widens to. */
  sections: number[];
}

interface Line {
  start: number;
  /** End of the line's content, before its line break. */
  end: number;
  /** End of the line break. */
  next: number;
}

/** YAML forbids tabs in indentation, so `insertSpaces: false` still indents with tabSize spaces. */
function indentWidth(options: FormattingOptions): number {
  const n = Math.floor(options.tabSize);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 8) : 2;
}

const isBlank = (t: CST.SourceToken) => t.type === 'space' || t.type === 'newline' || t.type === 'comment';
const isProp = (t: CST.Token) => t.type === 'anchor' || t.type === 'tag';

/** The largest end among tokens (a loop, not a spread: a list may hold more entries than a call has arguments). */
function maxEnd<T>(items: readonly T[] | undefined, end: (t: T) => number, from: number): number {
  let max = from;
  for (const t of items ?? []) max = Math.max(max, end(t));
  return max;
}

function tokenEnd(token: CST.Token | null | undefined): number {
  if (!token) return -1;
  switch (token.type) {
    case 'block-scalar':
      return contentStart(token) + token.source.length;
    case 'block-map':
    case 'block-seq':
      return maxEnd(token.items, itemEnd, token.offset);
    case 'flow-collection':
      return maxEnd(token.end, tokenEnd, maxEnd(token.items, itemEnd, token.start.offset + 1));
    case 'document':
      return maxEnd(token.end, tokenEnd, maxEnd(token.start, tokenEnd, Math.max(token.offset, tokenEnd(token.value))));
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      return maxEnd(token.end, tokenEnd, token.offset + token.source.length);
    default:
      return (token as { offset: number }).offset + ((token as { source?: string }).source?.length ?? 0);
  }
}

/** Where a block scalar's content starts: after its header line. */
function contentStart(token: CST.BlockScalar): number {
  return maxEnd(token.props, tokenEnd, token.offset);
}

function itemEnd(item: CST.CollectionItem): number {
  return maxEnd(item.sep, tokenEnd, maxEnd(item.start, tokenEnd, Math.max(tokenEnd(item.key), tokenEnd(item.value))));
}

/** The scalar's own text span (its trailing comments and line breaks excluded). */
function ownEnd(token: CST.Token): number {
  if (token.type === 'block-scalar' || token.type === 'flow-collection') return tokenEnd(token);
  return 'source' in token ? token.offset + token.source.length : token.offset;
}

/** Reads the CST and records where each line-starting token belongs. Undefined: not one clean document. */
function layout(text: string, tab: number): Layout | undefined {
  // A lone \r ends a line for PyYAML and editors, not for `yaml`: read it as \n (same length, same offsets).
  const tokens = [...new Parser().parse(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text)];
  const docs = tokens.filter((t): t is CST.Document => t.type === 'document');
  if (docs.length !== 1 || tokens.some((t) => t.type === 'error')) return undefined;
  const out: Layout = { targets: new Map(), replacements: [], frozen: [], sections: [] };
  const root = docs[0].value;
  if (root) value(root, 0, root.offset, false, out, tab);
  if (root?.type === 'block-map' || root?.type === 'block-seq') {
    for (const item of root.items) out.sections.push(item.start[0]?.offset ?? item.key?.offset ?? item.value?.offset ?? -1);
  }
  out.replacements.sort((a, b) => a.start - b.start);
  out.frozen.sort((a, b) => a.start - b.start);
  return out;
}

/** A value at `target` (the column its lines belong at); `ref` is its parent's first offset. */
function value(token: CST.Token, target: number, ref: number, hasProps: boolean, out: Layout, tab: number): void {
  switch (token.type) {
    case 'block-map':
      return blockMap(token, target, out, tab);
    case 'block-seq':
      return blockSeq(token, target, out, tab);
    case 'block-scalar': {
      // Its content indentation counts from the parent's column: it moves with the parent.
      // From the header's line break, so that its first content line counts as one of its later lines.
      const start = contentStart(token);
      out.frozen.push({ start: start - 1, end: start + token.source.length, ref });
      return;
    }
    case 'flow-collection':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar': {
      const end = ownEnd(token);
      // A flow collection or scalar written over several lines keeps its own line breaks and alignment.
      if (/[\r\n]/.test(sourceOf(token))) out.frozen.push({ start: token.offset, end, ref: token.offset });
      else if (token.type === 'single-quoted-scalar' && !hasProps) quote(token, out);
      return;
    }
    default:
      return;
  }
}

function sourceOf(token: CST.Token): string {
  if (token.type === 'flow-collection') return CST.stringify({ ...token, end: token.end.filter((t) => t.type !== 'newline') });
  return 'source' in token ? token.source : '';
}

/**
 * One quote character for quoted strings: double quotes, unless the text holds `"` or `\`, which
 * double quotes would have to escape. `'it''s'` and `"it's"` are the same string.
 */
function quote(token: CST.FlowScalar, out: Layout): void {
  const inner = token.source.slice(1, -1).replace(/''/g, "'");
  if (/["\\]/.test(inner)) return;
  out.replacements.push({ start: token.offset, end: token.offset + token.source.length, text: `"${inner}"` });
}

/** The first token of an item that is not a comment, space or line break. */
function firstOf(item: CST.CollectionItem): CST.Token | undefined {
  return item.start.find((t) => !isBlank(t)) ?? item.key ?? item.sep?.find((t) => !isBlank(t)) ?? item.value;
}

/** Exactly one space between an indicator (`:` or `-`) and the value after it on the same line. */
function oneSpace(tokens: CST.SourceToken[], after: number, next: CST.Token | undefined, out: Layout): void {
  const space = tokens[after + 1];
  if (space?.type !== 'space' || space.source === ' ') return;
  const following = tokens[after + 2] ?? next;
  if (!following || following.type === 'comment' || following.type === 'newline') return;
  out.replacements.push({ start: space.offset, end: space.offset + space.source.length, text: ' ' });
}

function blockMap(map: CST.BlockMap, target: number, out: Layout, tab: number): void {
  for (const item of map.items) {
    const first = firstOf(item);
    if (!first) continue;
    out.targets.set(first.offset, target);
    if (item.start.some((t) => t.type === 'explicit-key-ind')) {
      // `? key` entries are rare and easy to break: kept as written, moved as one block.
      out.frozen.push({ start: first.offset, end: itemEnd(item), ref: first.offset });
      continue;
    }
    const key = item.key;
    if (key) value(key, target, first.offset, item.start.some(isProp), out, tab);
    const sep = item.sep ?? [];
    const colon = sep.findIndex((t) => t.type === 'map-value-ind');
    if (colon < 0) continue;
    // `key   :` -> `key:` (an alias key needs its space: `*a :`).
    if (key && key.type !== 'alias' && colon > 0 && sep.slice(0, colon).every((t) => t.type === 'space')) {
      out.replacements.push({ start: sep[0].offset, end: sep[colon].offset, text: '' });
    }
    const rest = sep.slice(colon + 1);
    const lastBreak = rest.map((t) => t.type).lastIndexOf('newline');
    const props = rest.some(isProp);
    if (lastBreak < 0) oneSpace(sep, colon, item.value, out);
    else {
      // The value (or its anchor or tag) starts a line of its own: one indentation step deeper.
      const starts = rest.slice(lastBreak + 1).find((t) => !isBlank(t)) ?? item.value;
      if (starts) out.targets.set(starts.offset, target + tab);
    }
    if (item.value) value(item.value, target + tab, first.offset, props, out, tab);
  }
}

function blockSeq(seq: CST.BlockSequence, target: number, out: Layout, tab: number): void {
  for (const item of seq.items) {
    const dashAt = item.start.findIndex((t) => t.type === 'seq-item-ind');
    if (dashAt < 0) continue;
    const dash = item.start[dashAt];
    out.targets.set(dash.offset, target);
    const rest = item.start.slice(dashAt + 1);
    const collection = item.value?.type === 'block-map' || item.value?.type === 'block-seq';
    if (collection && rest.some(isProp) && !rest.some((t) => t.type === 'newline')) {
      // `- &anchor key: v`: the collection's column depends on the props; kept as written.
      out.frozen.push({ start: dash.offset, end: itemEnd(item), ref: dash.offset });
      continue;
    }
    const lastBreak = rest.map((t) => t.type).lastIndexOf('newline');
    if (lastBreak < 0) {
      oneSpace(item.start, dashAt, item.value, out);
      // `- key: v` / `- - x`: the nested collection sits right after `- `.
      if (item.value) value(item.value, target + 2, dash.offset, rest.some(isProp), out, tab);
    } else {
      const starts = rest.slice(lastBreak + 1).find((t) => !isBlank(t)) ?? item.value;
      if (starts) out.targets.set(starts.offset, target + tab);
      if (item.value) value(item.value, target + tab, dash.offset, rest.some(isProp), out, tab);
    }
  }
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    lines.push({ start, end: m.index, next: m.index + m[0].length });
    start = m.index + m[0].length;
  }
  lines.push({ start, end: source.length, next: source.length });
  return lines;
}

interface Attempt {
  /** Move the later lines of multi-line tokens with their first line. */
  shiftInner: boolean;
  /** Apply insertFinalNewline / trimFinalNewlines. */
  ends: boolean;
}

/** The new content of every line (undefined: unchanged), and for inner lines the line that owns them. */
interface Planned {
  content: (string | undefined)[];
  owner: (number | undefined)[];
  /** Replace everything after this offset (final line breaks), when set. */
  tail?: { from: number; text: string };
}

function plan(source: string, lines: Line[], lay: Layout, options: FormattingOptions, attempt: Attempt): Planned {
  const n = lines.length;
  const content = new Array<string | undefined>(n);
  const owner = new Array<number | undefined>(n);
  const frozenOf = new Array<Frozen | undefined>(n);
  const lineOf = (offset: number) => lineAt(lines, offset);
  for (const f of lay.frozen) {
    const o = lineOf(f.start);
    for (let i = o + 1; i < n && lines[i].start < f.end; i++) {
      if (owner[i] === undefined) {
        owner[i] = o;
        frozenOf[i] = f;
      }
    }
  }
  // Frozen tokens do not overlap and lines come in order: one pointer walks them.
  let k = 0;
  const endsInsideFrozen = (offset: number) => {
    while (k < lay.frozen.length && lay.frozen[k].end <= offset) k++;
    return k < lay.frozen.length && lay.frozen[k].start < offset;
  };
  const trim = options.trimTrailingWhitespace !== false;
  // Per content line: where its first token was and is, and the replacements on it (for column mapping).
  const oldCol = new Array<number>(n).fill(-1);
  const newCol = new Array<number>(n).fill(-1);
  const lineRepl = new Array<Replacement[]>(n);
  const comments: number[] = [];
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (owner[i] !== undefined) continue;
    const { start, end } = lines[i];
    const line = source.slice(start, end);
    const lead = /^ */.exec(line)![0].length;
    if (lead === line.length || /^[ \t]*$/.test(line)) {
      if (trim && line.length) content[i] = '';
      continue;
    }
    if (line[lead] === '\t' || (i === 0 && line.startsWith('\uFEFF'))) continue;
    const p = start + lead;
    oldCol[i] = lead;
    if (line[lead] === '#') {
      comments.push(i);
      continue;
    }
    newCol[i] = lay.targets.get(p) ?? lead;
    while (r < lay.replacements.length && lay.replacements[r].start < p) r++;
    const mine: Replacement[] = [];
    while (r < lay.replacements.length && lay.replacements[r].end <= end) mine.push(lay.replacements[r++]);
    lineRepl[i] = mine;
    let body = '';
    let at = p;
    for (const x of mine) {
      body += source.slice(at, x.start) + x.text;
      at = x.end;
    }
    body += source.slice(at, end);
    if (trim && !endsInsideFrozen(end)) body = body.replace(/[ \t]+$/, '');
    content[i] = ' '.repeat(newCol[i]) + body;
  }
  placeComments(source, lines, comments, oldCol, newCol, content, trim);
  if (attempt.shiftInner) {
    const columnAfter = (offset: number): number => {
      const i = lineOf(offset);
      if (newCol[i] < 0) return offset - lines[i].start;
      let col = newCol[i] + (offset - lines[i].start - oldCol[i]);
      for (const x of lineRepl[i] ?? []) if (x.end <= offset) col += x.text.length - (x.end - x.start);
      return col;
    };
    for (let i = 0; i < n; i++) {
      const f = frozenOf[i];
      if (!f) continue;
      const delta = columnAfter(f.ref) - (f.ref - lines[lineOf(f.ref)].start);
      const line = source.slice(lines[i].start, lines[i].end);
      if (!delta || !line.length) continue;
      if (delta > 0) content[i] = ' '.repeat(delta) + line;
      else {
        const lead = /^ */.exec(line)![0].length;
        if (lead >= -delta) content[i] = line.slice(-delta);
        else if (lead === line.length) content[i] = '';
      }
    }
  }
  const planned: Planned = { content, owner };
  if (attempt.ends) planned.tail = finalNewlines(source, lines, options);
  return planned;
}

/**
 * A comment on its own line takes the column of the line it introduces. One indented deeper than the
 * next line closes the block above it: it takes the column of the nearest earlier line at or left of it.
 */
function placeComments(
  source: string,
  lines: Line[],
  comments: number[],
  oldCol: number[],
  newCol: number[],
  content: (string | undefined)[],
  trim: boolean,
): void {
  if (!comments.length) return;
  const isComment = new Set(comments);
  const nextContent = new Array<number>(lines.length).fill(-1);
  for (let i = lines.length - 1, next = -1; i >= 0; i--) {
    nextContent[i] = next;
    if (newCol[i] >= 0) next = i;
  }
  const stack: { old: number; now: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (newCol[i] >= 0 && !isComment.has(i)) {
      while (stack.length && stack[stack.length - 1].old >= oldCol[i]) stack.pop();
      stack.push({ old: oldCol[i], now: newCol[i] });
      continue;
    }
    if (!isComment.has(i)) continue;
    const c = oldCol[i];
    const next = nextContent[i];
    const nextOld = next >= 0 ? oldCol[next] : 0;
    const nextNew = next >= 0 ? newCol[next] : 0;
    let col = nextNew;
    if (c > nextOld) {
      // Deeper than the next line: it ends the block above, unless it sits between a line and its child.
      const prev = [...stack].reverse().find((s) => s.old <= c);
      if (prev && prev.old >= nextOld) col = prev.now;
    }
    const body = source.slice(lines[i].start + c, lines[i].end);
    content[i] = ' '.repeat(col) + (trim ? body.replace(/[ \t]+$/, '') : body);
  }
}

/** The edit that applies insertFinalNewline / trimFinalNewlines, when either is asked for. */
function finalNewlines(source: string, lines: Line[], options: FormattingOptions): { from: number; text: string } | undefined {
  let last = lines.length - 1;
  while (last > 0 && /^[ \t]*$/.test(source.slice(lines[last].start, lines[last].end))) last--;
  if (!source.slice(lines[last].start, lines[last].end).trim()) return undefined;
  const eol = /\r\n|\r|\n/.exec(source)?.[0] ?? '\n';
  const lastLine = lines[last];
  const hasBreak = lastLine.next > lastLine.end;
  if (options.trimFinalNewlines && lines.length - 1 > last + 1) {
    return { from: lastLine.end, text: hasBreak ? source.slice(lastLine.end, lastLine.next) : eol };
  }
  if (options.insertFinalNewline && last === lines.length - 1 && !hasBreak) return { from: source.length, text: eol };
  return undefined;
}

/** A value as typed as Python sees it (int and float apart, dates apart from strings), keys in order. */
function typedForm(v: PyValue | undefined): string {
  if (v === undefined) return 'u';
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return `i${v}`;
  if (v instanceof PyFloat) return `f${Object.is(v.value, -0) ? '-0' : v.value}`;
  if (v instanceof PyTimestamp) return `t${JSON.stringify(v.pyStr)}`;
  if (Array.isArray(v)) return `[${v.map(typedForm).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${typedForm(x)}`)
    .join(',')}}`;
}

interface Meaning {
  value: string;
  comments: string[];
  warnings: string[];
}

function commentsOf(source: string): string[] {
  const out: string[] = [];
  const text = source.includes('\r') ? source.replace(/\r(?!\n)/g, '\n') : source;
  for (const token of new Lexer().lex(text)) if (CST.tokenType(token) === 'comment') out.push(token.trimEnd());
  return out;
}

function meaningOf(source: string, parsed: PolicyYaml): Meaning {
  return {
    value: typedForm(parsed.value),
    comments: commentsOf(source),
    warnings: parsed.doc.warnings.map((w) => w.code),
  };
}

function sameMeaning(before: Meaning, after: string): boolean {
  const parsed = parsePolicyYaml(after);
  if (parsed.doc.errors.length || parsed.extraDocuments.length) return false;
  const now = meaningOf(after, parsed);
  return (
    now.value === before.value &&
    now.warnings.join() === before.warnings.join() &&
    now.comments.length === before.comments.length &&
    now.comments.every((c, i) => c === before.comments[i])
  );
}

/** The edits for the chosen lines, each narrowed to the characters that change. */
function editsFor(source: string, lines: Line[], planned: Planned, chosen: (i: number) => boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  const tailFrom = planned.tail?.from ?? Infinity;
  for (let i = 0; i < lines.length; i++) {
    const now = planned.content[i];
    const owner = planned.owner[i];
    if (now === undefined || !chosen(owner ?? i) || lines[i].start > tailFrom) continue;
    const was = source.slice(lines[i].start, lines[i].end);
    if (now === was) continue;
    let a = 0;
    while (a < was.length && a < now.length && was[a] === now[a]) a++;
    let b = 0;
    while (b < was.length - a && b < now.length - a && was[was.length - 1 - b] === now[now.length - 1 - b]) b++;
    edits.push({
      range: { start: { line: i, character: a }, end: { line: i, character: was.length - b } },
      newText: now.slice(a, now.length - b),
    });
  }
  if (planned.tail && chosen(lines.length - 1)) {
    const from = positionOf(lines, planned.tail.from);
    const to = positionOf(lines, source.length);
    if (source.slice(planned.tail.from) !== planned.tail.text)
      edits.push({ range: { start: from, end: to }, newText: planned.tail.text });
  }
  return edits;
}

function lineAt(lines: Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function positionOf(lines: Line[], offset: number): { line: number; character: number } {
  const i = lineAt(lines, offset);
  return { line: i, character: offset - lines[i].start };
}

function applyEdits(source: string, lines: Line[], edits: TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => lines[p.line].start + p.character;
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += source.slice(at, offset(e.range.start)) + e.newText;
    at = offset(e.range.end);
  }
  return out + source.slice(at);
}

/** The line ranges a range request may touch: its own lines, else the whole top-level entries it meets. */
function rangeChoices(lines: Line[], lay: Layout, range: Range): ((i: number) => boolean)[] {
  const first = range.start.line;
  const last = range.end.character === 0 && range.end.line > first ? range.end.line - 1 : range.end.line;
  const own = (i: number) => i >= first && i <= last;
  const startLines = lay.sections.filter((o) => o >= 0).map((o) => positionOf(lines, o).line);
  let from = first;
  let to = last;
  for (let s = 0; s < startLines.length; s++) {
    const a = startLines[s];
    const b = s + 1 < startLines.length ? startLines[s + 1] - 1 : lines.length - 1;
    if (a <= last && b >= first) {
      from = Math.min(from, a);
      to = Math.max(to, b);
    }
  }
  return from === first && to === last ? [own] : [own, (i) => i >= from && i <= to];
}

/**
 * The edits that format `source` (all of it, or the lines of `range`), or none when the text is not
 * one valid YAML document or no safe formatting exists. `read` is the text already read as CAVRA reads
 * it (the analysis of this version), which saves reading it again.
 */
export function formatPolicy(source: string, options: FormattingOptions, range?: Range, read?: PolicyYaml): TextEdit[] {
  const lay = layout(source, indentWidth(options));
  if (!lay) return [];
  const lines = splitLines(source);
  const attempts: Attempt[] = [
    { shiftInner: true, ends: true },
    { shiftInner: true, ends: false },
    { shiftInner: false, ends: false },
  ];
  const choices = range ? rangeChoices(lines, lay, range) : [() => true];
  // Read only once there is something to change: an already formatted file costs one CST pass.
  let before: Meaning | null | undefined;
  for (const attempt of attempts) {
    const planned = plan(source, lines, lay, options, attempt);
    for (const chosen of choices) {
      const edits = editsFor(source, lines, planned, chosen);
      if (!edits.length) return [];
      if (before === undefined) {
        const parsed = read ?? parsePolicyYaml(source);
        const valid = !parsed.doc.errors.length && !parsed.extraDocuments.length && parsed.value !== undefined;
        before = valid ? meaningOf(source, parsed) : null;
      }
      if (!before) return [];
      if (sameMeaning(before, applyEdits(source, lines, edits))) return edits;
    }
  }
  return [];
}
