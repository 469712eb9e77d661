// CAVRA-shaped policy packs of a given rule count: one rule per line, spread over the rule lists,
// realistic globs and command strings, and a few deliberate mistakes both servers should report.
// Deterministic (seeded), so every run measures the same text. Several shapes (issue 14): real packs
// are often generated from an inventory, and then their entries share long prefixes, or nearly all
// hold `**`, which the first generator's random spread never showed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface GeneratedPolicy {
  id: string;
  text: string;
  rules: number;
  /** Where the benchmark edits and asks: 0-based line numbers into `text`. */
  places: {
    /** The middle entry of the largest list (filesystem.block_read), and the column inside its quotes. */
    middleEntryLine: number;
    middleEntryColumn: number;
    /** A middle entry of commands.allow (hover there looks for shadowing block rules). */
    allowEntryLine: number;
    /** The `block_read:` key line (hover on a key), column of the key's first letter. */
    keyLine: number;
    keyColumn: number;
    /** A key line under `git`, after the big command lists (key completion at its indentation). */
    completionLine: number;
    completionColumn: number;
    /** Entries spread over every list, each with a column inside its pattern: where the bench edits. */
    edits: { list: string; line: number; column: number }[];
  };
}

/**
 * The shapes a pack can have: `spread` (entries over many random prefixes, the easy case for the cover
 * index), `prefix` (long shared prefixes with a number inside, as generated from an inventory), `globstar`
 * (nearly every entry holds `**`, most start with it) and `examples` (CAVRA's own example packs repeated
 * with renamed entries) and `json` (the `prefix` pack written as JSON, as `json.dumps(policy, indent=2)`
 * writes it: YAML too, every collection a flow one, every string double-quoted).
 */
export const SHAPES = ['spread', 'prefix', 'globstar', 'examples', 'json'] as const;
export type Shape = (typeof SHAPES)[number];

export function isShape(s: string): s is Shape {
  return (SHAPES as readonly string[]).includes(s);
}

/** Share of the rules each list gets; the rest of the sections are small and fixed. */
const SHARES: [string, string, number][] = [
  ['filesystem', 'block_read', 0.2],
  ['filesystem', 'block_write', 0.12],
  ['filesystem', 'require_approval_write', 0.13],
  ['commands', 'block', 0.15],
  ['commands', 'allow', 0.15],
  ['commands', 'require_approval', 0.13],
  ['mcp', 'allowed_servers', 0.07],
  ['mcp', 'blocked_servers', 0.05],
];

const TEAMS = ['pay', 'ledger', 'auth', 'billing', 'search', 'api', 'risk', 'web', 'ml', 'ops', 'fraud', 'infra'];
const ROOTS = ['src', 'svc', 'infra', 'deploy', 'config', 'tf', 'k8s', 'data', 'pkg'];
const FILES = ['*.pem', '*.key', 'secrets.*', '*.env', '.env.*', '*token*', '*.tfstate', 'id_rsa*', '*.p12'];
const WRITE_FILES = ['**', '*.tf', '*.yaml', 'Dockerfile', '*.lock', 'migrations/**', 'CODEOWNERS', '*.py'];
const BLOCK_CMDS = [
  'terraform apply *{t}{n}*',
  'kubectl delete ns {t}-{n}*',
  'git push --force *{t}-{n}*',
  'aws s3 rm s3://{t}-{n}/*',
  'helm uninstall {t}-{n}*',
  'psql -h db-{n} -c DROP*',
  'gh repo delete acme/{t}-{n}*',
  'rm -rf /srv/{t}/{n}*',
];
const ALLOW_CMDS = [
  'git diff -- svc/{t}-{n}*',
  'pytest tests/{t}/t{n}*',
  'npm test -w {t}-{n}*',
  'go test ./{t}/v{n}/...',
  'make lint-{t}-{n}',
  'terraform plan *{t}{n}*',
  'kubectl get pods -n {t}-{n}*',
  'ruff check src/{t}{n}*',
];
const APPROVAL_CMDS = [
  'gh release *{t}-v{n}*',
  'npm publish -w {t}-{n}*',
  'kubectl rollout *{t}-{n}*',
  'twine upload {t}_{n}*',
  'docker push acme/{t}-{n}*',
  'git tag {t}-{n}*',
];
const MCP_KINDS = ['github', 'jira', 'confluence', 'slack', 'pagerduty', 'datadog', 'snowflake', 'notion', 'sentry', 'linear'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type EntryMaker = (list: string, i: number, pick: <T>(xs: T[]) => T) => string;

function spreadEntry(list: string, i: number, pick: <T>(xs: T[]) => T): string {
  const t = pick(TEAMS);
  const fill = (s: string) => s.replace(/\{t\}/g, t).replace(/\{n\}/g, String(i));
  switch (list) {
    case 'block_read':
      return `${pick(ROOTS)}/${t}${i}/**/${pick(FILES)}`;
    case 'block_write':
      return `${pick(ROOTS)}/${t}${i}/prod/${pick(WRITE_FILES)}`;
    case 'require_approval_write':
      return `${pick(ROOTS)}/${t}${i}/${pick(WRITE_FILES)}`;
    case 'block':
      return fill(pick(BLOCK_CMDS));
    case 'allow':
      return fill(pick(ALLOW_CMDS));
    case 'require_approval':
      return fill(pick(APPROVAL_CMDS));
    case 'allowed_servers':
      return `${pick(MCP_KINDS)}-${t}-${i}`;
    default:
      return `${pick(MCP_KINDS)}-ext-${t}-${i}`;
  }
}

/** The table: per-team paths, roles, modules and servers numbered from an inventory. */
function prefixEntry(list: string, i: number, pick: <T>(xs: T[]) => T): string {
  switch (list) {
    case 'block_read':
      return `secrets/team-${i}/**/${pick(['*.pem', '*.key', '*.p12'])}`;
    case 'block_write':
      return `infra/iam/role-${i}/**`;
    case 'require_approval_write':
      return `deploy/environments/env-${i}/${pick(['**', '*.yaml', 'values.yaml'])}`;
    case 'block':
      return `terraform apply -target=module.m${i}*`;
    case 'allow':
      return `terraform plan -target=module.m${i}*`;
    case 'require_approval':
      return `kubectl rollout restart deployment/service-${i}*`;
    case 'allowed_servers':
      return `server-${i}`;
    default:
      return `server-ext-${i}`;
  }
}

/** Nearly every entry holds `**` (most start with it): every pattern lands in the index's empty prefix. */
function globstarEntry(list: string, i: number, pick: <T>(xs: T[]) => T): string {
  const t = pick(TEAMS);
  switch (list) {
    case 'block_read':
      return `**/${t}${i}/**/${pick(FILES)}`;
    case 'block_write':
      return `**/${t}-${i}/prod/**`;
    case 'require_approval_write':
      return i % 10 === 0 ? `${pick(ROOTS)}/${t}${i}/**` : `**/${t}${i}/**/${pick(WRITE_FILES)}`;
    case 'block':
      return `**terraform apply**${t}${i}**`;
    case 'allow':
      return `**git diff**svc/${t}-${i}**`;
    case 'require_approval':
      return `**kubectl rollout**${t}-${i}**`;
    case 'allowed_servers':
      return `${pick(MCP_KINDS)}-${t}-${i}`;
    default:
      return `${pick(MCP_KINDS)}-ext-${t}-${i}`;
  }
}

/** Where the example packs copied from CAVRA are (the tests and the bench run from the repository root). */
export const EXAMPLE_PACKS = resolve('test/bench/fixtures/examplePacks');

let examples: Map<string, string[]> | undefined;

/** The entries of CAVRA's example packs, per list (`block_read`, `allowed_servers`, …). */
function exampleEntries(): Map<string, string[]> {
  if (examples) return examples;
  examples = new Map();
  for (const name of readdirSync(EXAMPLE_PACKS)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const pack = parse(readFileSync(join(EXAMPLE_PACKS, name), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [, section] of Object.entries(pack)) {
      for (const [list, value] of Object.entries(section ?? {})) {
        if (!Array.isArray(value)) continue;
        // Once each: several packs share `.env`, and a pack has no duplicate by design.
        const known = new Set(examples.get(list));
        for (const v of value) if (typeof v === 'string') known.add(v);
        examples.set(list, [...known]);
      }
    }
  }
  return examples;
}

/** An example pack's entry, renamed: the number joins its last word (`**\/secrets.*` -> `**\/secrets.7*`). */
function examplesEntry(list: string, i: number): string {
  const all = exampleEntries().get(list) ?? exampleEntries().get('block_read')!;
  const text = all[i % all.length];
  const copy = Math.floor(i / all.length);
  const words = [...text.matchAll(/[A-Za-z0-9]+/g)];
  const last = words[words.length - 1];
  if (!last) return `${text}${copy}`;
  const end = last.index + last[0].length;
  return `${text.slice(0, end)}${copy}${text.slice(end)}`;
}

const MAKERS: Record<Shape, EntryMaker> = {
  spread: spreadEntry,
  prefix: prefixEntry,
  globstar: globstarEntry,
  examples: (list, i) => examplesEntry(list, i),
  json: prefixEntry,
};

/** How many entries of each list the bench edits (spread evenly over the list). */
const EDIT_PLACES_PER_LIST = 16;

export function generatePolicy(rules: number, seed = 7, shape: Shape = 'spread'): GeneratedPolicy {
  const random = mulberry32(seed + rules);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const entryFor = MAKERS[shape];
  const id = `cavra-bench-${rules}`;
  const lines: string[] = [
    `# Benchmark pack: ${rules} rules (${shape}), generated by test/bench. Contains deliberate mistakes.`,
    'metadata:',
    `  id: ${id}`,
    `  title: Benchmark pack with ${rules} rules`,
    '  description: A large CAVRA-shaped pack for measuring editor tooling.',
    '  version: "1.0.0"',
    '  mode: strict', // mistake: `strict` is a rollout/evaluate mode, not a metadata.mode value
  ];
  const counts = SHARES.map(([, , share]) => Math.max(1, Math.round(rules * share)));
  counts[0] += rules - counts.reduce((s, c) => s + c, 0);
  const places = {
    middleEntryLine: 0,
    middleEntryColumn: 0,
    allowEntryLine: 0,
    keyLine: 0,
    keyColumn: 2,
    completionLine: 0,
    completionColumn: 2,
    edits: [] as GeneratedPolicy['places']['edits'],
  };
  let section = '';
  let n = 0;
  SHARES.forEach(([sec, list], k) => {
    if (sec !== section) {
      if (sec === 'mcp') {
        lines.push('git:', '  require_pull_request: true');
        places.completionLine = lines.length;
        lines.push('  require_ai_attestation: true');
      }
      lines.push(`${sec}:`);
      if (sec === 'mcp') lines.push('  allowlist_enabled: true', '  block_unknown_servers: true');
      section = sec;
    }
    if (list === 'block_read') places.keyLine = lines.length;
    lines.push(`  ${list}:`);
    const every = Math.max(1, Math.floor(counts[k] / EDIT_PLACES_PER_LIST));
    for (let j = 0; j < counts[k]; j++, n++) {
      const text = entryFor(list, n, pick);
      const quoted = !list.endsWith('_servers');
      // Inside the pattern, in its middle: where a user fixes or extends one.
      if (j % every === every >> 1)
        places.edits.push({ list, line: lines.length, column: 6 + (quoted ? 1 : 0) + (text.length >> 1) });
      if (list === 'block_read' && j === Math.floor(counts[k] / 2)) {
        places.middleEntryLine = lines.length;
        places.middleEntryColumn = 8; // inside the quotes: `    - "ab|c`
      }
      if (list === 'allow' && j === Math.floor(counts[k] / 2)) places.allowEntryLine = lines.length;
      lines.push(list.endsWith('_servers') ? `    - ${text}` : `    - "${text}"`);
    }
    // A fixed handful of mistakes, whatever the size.
    if (list === 'block_read') lines.push(lines[places.keyLine + 1]); // duplicate entry (uniqueItems)
    if (list === 'block') lines.push('    - ""'); // empty pattern (minLength 1)
    if (list === 'allowed_servers') lines.push('    - 8080'); // not a string
    if (list === 'require_approval_write') lines.push('  allow_read:', '    - "docs/**"'); // unknown key under filesystem
  });
  lines.push('  risk_scoring:', '    github-payments-1: medium', '    jira-ledger-2: extreme'); // extreme: not an allowed value
  lines.push('approvals:', '  production_changes:', '    approvers:', '      - Platform Security');
  lines.push('compliance:', '  maps_to:', '    - "NIST SSDF PO.3.2"', '    - "SOC 2 CC8.1"', '');
  const generated = { id, text: lines.join('\n'), rules, places };
  return shape === 'json' ? asJson(generated, lines) : generated;
}

/**
 * The pack written as JSON, indented by 2 (one entry per line, as json.dumps(indent=2) writes it), its
 * places moved to the same entries and keys. The generator's comment line has no place in JSON.
 */
function asJson(policy: GeneratedPolicy, yamlLines: string[]): GeneratedPolicy {
  const lines = JSON.stringify(parse(policy.text), null, 2).split('\n');
  /** Where a list's key is, in the YAML lines and in the JSON ones (each list name is used once). */
  const yamlKey = (list: string) => yamlLines.indexOf(`  ${list}:`);
  const jsonKey = (list: string) => lines.indexOf(`    ${JSON.stringify(list)}: [`);
  // An entry line of the YAML (`    - "text"`) to the JSON (`      "text",`): the same index in its list.
  const entry = (list: string, line: number, column: number) => ({
    line: jsonKey(list) + line - yamlKey(list),
    column: column + 1,
  });
  const p = policy.places;
  const middle = entry('block_read', p.middleEntryLine, p.middleEntryColumn);
  const completion = lines.findIndex((l) => l.startsWith('    "require_ai_attestation"'));
  return {
    ...policy,
    text: `${lines.join('\n')}\n`,
    places: {
      middleEntryLine: middle.line,
      middleEntryColumn: middle.column,
      allowEntryLine: entry('allow', p.allowEntryLine, 0).line,
      keyLine: jsonKey('block_read'),
      keyColumn: 5,
      completionLine: completion,
      completionColumn: 4,
      edits: p.edits.map((e) => ({ list: e.list, ...entry(e.list, e.line, e.column) })),
    },
  };
}

/**
 * The policy as an editor opens it after another tool changed it: its first line (the generator's
 * comment; written as JSON, the opening brace, then given a space after it) differs from the file on
 * disk, the other lines unchanged. A server that has been idle may have analysed the file from disk
 * already (the workspace pass keeps its last analysis for an open of that very text); an open of this
 * text measures the document's own cold analysis instead.
 */
export function unlikeTheDisk(text: string): string {
  if (text.startsWith('{\n')) return `{ ${text.slice(1)}`;
  if (!text.startsWith('# ')) throw new Error('unlikeTheDisk: a generated policy starts with its comment line or `{`');
  return `#~${text.slice(2)}`;
}
