// Hostile policy texts for the fuzz suites: policies built from CAVRA's fields with YAML's traps in
// every value, real packs cut and spliced at random, and plain junk. Every generator shrinks, so a
// failure is reported as a small text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fixturesDir } from '../../backend/backendFixtures';

/** Every fixture pack's policy.yaml (valid and deliberately broken ones): the mutation seeds. */
export function seedPolicies(): string[] {
  const dir = join(fixturesDir(), 'policies');
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    try {
      out.push(readFileSync(join(dir, name, 'policy.yaml'), 'utf8'));
    } catch {
      // README.md and folders without a policy.yaml
    }
  }
  return out;
}

/** Scalars that YAML 1.1, PyYAML or an editor read in surprising ways. */
const TRAPS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'true',
  'False',
  '~',
  'null',
  '',
  '010',
  '0x1F',
  '0o17',
  '1e5',
  '1_000',
  '1:20',
  '190:20:30',
  '.inf',
  '-.Inf',
  '.nan',
  '2026-05-01',
  '2026-05-01 10:00:00',
  '2026-05-01T10:00:00Z',
  '"quoted: yes"',
  "'single # not a comment'",
  '"\\u0000"',
  '"\\ud800"',
  '"tab\\there"',
  '*',
  '**/*.pem',
  '.env',
  'terraform apply*',
  'agent/{role}/{issue-slug}',
  '&anchor value',
  '*alias',
  '!!str 5',
  '!!python/object:os.system',
  '!custom x',
  '<<',
  '=',
  '? complex',
  '- dash',
  '| block',
  '> folded',
  '@reserved',
  '`backtick',
  '%directive',
  '[flow, list]',
  '{flow: map}',
  '"unterminated',
  "'unterminated",
  '# only a comment',
  'a: b: c',
  '\u00e9t\u00e9',
  '\u{1F512} lock',
  '\u202Eright-to-left',
  '\u200Bzero width',
  'x'.repeat(300),
  '<script>alert(1)</script>',
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
  'block_direct_push_to_protected_branch',
  'require_human_reviewer',
  'require_ai_attestation',
  'mcp',
  'allowlist_enabled',
  'block_unknown_servers',
  'allowed_servers',
  'blocked_servers',
  'risk_scoring',
  'approvals',
  'protected_actions',
  'approvers',
  'evidence',
  'required_fields',
  'require_branch_pattern',
  'compliance',
  'maps_to',
  'unknown_key',
  '<<',
  'draft',
  'policy_pack',
];

/** Characters that mean something to YAML, plus line breaks, BOM, NUL, a lone surrogate and a tab. */
const YAML_CHARS = [
  ':',
  '-',
  ' ',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '#',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '?',
  '<<',
  '---',
  '...',
  '\uFEFF',
  '\0',
  '\uD800',
  '\\',
  'a',
  'x',
  '1',
];

const identifier = fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/);

const scalar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRAPS) },
  { weight: 2, arbitrary: identifier },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'grapheme' }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);

interface Tree {
  kind: 'scalar';
  text: string;
}
interface ListTree {
  kind: 'list';
  items: Node[];
}
interface MapTree {
  kind: 'map';
  entries: [string, Node][];
}
type Node = Tree | ListTree | MapTree;

const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: scalar });

const { node } = fc.letrec<{ node: Node; list: ListTree; map: MapTree }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'policy' },
    { weight: 5, arbitrary: scalar.map((text): Node => ({ kind: 'scalar', text })) },
    { weight: 2, arbitrary: tie('list') },
    { weight: 2, arbitrary: tie('map') },
  ),
  list: fc.array(tie('node'), { maxLength: 5, depthIdentifier: 'policy' }).map((items): ListTree => ({ kind: 'list', items })),
  map: fc
    .array(fc.tuple(key, tie('node')), { maxLength: 5, depthIdentifier: 'policy' })
    .map((entries): MapTree => ({ kind: 'map', entries })),
}));

interface Style {
  indent: number;
  flow: boolean;
  eol: string;
}

function write(n: Node, depth: number, s: Style): string {
  const pad = ' '.repeat(depth * s.indent);
  if (n.kind === 'scalar') return ` ${n.text}`;
  if (s.flow) {
    if (n.kind === 'list') return ` [${n.items.map((i) => write(i, 0, { ...s, flow: true }).trim()).join(', ')}]`;
    return ` {${n.entries.map(([k, v]) => `${k}:${write(v, 0, { ...s, flow: true })}`).join(', ')}}`;
  }
  if (n.kind === 'list') {
    if (!n.items.length) return ' []';
    return n.items.map((i) => `${s.eol}${pad}-${write(i, depth + 1, s)}`).join('');
  }
  if (!n.entries.length) return ' {}';
  return n.entries.map(([k, v]) => `${s.eol}${pad}${k}:${write(v, depth + 1, s)}`).join('');
}

/** A policy built from CAVRA's sections and keys, block or flow style, any indent and line ending. */
export const structuredPolicy: fc.Arbitrary<string> = fc
  .record({
    id: fc.oneof(
      identifier.map((s) => `cavra-${s}`),
      scalar,
    ),
    title: scalar,
    version: fc.constantFrom('"1.0.0"', '1.0', '2026.05', '1', '"x"', '~'),
    sections: fc.array(fc.tuple(key, node), { maxLength: 8 }),
    indent: fc.constantFrom(2, 4, 1),
    flow: fc.boolean(),
    eol: fc.constantFrom('\n', '\n', '\r\n', '\r'),
    bom: fc.boolean(),
    marker: fc.constantFrom('', '---\n', '%YAML 1.1\n---\n', '--- !tag\n'),
    trailer: fc.constantFrom('', '\n', '...\n', '---\nsecond: doc\n', '# trailing comment'),
  })
  .map((p) => {
    const style: Style = { indent: p.indent, flow: p.flow, eol: p.eol };
    const head = `metadata:${p.eol}${' '.repeat(p.indent)}id: ${p.id}${p.eol}${' '.repeat(p.indent)}title: ${p.title}${p.eol}${' '.repeat(p.indent)}description: d${p.eol}${' '.repeat(p.indent)}version: ${p.version}`;
    const body = p.sections.map(([k, v]) => `${p.eol}${k}:${write(v, 1, style)}`).join('');
    return `${p.bom ? '\uFEFF' : ''}${p.marker}${head}${body}${p.eol}${p.trailer}`;
  });

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'indent'; line: number; by: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(...YAML_CHARS),
      scalar,
      fc.constantFrom(...KEYS).map((k) => `${k}: `),
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

export function applyMutation(text: string, m: Mutation): string {
  const at = (n: number) => (text.length ? n % (text.length + 1) : 0);
  switch (m.op) {
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'duplicate': {
      const from = at(m.at);
      return text.slice(0, from) + text.slice(from, from + m.length) + text.slice(from);
    }
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'indent':
    case 'swapLines': {
      const lines = text.split('\n');
      if (m.op === 'indent') {
        const i = m.line % lines.length;
        lines[i] = m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.by}}`), '');
      } else {
        const a = m.a % lines.length;
        const b = m.b % lines.length;
        [lines[a], lines[b]] = [lines[b], lines[a]];
      }
      return lines.join('\n');
    }
  }
}

/** A real pack (or a generated one) with a few random cuts, insertions and shuffles. */
export function mutatedPolicy(seeds: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...seeds) }, { weight: 1, arbitrary: structuredPolicy }),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
    )
    .map(([seed, ms]) => ms.reduce(applyMutation, seed));
}

/** Text that is not meant to be YAML at all: YAML punctuation soup and arbitrary UTF-16 (lone surrogates too). */
export const junkText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...YAML_CHARS), maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

/** All three, weighted towards texts that are almost policies (where the interesting bugs are). */
export function hostilePolicy(seeds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: mutatedPolicy(seeds) },
    { weight: 2, arbitrary: structuredPolicy },
    { weight: 1, arbitrary: junkText },
  );
}
