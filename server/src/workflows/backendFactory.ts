// The backend the editor's settings select: the local store in the first workspace folder, or a
// CAVRA server. Configuration mistakes surface as the first request's error, not as a crash.
import { BackendError } from '../backend/backend';
import { createBackend, type BackendConfig, type SelectedBackend } from '../backend/createBackend';
import type { SignatureStates } from '../backend/local';
import {
  hmacKeyOf,
  inWorkspace,
  keyPinsOf,
  proxyEnvironment,
  signingKeyDirectory,
  workflowPolicyRoot,
  type WorkflowSettings,
} from './workspaceSettings';

function failing(detail: string, status = 400): SelectedBackend {
  const fail = () => Promise.reject(new BackendError(status, detail));
  return new Proxy({}, { get: (_t, prop) => (prop === 'then' ? undefined : fail) }) as SelectedBackend;
}

/** `signatures`: the editor's signature states, shared with its diagnostics so that one check serves both. */
export function createWorkflowBackend(
  s: WorkflowSettings,
  folder: string,
  token: () => string | null,
  signatures?: SignatureStates,
): SelectedBackend {
  const config = workflowBackendConfig(s, folder, token, signatures);
  if (typeof config === 'string') return failing(config);
  try {
    return createBackend(config);
  } catch (e) {
    const what = config.kind === 'remote' ? 'cavra.remote.url' : 'verified actor configuration';
    return failing(`${what}: ${(e as Error).message}`);
  }
}

/** The editor's settings as a backend configuration, or what is missing from them. */
export function workflowBackendConfig(
  s: WorkflowSettings,
  folder: string,
  token: () => string | null,
  signatures?: SignatureStates,
): BackendConfig | string {
  const env = process.env;
  if (s.backend === 'remote') {
    if (!s.remoteUrl) return 'cavra.backend is "remote" but cavra.remote.url is empty: set the CAVRA server URL in settings';
    return {
      kind: 'remote',
      url: s.remoteUrl,
      token: () => token() ?? undefined,
      timeoutMs: s.remoteTimeoutMs,
      authHint: 'run "CAVRA: Set Remote Token" to set or refresh the token',
      env: proxyEnvironment(s, env),
      approvalClockSkewMs: s.approvalClockSkewSeconds * 1000,
      checkBeforeSending: true,
    };
  }
  return {
    kind: 'local',
    root: folder,
    policyDir: workflowPolicyRoot(s, folder, env),
    approvalStore: s.approvalStore ? inWorkspace(folder, s.approvalStore) : env.CAVRA_APPROVAL_STORE || undefined,
    inventoryStore: s.inventoryStore ? inWorkspace(folder, s.inventoryStore) : env.CAVRA_INVENTORY_STORE || undefined,
    routingFile: env.CAVRA_APPROVAL_ROUTING_FILE || undefined,
    signingKey: hmacKeyOf(s, env),
    oidcConfigPath: s.oidcConfig ? inWorkspace(folder, s.oidcConfig) : env.CAVRA_APPROVAL_OIDC_CONFIG || undefined,
    rbacPath: s.rbacFile ? inWorkspace(folder, s.rbacFile) : env.CAVRA_APPROVAL_RBAC_FILE || undefined,
    maxPolicyBytes: s.maxFileSizeMb * 1024 * 1024,
    keyDirectory: signingKeyDirectory(s, folder),
    keyPins: () => keyPinsOf(s, env).pins,
    signatureStates: signatures,
    approvalClockSkewMs: s.approvalClockSkewSeconds * 1000,
  };
}
