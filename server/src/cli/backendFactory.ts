// Where the workspace's files are (flags, then CAVRA's environment variables, then the local backend's
// defaults under --root) and which backend answers: the local one over those files, or a CAVRA server
// (--backend remote --url URL, token from the variable named by --token-env). The choice follows one
// precedence (BACKEND_PRECEDENCE in command.ts): --backend, else --url, else a local-only option, else
// $CAVRA_URL, else local.
import { resolve } from 'node:path';
import type { ActorCredentials, BackendError, DraftInput, WorkspaceOperations } from '../backend/backend';
import { ActorConfigError } from '../backend/actor';
import { createBackend, type SelectedBackend } from '../backend/createBackend';
import { RemoteBackendError } from '../backend/remote';
import { CLOCK_SKEW_ENV, clockSkewMs } from '../policy/approvalExpiry';
import { resolvePolicyRoot } from '../policy/policyRoot';
import { InputError, UsageError, type FlagSpec } from './args';
import { LOCAL_ONLY_OPTIONS, type CommandContext } from './command';
import { readPolicyText, readText } from './input';

/** A flag (relative to the current folder), else an environment variable (same), else undefined. */
export function pathOption(ctx: CommandContext, flag: string, env: string): string | undefined {
  const given = ctx.opts.str(flag) ?? (ctx.env[env] || undefined);
  return given !== undefined ? resolve(ctx.cwd, given) : undefined;
}

export function workspaceRoot(ctx: CommandContext): string {
  return resolve(ctx.cwd, ctx.opts.str('--root') ?? '.');
}

/** --policy-dir, else $CAVRA_POLICY_DIR, else <root>/policies. */
export function policyRootOf(ctx: CommandContext): string {
  return resolvePolicyRoot({ workspace: workspaceRoot(ctx), flag: ctx.opts.str('--policy-dir'), env: ctx.env, cwd: ctx.cwd });
}

export interface OpenedBackend {
  backend: SelectedBackend;
  kind: 'local' | 'remote';
  /** The workspace folder, or the server URL. */
  location: string;
}

const REMOTE_ONLY = ['--url', '--token-env', '--timeout-ms'];

export interface BackendChoice {
  kind: 'local' | 'remote';
  /** What decided it, for messages: `--backend remote`, `--url`, `--store`, `$CAVRA_URL` or `default`. */
  why: string;
}

/**
 * Which backend answers: `--backend`; else remote with `--url`; else local when a local-only option is
 * given; else remote when $CAVRA_URL is set; else local. A command that works on the workspace only
 * (`localOnly`) never takes $CAVRA_URL. Contradictions (a local-only option with a remote backend, a
 * remote option with --backend local) are usage errors that say why.
 */
export function chooseBackend(ctx: CommandContext, localOnly = false): BackendChoice {
  const chosen = ctx.opts.str('--backend') as 'local' | 'remote' | undefined;
  const localOption = LOCAL_ONLY_OPTIONS.find((flag) => ctx.opts.has(flag));
  const envUrl = ctx.env.CAVRA_URL || undefined;
  const choice: BackendChoice = chosen
    ? { kind: chosen, why: `--backend ${chosen}` }
    : ctx.opts.has('--url')
      ? { kind: 'remote', why: '--url' }
      : localOption
        ? { kind: 'local', why: localOption }
        : envUrl && !localOnly
          ? { kind: 'remote', why: '$CAVRA_URL' }
          : { kind: 'local', why: 'default' };
  if (choice.kind === 'remote') {
    if (localOption) {
      throw new UsageError(
        `${localOption} is for the local backend, but ${choice.why} selects a CAVRA server, which keeps its own files: drop one of them`,
      );
    }
  } else {
    const misplaced = REMOTE_ONLY.find((flag) => ctx.opts.has(flag));
    if (misplaced) {
      throw new UsageError(
        choice.why === 'default'
          ? `${misplaced} is for a CAVRA server: add --url URL (or set $CAVRA_URL)`
          : `${misplaced} is for a CAVRA server, but ${choice.why} selects the local backend: drop one of them`,
      );
    }
  }
  return choice;
}

/**
 * The backend the command's flags select. Configuration mistakes are usage errors (exit 2).
 * `workspaceOnly` names a command that works on the local workspace only (it ignores $CAVRA_URL).
 */
export async function openBackend(ctx: CommandContext, workspaceOnly?: string): Promise<OpenedBackend> {
  const localOnly = workspaceOnly !== undefined;
  const choice = chooseBackend(ctx, localOnly);
  if (choice.kind === 'remote' && workspaceOnly) {
    throw new UsageError(
      `${workspaceOnly} works on the local workspace only (CAVRA's API has no such endpoint): drop --backend remote`,
    );
  }
  if (choice.kind === 'remote') {
    const url = ctx.opts.str('--url') ?? (ctx.env.CAVRA_URL || undefined);
    if (!url) throw new UsageError('--backend remote needs the server: --url URL (or $CAVRA_URL)');
    const tokenEnv = ctx.opts.str('--token-env');
    if (tokenEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) {
      throw new UsageError('--token-env takes the name of an environment variable (e.g. CAVRA_TOKEN), not the token itself');
    }
    const token = ctx.env[tokenEnv ?? DEFAULT_TOKEN_ENV] || undefined;
    ctx.hideSecret?.(token);
    if (tokenEnv !== undefined && !token) {
      throw new UsageError(
        `the environment variable ${tokenEnv} named by --token-env is empty or not set: export the API token in it`,
      );
    }
    const backend = createBackend({
      kind: 'remote',
      url,
      token,
      timeoutMs: ctx.opts.int('--timeout-ms'),
      env: ctx.env,
      approvalClockSkewMs: clockSkewOf(ctx),
      checkBeforeSending: true,
    });
    const location = backend.describe().url;
    ctx.answeredBy = `CAVRA server ${location}${choice.why === '$CAVRA_URL' ? ', from $CAVRA_URL' : ''}`;
    if (choice.why === '$CAVRA_URL' && ctx.opts.bool('--json')) ctx.err(`cavra-policy: answered by ${ctx.answeredBy}`);
    return { backend, kind: 'remote', location };
  }
  const root = workspaceRoot(ctx);
  if (ctx.env.CAVRA_URL) {
    // The variable is set but did not choose: say so, or a user expecting the server is misled.
    ctx.answeredBy = `the local workspace ${root} (${choice.why}${choice.why === 'default' ? '' : ' selects it'}; $CAVRA_URL is not used${localOnly ? ' by this command' : ''})`;
    if (ctx.opts.bool('--json')) ctx.err(`cavra-policy: answered by ${ctx.answeredBy}`);
  }
  const oidcConfigPath = pathOption(ctx, '--oidc-config', 'CAVRA_APPROVAL_OIDC_CONFIG');
  const rbacPath = pathOption(ctx, '--rbac-file', 'CAVRA_APPROVAL_RBAC_FILE');
  if (ctx.opts.has('--actor-token') && !oidcConfigPath) throw noOidcConfig();
  try {
    const backend = createBackend({
      kind: 'local',
      root,
      policyDir: policyRootOf(ctx),
      approvalStore: pathOption(ctx, '--store', 'CAVRA_APPROVAL_STORE'),
      inventoryStore: pathOption(ctx, '--inventory', 'CAVRA_INVENTORY_STORE'),
      routingFile: pathOption(ctx, '--routing-file', 'CAVRA_APPROVAL_ROUTING_FILE'),
      signingKey: ctx.env.CAVRA_POLICY_SIGNING_KEY || undefined,
      oidcConfigPath,
      rbacPath,
      approvalClockSkewMs: clockSkewOf(ctx),
    });
    return { backend, kind: 'local', location: root };
  } catch (e) {
    if (e instanceof ActorConfigError) throw new InputError(e.message);
    throw e;
  }
}

/** $CAVRA_APPROVAL_CLOCK_SKEW_SECONDS (policy/approvalExpiry.ts); a bad value is an input error naming it. */
export function clockSkewOf(ctx: CommandContext): number {
  try {
    return clockSkewMs(ctx.env[CLOCK_SKEW_ENV], `$${CLOCK_SKEW_ENV}`);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/** `test` and `evidence verify` exist in the workspace only: CAVRA's API has no such endpoint. */
export function requireWorkspaceOperation<K extends keyof WorkspaceOperations>(
  opened: OpenedBackend,
  op: K,
  command: string,
): WorkspaceOperations[K] {
  const fn = opened.backend[op];
  if (opened.kind !== 'local' || typeof fn !== 'function') {
    throw new UsageError(
      `${command} works on the local workspace only (CAVRA's API has no such endpoint): drop --backend remote`,
    );
  }
  return ((...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(opened.backend, args)) as WorkspaceOperations[K];
}

export const actorTokenFlag: FlagSpec = {
  name: '--actor-token',
  kind: 'string',
  value: 'PATH',
  help: 'File holding an OIDC token (RS256 JWT) that proves who acts; never printed',
};

const noOidcConfig = () =>
  new UsageError('--actor-token needs an OIDC config to check it: --oidc-config PATH (or $CAVRA_APPROVAL_OIDC_CONFIG)');

/** Who acts: --actor, unless --actor-token proves it. Neither is a usage error naming both ways. */
export function requireActor(ctx: CommandContext, command: string): void {
  if (ctx.opts.has('--actor') || ctx.opts.has('--actor-token')) return;
  throw new UsageError(
    `${command} needs who acts: --actor NAME, or a verified actor with --actor-token PATH (an OIDC token checked against --oidc-config PATH)`,
  );
}

/** The line saying which actor was recorded, and whether it was verified. */
export function recordedActorLine(ctx: CommandContext, recorded: unknown): string {
  const given = ctx.opts.str('--actor');
  const shown = recorded === null || recorded === undefined || recorded === '' ? '-' : String(recorded);
  if (!ctx.opts.has('--actor-token')) return `Recorded actor: ${shown}`;
  return `Recorded actor: ${shown} (verified from --actor-token${given !== undefined && given !== shown ? `; --actor ${given} was not used` : ''})`;
}

/** `--actor-token PATH`: the token is read from the file and sent as CAVRA's `actor_token`. */
export function credentialsFrom(ctx: CommandContext): ActorCredentials {
  const file = ctx.opts.str('--actor-token');
  if (file === undefined) return {};
  // Locally a token without an OIDC config would be ignored, and the actor silently unverified.
  if (chooseBackend(ctx).kind === 'local' && !pathOption(ctx, '--oidc-config', 'CAVRA_APPROVAL_OIDC_CONFIG'))
    throw noOidcConfig();
  const token = readText(file, ctx.cwd).trim();
  if (!token) throw new InputError(`${file}: the actor token file is empty`);
  ctx.hideSecret?.(token);
  return { actor_token: token };
}

/** The draft file as the backends take it: its text (YAML or JSON), named for messages; too large or not UTF-8 is refused. */
export function draftFrom(ctx: CommandContext): DraftInput {
  const file = ctx.opts.positionals[0];
  return { draft_yaml: readPolicyText(file, ctx.cwd, ctx.opts.int('--max-file-size-mb')), draft_file: resolve(ctx.cwd, file) };
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
 * Masks the API token, HMAC keys and actor tokens in any text the CLI prints. The commands never print
 * them; this catches a server or library that echoes one back. Very short values are left alone:
 * masking them would garble ordinary words.
 */
export class SecretMask {
  private readonly secrets = new Set<string>();

  constructor(env: NodeJS.ProcessEnv, argv: readonly string[]) {
    this.add(env[flagValue(argv, '--token-env') ?? DEFAULT_TOKEN_ENV]);
    this.add(flagValue(argv, '--key'));
    this.add(env.CAVRA_POLICY_SIGNING_KEY);
  }

  add(secret: string | undefined): void {
    if (typeof secret === 'string' && secret.trim().length >= 8) this.secrets.add(secret);
  }

  apply(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

/** CAVRA's refusal when a verified actor is required and none was given (SPEC 3.8). */
const NO_VERIFIED_ACTOR = 'console action requires verified actor context';

/** The backend's words; for a CAVRA server also the HTTP status (and the endpoint when known). */
export function describeBackendError(e: BackendError): string {
  // A RemoteBackendError's message already names the server, the status, the endpoint and the fix.
  const words = e instanceof RemoteBackendError ? e.message : e.detail;
  if (e.status === 401 && e.detail.includes(NO_VERIFIED_ACTOR)) {
    return `${words}\nSupply a verified actor: --actor-token PATH (a file holding an RS256 OIDC token)${
      e instanceof RemoteBackendError
        ? '; the server checks it against its own OIDC config'
        : ', checked against --oidc-config PATH (or $CAVRA_APPROVAL_OIDC_CONFIG)'
    }.`;
  }
  return words;
}

/** The HTTP status of a backend refusal, or null when no server answered (status 0). */
export function statusOf(e: BackendError): number | null {
  return e.status > 0 ? e.status : null;
}
