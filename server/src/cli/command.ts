// What every command declares (its flags, arguments and help) and the options several commands share.
import type { FlagSpec, Options, PositionalSpec } from './args';

export interface CommandContext {
  opts: Options;
  out: (text: string) => void;
  err: (text: string) => void;
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
  flags: FlagSpec[];
  /** A number when the command is synchronous (validate, summary, digest, keys). */
  run(ctx: CommandContext): number | Promise<number>;
}

export const JSON_FLAG: FlagSpec = { name: '--json', kind: 'bool', help: 'Machine-readable output (JSON) on stdout' };

export const ROOT_FLAG: FlagSpec = { name: '--root', kind: 'string', value: 'DIR', help: 'Workspace folder (default: the current folder)' };
export const POLICY_DIR_FLAG: FlagSpec = {
  name: '--policy-dir', kind: 'string', value: 'DIR', help: 'Policy root (default: $CAVRA_POLICY_DIR, else <root>/policies)',
};

/** Options of every command that goes through a backend (local files or a CAVRA server). */
export const BACKEND_FLAGS: FlagSpec[] = [
  ROOT_FLAG,
  POLICY_DIR_FLAG,
  { name: '--store', kind: 'string', value: 'PATH', help: 'Approval store (default: $CAVRA_APPROVAL_STORE, else <root>/.cavra/approvals.json)' },
  { name: '--inventory', kind: 'string', value: 'PATH', help: 'Rollout inventory (default: $CAVRA_INVENTORY_STORE, else <root>/.cavra/api/inventory.json, CAVRA API\'s default)' },
  { name: '--oidc-config', kind: 'string', value: 'PATH', help: 'OIDC config for verified actors (default: $CAVRA_APPROVAL_OIDC_CONFIG)' },
  { name: '--rbac-file', kind: 'string', value: 'PATH', help: 'Approval RBAC file (default: $CAVRA_APPROVAL_RBAC_FILE)' },
  { name: '--backend', kind: 'choice', value: 'local|remote', choices: ['local', 'remote'], help: 'Where operations run (default: remote when --url is given, else local)' },
  { name: '--url', kind: 'string', value: 'URL', help: 'CAVRA server URL for --backend remote (default: $CAVRA_URL)' },
  { name: '--token-env', kind: 'string', value: 'NAME', help: 'Environment variable holding the API token (default: CAVRA_TOKEN); the token is never printed' },
  { name: '--timeout-ms', kind: 'int', value: 'MS', min: 1, help: 'Time limit per remote call in milliseconds (default: 15000)' },
];

export const EXIT_CODES = 'Exit codes: 0 ok, 1 errors found or operation failed, 2 bad usage or unreadable input.';

const HELP_FLAG: FlagSpec = { name: '--help', kind: 'bool', help: 'This help' };

/** Two-column rows, the first column padded to the widest entry (capped so long flags wrap sensibly). */
export function columns(rows: [string, string][], indent = 2): string[] {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) => `${' '.repeat(indent)}${left.length + 2 > width ? `${left}  ` : left.padEnd(width)}${right}`);
}

function flagRows(flags: readonly FlagSpec[]): [string, string][] {
  return flags.map((f) => [`${f.name}${f.value ? ` ${f.value}` : ''}`, `${f.help}${f.required ? ' (required)' : ''}`]);
}

export function commandHelp(def: CommandDef): string {
  const shared = new Set<FlagSpec>([...BACKEND_FLAGS, JSON_FLAG]);
  const own = def.flags.filter((f) => !shared.has(f));
  const globals = def.flags.filter((f) => shared.has(f));
  const lines = [`Usage: cavra-policy ${def.name}${def.synopsis ? ` ${def.synopsis}` : ''}`, '', def.summary];
  if (def.details) lines.push('', def.details);
  if (own.length) lines.push('', 'Options:', ...columns(flagRows(own)));
  lines.push('', 'Common options:', ...columns(flagRows([...globals, HELP_FLAG])));
  lines.push('', EXIT_CODES);
  return lines.join('\n');
}
