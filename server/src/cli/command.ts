// What every command declares (its flags, arguments and help) and the options several commands share.
import type { CommandFlags, FlagSpec, Options, PositionalSpec } from './args';

export interface CommandContext {
  opts: Options;
  out: (text: string) => void;
  err: (text: string) => void;
  /**
   * When `out` is a stream whose reader is behind (a pipe), a promise to await before printing more;
   * undefined when there is room, or when `out` is not a stream. Commands that print as they go await it.
   */
  drained?: () => Promise<void> | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set when a CAVRA server answered; human output names it. */
  answeredBy?: string;
  /** Keeps a secret (a token read from a file) out of everything printed from now on. */
  hideSecret?: (secret: string | undefined) => void;
}

export interface CommandDef {
  /** The command words, e.g. `approval list`. */
  name: string;
  /** Arguments and main flags as shown in usage, e.g. `ID --actor NAME --reason TEXT`. */
  synopsis: string;
  summary: string;
  /** More help, shown under the usage line. */
  details?: string;
  positionals: PositionalSpec;
  /** The command's own flags; the common options are added to every command. */
  flags: FlagSpec[];
  /** The common options this command uses (`--json` always applies); others are ignored with a warning. */
  common: readonly CommonOption[];
  /** A number when the command is synchronous (summary, digest, keys; validate unless it waits for a slow reader). */
  run(ctx: CommandContext): number | Promise<number>;
}

export const JSON_FLAG: FlagSpec = {
  name: '--json',
  kind: 'bool',
  help: 'Machine-readable output (JSON) on stdout; a failure is {"error": {...}}',
};

export const ROOT_FLAG: FlagSpec = {
  name: '--root',
  kind: 'string',
  value: 'DIR',
  help: 'Workspace folder (default: the current folder)',
};
export const POLICY_DIR_FLAG: FlagSpec = {
  name: '--policy-dir',
  kind: 'string',
  value: 'DIR',
  help: 'Policy root (default: $CAVRA_POLICY_DIR, else <root>/policies)',
};

/**
 * The common options, defined once. Every command accepts every one of them (before or after the
 * command word); a command lists in `common` the ones it uses, and the others are ignored with a
 * warning on stderr.
 */
export const COMMON_OPTIONS: readonly FlagSpec[] = [
  JSON_FLAG,
  ROOT_FLAG,
  POLICY_DIR_FLAG,
  {
    name: '--store',
    kind: 'string',
    value: 'PATH',
    help: 'Approval store (default: $CAVRA_APPROVAL_STORE, else <root>/.cavra/approvals.json)',
  },
  {
    name: '--inventory',
    kind: 'string',
    value: 'PATH',
    help: "Rollout inventory (default: $CAVRA_INVENTORY_STORE, else <root>/.cavra/api/inventory.json, CAVRA API's default)",
  },
  {
    name: '--oidc-config',
    kind: 'string',
    value: 'PATH',
    help: 'OIDC config that checks --actor-token (default: $CAVRA_APPROVAL_OIDC_CONFIG)',
  },
  { name: '--rbac-file', kind: 'string', value: 'PATH', help: 'Approval RBAC file (default: $CAVRA_APPROVAL_RBAC_FILE)' },
  {
    name: '--backend',
    kind: 'choice',
    value: 'local|remote',
    choices: ['local', 'remote'],
    help: 'Where operations run (default: see "Which backend answers" below)',
  },
  { name: '--url', kind: 'string', value: 'URL', help: 'CAVRA server URL; selects --backend remote (default: $CAVRA_URL)' },
  {
    name: '--token-env',
    kind: 'string',
    value: 'NAME',
    help: 'Environment variable holding the API token (default: CAVRA_TOKEN); the token is never printed',
  },
  { name: '--timeout-ms', kind: 'int', value: 'MS', min: 1, help: 'Time limit per remote call in milliseconds (default: 15000)' },
];

export type CommonOption =
  | '--json'
  | '--root'
  | '--policy-dir'
  | '--store'
  | '--inventory'
  | '--oidc-config'
  | '--rbac-file'
  | '--backend'
  | '--url'
  | '--token-env'
  | '--timeout-ms';

/** What the remote backend uses: the choice, the server and its token and time limit. */
export const REMOTE_OPTIONS: readonly CommonOption[] = ['--backend', '--url', '--token-env', '--timeout-ms'];
/** Options that only the local backend reads; given one, the local backend answers (over $CAVRA_URL). */
export const LOCAL_ONLY_OPTIONS: readonly string[] = [
  '--policy-dir',
  '--store',
  '--inventory',
  '--oidc-config',
  '--rbac-file',
  '--routing-file',
];
/** Verified actors: OIDC token checks and RBAC, for commands that change something. */
export const ACTOR_OPTIONS: readonly CommonOption[] = ['--oidc-config', '--rbac-file'];

/** The backend line of the top-level help and every backend command's help. */
export const BACKEND_PRECEDENCE =
  'Which backend answers: --backend if given; else remote with --url; else local when a local-only option\n' +
  '(--policy-dir, --store, --inventory, --oidc-config, --rbac-file, --routing-file) is given; else remote when\n' +
  '$CAVRA_URL is set; else local. Human output names the CAVRA server that answered.';

export const EXIT_CODES = 'Exit codes: 0 ok, 1 errors found or operation failed, 2 bad usage or unreadable input.';

const HELP_FLAG: FlagSpec = { name: '--help', kind: 'bool', help: 'This help' };

/** Two-column rows, the first column padded to the widest entry (capped so long flags wrap sensibly). */
export function columns(rows: [string, string][], indent = 2): string[] {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(
    ([left, right]) => `${' '.repeat(indent)}${left.length + 2 > width ? `${left}  ` : left.padEnd(width)}${right}`,
  );
}

/** Words wrapped at 100 columns, indented. */
function wrap(text: string, indent: number, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(' '.repeat(indent) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(' '.repeat(indent) + line);
  return lines;
}

function flagRows(flags: readonly FlagSpec[]): [string, string][] {
  return flags.map((f) => [`${f.name}${f.value ? ` ${f.value}` : ''}`, `${f.help}${f.required ? ' (required)' : ''}`]);
}

/** The common options that apply to `def` (always `--json`). */
export function appliesTo(def: CommandDef): Set<string> {
  return new Set<string>(['--json', ...def.common]);
}

/** Its own flags and every common option, the ones used by `def` told apart: what the parser takes. */
export function flagsOf(def: CommandDef): CommandFlags {
  return { own: def.flags, common: COMMON_OPTIONS, applies: appliesTo(def) };
}

export function commandHelp(def: CommandDef): string {
  const applies = appliesTo(def);
  const used = COMMON_OPTIONS.filter((f) => applies.has(f.name));
  const unused = COMMON_OPTIONS.filter((f) => !applies.has(f.name));
  const lines = [`Usage: cavra-policy ${def.name}${def.synopsis ? ` ${def.synopsis}` : ''}`, '', def.summary];
  if (def.details) lines.push('', def.details);
  if (def.flags.length) lines.push('', 'Options:', ...columns(flagRows(def.flags)));
  lines.push('', 'Common options:', ...columns(flagRows([...used, HELP_FLAG])));
  if (unused.length) {
    lines.push(
      '',
      `Accepted but not used by ${def.name} (ignored with a warning):`,
      ...wrap(unused.map((f) => f.name).join(', '), 2),
    );
  }
  if (applies.has('--url')) lines.push('', BACKEND_PRECEDENCE);
  else if (applies.has('--backend'))
    lines.push('', `${def.name} works on the local workspace only: $CAVRA_URL is not used, and --backend remote is refused.`);
  lines.push('', EXIT_CODES);
  return lines.join('\n');
}
