// Where the workspace's files are (flags, then CAVRA's environment variables, then defaults under
// --root) and which backend answers: the local one over those files, or a CAVRA server.
import { resolve } from 'node:path';
import type { BackendError } from '../backend/backend';
import type { CommandContext } from './command';

export interface WorkspacePaths {
  root: string;
  policyDir: string;
  approvalStore: string;
  inventory: string;
  oidcConfig?: string;
  rbacFile?: string;
}

/** A flag (relative to the current folder), else an environment variable (same), else the default. */
function pathOption(ctx: CommandContext, flag: string, env: string | undefined, fallback: () => string): string {
  const given = ctx.opts.str(flag) ?? (env ? ctx.env[env] || undefined : undefined);
  return given !== undefined ? resolve(ctx.cwd, given) : fallback();
}

export function workspaceRoot(ctx: CommandContext): string {
  return resolve(ctx.cwd, ctx.opts.str('--root') ?? '.');
}

/** --policy-dir, else $CAVRA_POLICY_DIR, else <root>/policies. */
export function policyRootOf(ctx: CommandContext): string {
  return pathOption(ctx, '--policy-dir', 'CAVRA_POLICY_DIR', () => resolve(workspaceRoot(ctx), 'policies'));
}

export function workspacePaths(ctx: CommandContext): WorkspacePaths {
  const root = workspaceRoot(ctx);
  const optional = (flag: string, env: string) => {
    const given = ctx.opts.str(flag) ?? (ctx.env[env] || undefined);
    return given === undefined ? undefined : resolve(ctx.cwd, given);
  };
  return {
    root,
    policyDir: policyRootOf(ctx),
    approvalStore: pathOption(ctx, '--store', 'CAVRA_APPROVAL_STORE', () => resolve(root, '.cavra', 'approvals.json')),
    inventory: pathOption(ctx, '--inventory', 'CAVRA_INVENTORY_STORE', () => resolve(root, '.cavra', 'inventory.json')),
    oidcConfig: optional('--oidc-config', 'CAVRA_APPROVAL_OIDC_CONFIG'),
    rbacFile: optional('--rbac-file', 'CAVRA_APPROVAL_RBAC_FILE'),
  };
}

/** The API token's environment variable when --token-env is not given. */
export const DEFAULT_TOKEN_ENV = 'CAVRA_TOKEN';

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

/**
 * Masks the API token and HMAC key in any text the CLI prints. The commands never print them; this
 * catches a server or library that echoes one back. Very short values are left alone: masking them
 * would garble ordinary words.
 */
export function secretRedactor(env: NodeJS.ProcessEnv, argv: readonly string[]): (text: string) => string {
  const secrets = [
    env[flagValue(argv, '--token-env') ?? DEFAULT_TOKEN_ENV],
    flagValue(argv, '--key'),
    env.CAVRA_POLICY_SIGNING_KEY,
  ].filter((s): s is string => typeof s === 'string' && s.trim().length >= 8);
  if (!secrets.length) return (text) => text;
  return (text) => secrets.reduce((t, s) => t.split(s).join('***'), text);
}

/** The backend's words; for a CAVRA server also the HTTP status (and the endpoint when known). */
export function describeBackendError(e: BackendError): string {
  const remote = e as BackendError & { endpoint?: string; method?: string; remote?: boolean };
  if (!remote.remote && !remote.endpoint) return e.detail;
  const where = remote.endpoint ? ` ${remote.method ? `${remote.method} ` : ''}${remote.endpoint}` : '';
  return `${e.detail} (HTTP ${e.status}${where})`;
}
