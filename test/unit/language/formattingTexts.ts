// Random policy-shaped YAML written twice from one tree: once as an author might (odd indentation,
// indentless lists, extra spaces after `:` and `-`, single quotes, trailing whitespace, blank lines
// holding spaces, comments at any column) and once in the formatter's style (docs/formatting.md).
// Formatting the first must give exactly the second. Seeded, so a failure names its seed.

type Scalar = { kind: 'scalar'; odd: string; canonical: string };
type Literal = { kind: 'literal'; lines: string[] };
type MapNode = { kind: 'map'; entries: [Key, Node][] };
type SeqNode = { kind: 'seq'; items: Node[] };
type Node = Scalar | Literal | MapNode | SeqNode;
type Key = { odd: string; canonical: string };

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [as written, as formatted]: plain text and YAML 1.1 traps stay as written; single quotes become double. */
const SCALARS: [string, string][] = [
  ['cavra-example', 'cavra-example'],
  ['Platform Security', 'Platform Security'],
  ['terraform apply*', 'terraform apply*'],
  ['docs/**', 'docs/**'],
  ['agent/{role}/{issue-slug}', 'agent/{role}/{issue-slug}'],
  ['yes', 'yes'],
  ['on', 'on'],
  ['off', 'off'],
  ['010', '010'],
  ['0777', '0777'],
  ['1_000', '1_000'],
  ['1:20', '1:20'],
  ['1e5', '1e5'],
  ['1.0', '1.0'],
  ['2026-05-01', '2026-05-01'],
  ['2026-05-01 10:00:00', '2026-05-01 10:00:00'],
  ['~', '~'],
  ['null', 'null'],
  ['"**/*.pem"', '"**/*.pem"'],
  ['"2026.05"', '"2026.05"'],
  ['"it\'s"', '"it\'s"'],
  ['"tab\\there"', '"tab\\there"'],
  ["'**/*.key'", '"**/*.key"'],
  ["'on'", '"on"'],
  ["'it''s'", '"it\'s"'],
  ["'1.0.0'", '"1.0.0"'],
  ['\'say "hi"\'', '\'say "hi"\''],
  ["'back\\slash'", "'back\\slash'"],
  ['[ a ,  "b" ]', '[ a ,  "b" ]'],
  ["{k: 'v'}", "{k: 'v'}"],
  ['&anchor value', '&anchor value'],
  ['!!str 5', '!!str 5'],
];

const KEYS: Key[] = [
  { odd: 'id', canonical: 'id' },
  { odd: 'block_read', canonical: 'block_read' },
  { odd: 'allow', canonical: 'allow' },
  { odd: 'approvers', canonical: 'approvers' },
  { odd: 'maps_to', canonical: 'maps_to' },
  { odd: 'on', canonical: 'on' },
  { odd: "'quoted key'", canonical: '"quoted key"' },
  { odd: '"double key"', canonical: '"double key"' },
  { odd: 'risk_scoring', canonical: 'risk_scoring' },
  { odd: 'x-y', canonical: 'x-y' },
];

const LITERALS = [['line one', '  indented more', '', 'last'], ['single'], ['a: not a key', '# not a comment']];

export interface FormattingCase {
  odd: string;
  canonical: string;
  tabSize: number;
}

export function formattingCase(seed: number): FormattingCase {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[int(0, xs.length - 1)];
  const chance = (p: number) => random() < p;
  const tab = pick([2, 2, 4]);
  const eol = pick(['\n', '\n', '\n', '\r\n', '\r']);

  const node = (depth: number): Node => {
    const r = random();
    if (depth >= 3 || r < 0.45) return { kind: 'scalar', ...scalar() };
    if (r < 0.52) return { kind: 'literal', lines: pick(LITERALS) };
    if (r < 0.76) return { kind: 'map', entries: entries(depth + 1) };
    return { kind: 'seq', items: Array.from({ length: int(1, 3) }, () => node(depth + 1)) };
  };
  const scalar = () => {
    const [odd, canonical] = pick(SCALARS);
    return { odd, canonical };
  };
  const entries = (depth: number): [Key, Node][] => {
    const keys = [...KEYS].sort(() => random() - 0.5).slice(0, int(1, 3));
    return keys.map((k) => [k, node(depth)]);
  };

  const odd: string[] = [];
  const canonical: string[] = [];
  let afterLiteral = false;
  /** Blank lines and a comment before an item at `col` (canonically at `ccol`). */
  const before = (col: number, ccol: number) => {
    for (let i = chance(0.3) ? int(1, 2) : 0; i > 0; i--) {
      odd.push(chance(0.5) && !afterLiteral ? ' '.repeat(int(1, 5)) : '');
      canonical.push('');
    }
    if (chance(0.3)) {
      const text = pick(['# why this rule', '#tight', '# trailing   ', '# ---']);
      odd.push(' '.repeat(int(0, col)) + text);
      canonical.push(' '.repeat(ccol) + text.trimEnd());
    }
    afterLiteral = false;
  };
  const tail = () => (chance(0.2) ? ' '.repeat(int(1, 3)) : '');
  /** The rest of a line after `key:` or `-` (value on the same line), or the lines below it. */
  const value = (n: Node, head: string, chead: string, col: number, ccol: number, inSeq: boolean, compactHead = false) => {
    if (n.kind === 'scalar') {
      const comment = chance(0.15) ? '  # note' : '';
      odd.push(`${head}${' '.repeat(int(1, 3))}${n.odd}${comment || tail()}`);
      canonical.push(`${chead} ${n.canonical}${comment}`);
      if (!compactHead && chance(0.1)) {
        // A comment indented deeper than what follows closes the item above it: it takes that item's column.
        odd.push(`${' '.repeat(col + int(1, 4))}# about the line above`);
        canonical.push(`${' '.repeat(ccol)}# about the line above`);
      }
    } else if (n.kind === 'literal') {
      odd.push(`${head}${' '.repeat(int(1, 2))}|${tail()}`);
      canonical.push(`${chead} |`);
      for (const l of n.lines) {
        odd.push(l ? ' '.repeat(col + 2) + l : '');
        canonical.push(l ? ' '.repeat(ccol + 2) + l : '');
      }
      afterLiteral = true;
    } else if (n.kind === 'map') {
      odd.push(head + tail());
      canonical.push(chead);
      map(n, col + int(1, 4), ccol + tab);
    } else {
      odd.push(head + tail());
      canonical.push(chead);
      seq(n, col + int(inSeq ? 1 : 0, 4), ccol + tab);
    }
  };
  const map = (n: MapNode, col: number, ccol: number, firstHead?: [string, string]) => {
    n.entries.forEach(([k, v], i) => {
      const compact = i === 0 && firstHead;
      if (!compact) before(col, ccol);
      const pad = compact ? firstHead[0] : ' '.repeat(col);
      const cpad = compact ? firstHead[1] : ' '.repeat(ccol);
      const head = `${pad}${k.odd}${k.odd.startsWith('"') || k.odd.startsWith("'") ? '' : chance(0.2) ? ' ' : ''}:`;
      value(v, head, `${cpad}${k.canonical}:`, col, ccol, false, !!compact);
    });
  };
  const seq = (n: SeqNode, col: number, ccol: number) => {
    for (const item of n.items) {
      before(col, ccol);
      const spaces = int(1, 3);
      if (item.kind === 'map') {
        // `- key: v` with the next keys under the first.
        map(item, col + 1 + spaces, ccol + 2, [`${' '.repeat(col)}-${' '.repeat(spaces)}`, `${' '.repeat(ccol)}- `]);
      } else if (item.kind === 'seq') {
        odd.push(`${' '.repeat(col)}-${tail()}`);
        canonical.push(`${' '.repeat(ccol)}-`);
        seq(item, col + int(1, 4), ccol + tab);
      } else value(item, `${' '.repeat(col)}-`, `${' '.repeat(ccol)}-`, col, ccol, true);
    }
  };

  odd.push('# generated policy');
  canonical.push('# generated policy');
  map(
    {
      kind: 'map',
      entries: [
        [
          { odd: 'metadata', canonical: 'metadata' },
          {
            kind: 'map',
            entries: [
              [
                { odd: 'id', canonical: 'id' },
                { kind: 'scalar', odd: 'cavra-generated', canonical: 'cavra-generated' },
              ],
              [
                { odd: 'title', canonical: 'title' },
                { kind: 'scalar', odd: "'Generated'", canonical: '"Generated"' },
              ],
              [
                { odd: 'description', canonical: 'description' },
                { kind: 'scalar', odd: 'A pack.', canonical: 'A pack.' },
              ],
              [
                { odd: 'version', canonical: 'version' },
                { kind: 'scalar', odd: '"1.0.0"', canonical: '"1.0.0"' },
              ],
            ],
          },
        ],
        ...(['filesystem', 'commands', 'evidence'] as const).map((s): [Key, Node] => [
          { odd: s, canonical: s },
          { kind: 'map', entries: entries(1) },
        ]),
      ],
    },
    0,
    0,
  );
  return { odd: odd.join(eol) + eol, canonical: canonical.join(eol) + eol, tabSize: tab };
}
