// Policy texts and edits for the tests that hold the block reader and incremental analysis to `yaml`
// and to a fresh full analysis: block-style policies with comments and blank lines at every
// indentation, YAML 1.1 traps among the scalars, and the edits a user makes while typing.
import fc from 'fast-check';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { PyFloat, PyTimestamp } from '../../../server/src/policy/pythonValues';

const PLAIN = [
  '.env',
  'src/**/*.pem',
  'terraform apply*',
  'git push --force*',
  'github',
  'internal-docs',
  'a b c',
  'x#y',
  'semi;colon',
  'yes',
  'no',
  'on',
  'y',
  '~',
  'null',
  '010',
  '0x1F',
  '1e5',
  '1.0',
  '1:20',
  '2026-05-01',
  '.inf',
  'True',
  'enforce',
  'strict',
  'audit_only',
  'cavra-platform-baseline',
  'cavra-x',
  'o *',
  'a: b'.replace(': ', ':'),
];
const QUOTED = [
  '"terraform apply*"',
  '"**/*.pem"',
  '"a: b"',
  '"#not comment"',
  '"yes"',
  '""',
  "'it''s'",
  "'single'",
  "''",
  '"*"',
];
/** Scalars the block reader leaves to `yaml` (or that are not YAML at all). */
const AWKWARD = [
  '*',
  '**',
  'url: no',
  'k:',
  '-x',
  '*alias',
  '&a b',
  '!tag',
  '[a]',
  '{a}',
  '|',
  '>',
  '@x',
  '%x',
  '`x',
  '? q',
  '"tab\\t"',
  '"unclosed',
  "'unclosed",
];
const KEYS = [
  'metadata',
  'id',
  'title',
  'description',
  'version',
  'inherits',
  'mode',
  'filesystem',
  'block_read',
  'block_write',
  'require_approval_write',
  'commands',
  'block',
  'allow',
  'require_approval',
  'git',
  'require_pull_request',
  'mcp',
  'allowed_servers',
  'blocked_servers',
  'approvals',
  'protected_actions',
  'approvers',
  'evidence',
  'required_fields',
  'compliance',
  'maps_to',
  'extra key',
  'a.b',
  'x-y',
  'yes',
  '1',
  '<<',
  '"quoted"',
];

type Tree =
  | { kind: 'scalar'; text: string }
  | { kind: 'list'; items: Tree[] }
  | { kind: 'map'; entries: [string, Tree][] }
  | { kind: 'empty' };

const scalarText = fc.oneof(
  { weight: 50, arbitrary: fc.constantFrom(...PLAIN) },
  { weight: 40, arbitrary: fc.constantFrom(...QUOTED) },
  { weight: 1, arbitrary: fc.constantFrom(...AWKWARD) },
  { weight: 20, arbitrary: fc.stringMatching(/^[a-z./][a-z0-9*./ -]{0,10}[a-z0-9*]$/) },
);

const { tree } = fc.letrec<{ tree: Tree; list: Tree; map: Tree }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'tree' },
    { weight: 4, arbitrary: scalarText.map((text): Tree => ({ kind: 'scalar', text })) },
    { weight: 1, arbitrary: fc.constant<Tree>({ kind: 'empty' }) },
    { weight: 3, arbitrary: tie('list') },
    { weight: 2, arbitrary: tie('map') },
  ),
  list: fc
    .array(
      fc.oneof(
        { weight: 150, arbitrary: scalarText.map((text): Tree => ({ kind: 'scalar', text })) },
        { weight: 15, arbitrary: fc.constant<Tree>({ kind: 'empty' }) },
        { weight: 1, arbitrary: tie('map') },
      ),
      { minLength: 1, maxLength: 6, depthIdentifier: 'tree' },
    )
    .map((items): Tree => ({ kind: 'list', items })),
  map: fc
    .uniqueArray(
      fc.tuple(
        fc.oneof(
          { weight: 30, arbitrary: fc.constantFrom(...KEYS.slice(0, 31)) },
          { weight: 1, arbitrary: fc.constantFrom(...KEYS.slice(31)) },
        ),
        tie('tree'),
      ),
      { minLength: 1, maxLength: 5, selector: ([k]) => k, depthIdentifier: 'tree' },
    )
    .map((entries): Tree => ({ kind: 'map', entries })),
}));

interface Style {
  step: number;
  compact: boolean;
  /** Per line: a random number deciding the decorations around it. */
  noise: number[];
}

function render(root: Tree, s: Style): string {
  const lines: string[] = [];
  let k = 0;
  const decorate = (line: string, depth: number) => {
    const r = s.noise[k++ % s.noise.length];
    const trail = r % 7 === 0 ? '   ' : r % 11 === 0 ? ' # note' : '';
    lines.push(line + trail);
    if (r % 5 === 0) lines.push(r % 3 === 0 ? '' : '  ');
    if (r % 4 === 0) lines.push(`${' '.repeat(Math.max(0, depth * s.step + (r % 9) - 4))}# comment ${r % 13}`);
  };
  const walk = (t: Tree, depth: number, prefix: string) => {
    const pad = ' '.repeat(depth * s.step);
    if (t.kind === 'scalar') decorate(`${prefix} ${t.text}`, depth);
    else if (t.kind === 'empty') decorate(prefix, depth);
    else if (t.kind === 'list') {
      decorate(prefix, depth);
      const inner = s.compact && s.noise[k % s.noise.length] & 1 ? depth : depth + 1;
      for (const item of t.items) {
        if (item.kind === 'map') walk(item, inner + 1, `${' '.repeat(inner * s.step)}- ${item.entries[0]?.[0] ?? 'k'}:`);
        else walk(item, inner, `${' '.repeat(inner * s.step)}-`);
      }
    } else {
      if (prefix) decorate(prefix, depth);
      for (const [key, v] of t.entries) walk(v, depth + 1, `${pad}${prefix ? ' '.repeat(s.step) : ''}${key}:`);
    }
  };
  if (root.kind === 'map') for (const [key, v] of root.entries) walk(v, 0, `${key}:`);
  return lines.join('\n');
}

/** A block-style policy: sections of lists and maps, comments and blank lines anywhere. */
export const blockPolicy: fc.Arbitrary<string> = fc
  .record({
    head: fc.constantFrom('', '# A pack\n', '\n\n', '# one\n\n# two\n'),
    body: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS.slice(0, 31)), tree), {
      minLength: 1,
      maxLength: 6,
      selector: ([k]) => k,
    }),
    step: fc.constantFrom(2, 2, 4, 1, 3),
    compact: fc.boolean(),
    noise: fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }),
    tail: fc.constantFrom('', '\n', '\n\n', '\n# end\n', '\n  # end', '\n    # end\n\n'),
  })
  .map((p) => p.head + render({ kind: 'map', entries: p.body }, p) + p.tail);

/** One edit as the client sends it: replace [from, to) by `text` (offsets taken modulo the length). */
export interface TextEdit {
  at: number;
  remove: number;
  insert: string;
  /** Snap the edit to whole lines. */
  lines: boolean;
}

const TYPED = [
  'x',
  'a',
  '*',
  '/',
  ' ',
  '"',
  "'",
  '#',
  ':',
  '-',
  '- ',
  '\n',
  '\n    - "new"',
  '\n- x',
  '\n  # c',
  'yes',
  '1',
  '&a',
  '*a',
  '[',
  ']',
  '{',
  '}',
  '!',
  '|',
  '>',
  '\t',
  '\r\n',
  '---\n',
  '<<: ',
  '  ',
  '    - "x"\n',
  '    - y\n',
  '  k: v\n',
  '# ',
  '\\',
];

export const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat(),
  remove: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
    { weight: 1, arbitrary: fc.integer({ min: 4, max: 60 }) },
  ),
  insert: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...TYPED) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: scalarText },
  ),
  lines: fc.boolean(),
});

/** The edit applied to a text, and where it went (to build an LSP change from). */
export function applyEdit(text: string, e: TextEdit): { text: string; from: number; to: number; insert: string } {
  let from = text.length ? e.at % (text.length + 1) : 0;
  let to = Math.min(text.length, from + e.remove);
  if (e.lines) {
    from = text.lastIndexOf('\n', from - 1) + 1;
    const nl = text.indexOf('\n', to);
    to = e.remove ? (nl < 0 ? text.length : nl + 1) : from;
  }
  return { text: text.slice(0, from) + e.insert + text.slice(to), from, to, insert: e.insert };
}

/** Edits where lists are: at a line (taken modulo the line count) and a column, as typing does. */
export interface LineEdit {
  line: number;
  column: number;
  op: 'type' | 'typeInValue' | 'backspace' | 'newEntry' | 'deleteLine' | 'duplicateLine' | 'replaceText';
  text: string;
}

/** What is typed: mostly pattern characters, sometimes what YAML reads as structure. */
const typedText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('x', 'a', '1', '/', '*', '-', '.', '_', '**', 'rm -rf *', 'src/**') },
  { weight: 1, arbitrary: fc.constantFrom(' ', '"', "'", '#', ' #c', ':', ': ', '&a', '*a', '[', '{', '\t', 'yes', '') },
);

export const lineEdit: fc.Arbitrary<LineEdit> = fc.record({
  line: fc.nat(),
  column: fc.nat(40),
  op: fc.constantFrom(
    'type',
    'typeInValue',
    'typeInValue',
    'typeInValue',
    'backspace',
    'backspace',
    'newEntry',
    'deleteLine',
    'duplicateLine',
    'replaceText',
  ),
  text: typedText,
});

export function applyLineEdit(text: string, e: LineEdit): { text: string; from: number; to: number; insert: string } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const line = e.line % starts.length;
  const start = starts[line];
  const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  const at = Math.min(end, start + e.column);
  const next = line + 1 < starts.length ? starts[line + 1] : text.length;
  const indent = /^ */.exec(text.slice(start, end))![0];
  const splice = (from: number, to: number, insert: string) => ({
    text: text.slice(0, from) + insert + text.slice(to),
    from,
    to,
    insert,
  });
  switch (e.op) {
    case 'type':
      return splice(at, at, e.text);
    // Past the indentation, the dash and an opening quote: inside the value.
    case 'typeInValue': {
      const inside = Math.min(end, Math.max(at, start + indent.length + 3));
      return splice(inside, inside, e.text);
    }
    case 'backspace':
      return splice(Math.max(0, at - 1), at, '');
    case 'newEntry':
      return splice(next, next, `${indent}- "${e.text}"\n`);
    case 'deleteLine':
      return splice(start, next, '');
    case 'duplicateLine':
      return splice(next, next, `${text.slice(start, end)}\n`);
    default:
      return splice(at, Math.min(end, at + 3), e.text);
  }
}

export type AnyEdit = { kind: 'line'; edit: LineEdit } | { kind: 'text'; edit: TextEdit };
export const anyEdit: fc.Arbitrary<AnyEdit> = fc.oneof(
  { weight: 4, arbitrary: lineEdit.map((edit): AnyEdit => ({ kind: 'line', edit })) },
  { weight: 1, arbitrary: textEdit.map((edit): AnyEdit => ({ kind: 'text', edit })) },
);

/** The text after an edit of either kind. */
export function applyAnyEdit(text: string, e: AnyEdit): string {
  return e.kind === 'line' ? applyLineEdit(text, e.edit).text : applyEdit(text, e.edit).text;
}

/** A node tree in plain data (class, ranges, scalar style and value) for deep comparison. */
export function treeShape(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return { scalar: node.type, range: node.range, value: valueShape(node.value), tag: node.tag };
  if (isPair(node)) return { key: treeShape(node.key), value: treeShape(node.value) };
  if (isMap(node)) return { map: node.range, flow: !!node.flow, items: node.items.map(treeShape) };
  if (isSeq(node)) return { seq: node.range, flow: !!node.flow, items: node.items.map(treeShape) };
  return { other: (node as Node).constructor?.name, range: (node as Node).range };
}

/** A loaded value in plain data, floats and timestamps marked so they differ from numbers and strings. */
export function valueShape(v: unknown): unknown {
  if (typeof v === 'symbol') return { symbol: v.description };
  if (v instanceof PyFloat) return { float: String(v.value) };
  if (v instanceof PyTimestamp) return { timestamp: v.source };
  if (Array.isArray(v)) return v.map(valueShape);
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, valueShape(x)]);
  return v;
}
