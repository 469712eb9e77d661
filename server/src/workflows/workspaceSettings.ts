// The server's settings, in one place: the `cavra` configuration section (pulled by the server, or
// the initialization options) read once into `WorkflowSettings`, and the rules that turn them into
// paths and keys with the environment CAVRA's own tools honour. Language and workflows read the same.
import { isAbsolute, join } from 'node:path';
import { DEFAULT_POLICY_ROOT, resolvePolicyRoot } from '../policy/policyRoot';
import { KeyPinError, NO_PINS, type KeyPins } from '../policy/keyPins';
import { readKeyPins } from '../signing';

export interface WorkflowSettings {
  backend: 'local' | 'remote';
  remoteUrl: string;
  remoteTimeoutMs: number;
  /** Relative to the workspace folder unless absolute. */
  policyRoot: string;
  signingKeyDirectory: string;
  /** Name of the environment variable holding an HMAC signing key (HS256), if any. */
  hmacKeyEnv: string;
  /** `cavra.signing.trustedKeyFingerprints` (machine scope): the keys whose signatures count. */
  trustedKeyFingerprints: string[];
  /** `cavra.signing.revokedKeyFingerprints` (machine scope): keys whose every signature fails. */
  revokedKeyFingerprints: string[];
  /** `cavra.signing.externalSigner` (machine scope; empty in Restricted Mode): a command that signs. */
  externalSigner: string;
  /** `cavra.signing.externalSignerPublicKey` (machine scope): the external signer's public PEM file. */
  externalSignerPublicKey: string;
  approvalStore: string;
  inventoryStore: string;
  oidcConfig: string;
  rbacFile: string;
  /** `cavra.maxFileSizeMb`: policy files above it are neither analysed nor sent to a backend. */
  maxFileSizeMb: number;
  /** Workspace trust: mutations, signing and remote calls are refused when false. */
  trusted: boolean;
  /** VS Code's `http.proxy` (empty: the environment's HTTPS_PROXY/HTTP_PROXY decide). */
  httpProxy: string;
  /** VS Code's `http.noProxy`: hosts the proxy is not used for. */
  httpNoProxy: string[];
  /** `cavra.approvals.clockSkewSeconds` (machine scope: a workspace must not lengthen approvals). */
  approvalClockSkewSeconds: number;
  /** `cavra.diagnostics.workspace`: report every pack under the policy root, not only open ones. */
  diagnostics: { workspace: boolean };
  /** `cavra.impact.decisionLog`: the decision log the publish plan replays (relative to the folder unless absolute; empty: none). */
  impactDecisionLog: string;
}

export const defaultWorkflowSettings: WorkflowSettings = {
  backend: 'local',
  remoteUrl: '',
  remoteTimeoutMs: 15000,
  policyRoot: DEFAULT_POLICY_ROOT,
  signingKeyDirectory: '.cavra/policy-signing',
  hmacKeyEnv: 'CAVRA_POLICY_SIGNING_KEY',
  trustedKeyFingerprints: [],
  revokedKeyFingerprints: [],
  externalSigner: '',
  externalSignerPublicKey: '',
  approvalStore: '',
  inventoryStore: '',
  oidcConfig: '',
  rbacFile: '',
  maxFileSizeMb: 5,
  trusted: true,
  httpProxy: '',
  httpNoProxy: [],
  approvalClockSkewSeconds: 0,
  diagnostics: { workspace: true },
  impactDecisionLog: '',
};

/** `raw`: the `cavra` section; `http`: VS Code's `http` section (`proxy`, `noProxy`), when the editor has one. */
export function readWorkflowSettings(
  raw: Record<string, unknown> | null | undefined,
  trusted: boolean,
  http?: Record<string, unknown> | null,
): WorkflowSettings {
  const r = raw ?? {};
  const h = http ?? ((r.http ?? {}) as Record<string, unknown>);
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  const remote = (r.remote ?? {}) as Record<string, unknown>;
  const signing = (r.signing ?? {}) as Record<string, unknown>;
  const store = (r.store ?? {}) as Record<string, unknown>;
  const auth = (r.auth ?? {}) as Record<string, unknown>;
  const approvals = (r.approvals ?? {}) as Record<string, unknown>;
  const diagnostics = (r.diagnostics ?? {}) as Record<string, unknown>;
  return {
    backend: r.backend === 'remote' ? 'remote' : 'local',
    remoteUrl: str(remote.url, ''),
    remoteTimeoutMs:
      typeof remote.timeoutMs === 'number' && remote.timeoutMs > 0 ? remote.timeoutMs : defaultWorkflowSettings.remoteTimeoutMs,
    policyRoot: str(r.policyRoot, DEFAULT_POLICY_ROOT) || DEFAULT_POLICY_ROOT,
    signingKeyDirectory:
      str(signing.keyDirectory, defaultWorkflowSettings.signingKeyDirectory) || defaultWorkflowSettings.signingKeyDirectory,
    // An untrusted workspace may not pick an environment variable for the server to read as a key
    // (its settings could name any secret); HS256 signatures are then checked on their digest alone.
    hmacKeyEnv: trusted ? str(signing.hmacKeyEnv, defaultWorkflowSettings.hmacKeyEnv) : '',
    trustedKeyFingerprints: strings(signing.trustedKeyFingerprints),
    revokedKeyFingerprints: strings(signing.revokedKeyFingerprints),
    // A cloned repository must never make the editor run a command: Restricted Mode runs no signer.
    externalSigner: trusted ? str(signing.externalSigner, '').trim() : '',
    externalSignerPublicKey: str(signing.externalSignerPublicKey, ''),
    approvalStore: str(store.approvals, ''),
    inventoryStore: str(store.inventory, ''),
    oidcConfig: str(auth.oidcConfig, ''),
    rbacFile: str(auth.rbacFile, ''),
    maxFileSizeMb:
      typeof r.maxFileSizeMb === 'number' && r.maxFileSizeMb > 0 ? r.maxFileSizeMb : defaultWorkflowSettings.maxFileSizeMb,
    trusted,
    httpProxy: typeof h.proxy === 'string' ? h.proxy.trim() : '',
    httpNoProxy: Array.isArray(h.noProxy) ? h.noProxy.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [],
    approvalClockSkewSeconds:
      typeof approvals.clockSkewSeconds === 'number' && approvals.clockSkewSeconds >= 0 ? approvals.clockSkewSeconds : 0,
    diagnostics: { workspace: diagnostics.workspace !== false },
    impactDecisionLog: str(((r.impact ?? {}) as Record<string, unknown>).decisionLog, '').trim(),
  };
}

/**
 * Settings only the user decides, never a workspace or one of its folders (SECURITY.md, *Keys and tokens*):
 * whether and where the remote token goes, the proxy it goes through, and which environment variable
 * is read as a signing key. package.json scopes them `window`, `machine` or `application`; the server
 * holds to it as well, for editors that do not.
 */
const USER_DECIDED = [
  'backend',
  'remoteUrl',
  'remoteTimeoutMs',
  'hmacKeyEnv',
  'trustedKeyFingerprints',
  'revokedKeyFingerprints',
  'externalSigner',
  'externalSignerPublicKey',
  'trusted',
  'httpProxy',
  'httpNoProxy',
] as const;

/**
 * One workspace folder's settings: its own `cavra` section (pulled with the folder's `scopeUri`:
 * policy root, store, keys, limits), with the user-decided ones taken from the window's settings.
 */
export function readFolderSettings(window: WorkflowSettings, raw: Record<string, unknown> | null | undefined): WorkflowSettings {
  const own = readWorkflowSettings(raw, window.trusted);
  const user = Object.fromEntries(USER_DECIDED.map((k) => [k, window[k]])) as Pick<
    WorkflowSettings,
    (typeof USER_DECIDED)[number]
  >;
  return { ...own, ...user };
}

/** What the language service reads (and an LSP client may pass as initialization options). */
export type ServerSettings = Pick<WorkflowSettings, 'policyRoot' | 'maxFileSizeMb' | 'diagnostics'>;

export function inWorkspace(folder: string, path: string): string {
  return isAbsolute(path) ? path : join(folder, path);
}

/** The policy root of the workflows' settings ({@link resolvePolicyRoot} decides). */
export function workflowPolicyRoot(s: WorkflowSettings, folder: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolvePolicyRoot({ workspace: folder, setting: s.policyRoot, env });
}

/** The folder of trusted `*.public.pem` keys. */
export function signingKeyDirectory(s: WorkflowSettings, folder: string): string {
  return inWorkspace(folder, s.signingKeyDirectory);
}

/** The HMAC key named by `cavra.signing.hmacKeyEnv` (never in an untrusted workspace: the setting is then empty). */
export function hmacKeyOf(s: WorkflowSettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return s.hmacKeyEnv ? env[s.hmacKeyEnv] || undefined : undefined;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The pins and revocations that apply in the editor: the user settings, the environment and the key
 * home's files (policy/keyPins decides with them). A malformed entry gives no pins and the reason, so
 * every Ed25519 signature reads "not pinned" with that reason rather than trusting a half-read list.
 */
export function keyPinsOf(s: WorkflowSettings, env: NodeJS.ProcessEnv = process.env): { pins: KeyPins; problem?: string } {
  try {
    return {
      pins: readKeyPins(
        {
          pinned: { values: s.trustedKeyFingerprints, source: 'cavra.signing.trustedKeyFingerprints' },
          revoked: { values: s.revokedKeyFingerprints, source: 'cavra.signing.revokedKeyFingerprints' },
        },
        env,
      ),
    };
  } catch (e) {
    if (e instanceof KeyPinError) return { pins: NO_PINS, problem: e.message };
    throw e;
  }
}

/**
 * The environment the remote backend reads its proxy from: VS Code's `http.proxy` and `http.noProxy`
 * when set (they win over the process's variables, as in every other VS Code network client), else
 * the process's own HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 */
export function proxyEnvironment(s: WorkflowSettings, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!s.httpProxy) return env;
  const noProxy = s.httpNoProxy.join(',');
  // Both cases: the proxy rules read lower case first, as curl does.
  return {
    ...env,
    https_proxy: s.httpProxy,
    HTTPS_PROXY: s.httpProxy,
    http_proxy: s.httpProxy,
    HTTP_PROXY: s.httpProxy,
    no_proxy: noProxy,
    NO_PROXY: noProxy,
  };
}
