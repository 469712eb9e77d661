// The backend the editor's settings select: the local store in the first workspace folder, or a
// CAVRA server. Configuration mistakes surface as the first request's error, not as a crash.
import { createActorVerifier } from '../backend/actor';
import { BackendError } from '../backend/backend';
import { createLocalBackend, type SignatureStates } from '../backend/local';
import { RemoteBackend } from '../backend/remote';
import type { SelectedBackend } from './workflowService';
import {
  hmacKeyOf,
  inWorkspace,
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
  if (s.backend === 'remote') {
    if (!s.remoteUrl)
      return failing('cavra.backend is "remote" but cavra.remote.url is empty: set the CAVRA server URL in settings');
    try {
      return new RemoteBackend({
        url: s.remoteUrl,
        token: () => token() ?? undefined,
        timeoutMs: s.remoteTimeoutMs,
        authHint: 'run "CAVRA: Set Remote Token" to set or refresh the token',
        env: proxyEnvironment(s),
      });
    } catch (e) {
      return failing(`cavra.remote.url: ${(e as Error).message}`);
    }
  }
  const env = process.env;
  const oidcConfigPath = s.oidcConfig ? inWorkspace(folder, s.oidcConfig) : env.CAVRA_APPROVAL_OIDC_CONFIG || undefined;
  const rbacPath = s.rbacFile ? inWorkspace(folder, s.rbacFile) : env.CAVRA_APPROVAL_RBAC_FILE || undefined;
  let actorVerifier;
  try {
    actorVerifier = oidcConfigPath || rbacPath ? createActorVerifier({ oidcConfigPath, rbacPath }) : undefined;
  } catch (e) {
    return failing(`verified actor configuration: ${(e as Error).message}`);
  }
  return createLocalBackend({
    root: folder,
    policyDir: workflowPolicyRoot(s, folder, env),
    approvalStore: s.approvalStore ? inWorkspace(folder, s.approvalStore) : env.CAVRA_APPROVAL_STORE || undefined,
    inventoryStore: s.inventoryStore ? inWorkspace(folder, s.inventoryStore) : env.CAVRA_INVENTORY_STORE || undefined,
    routingFile: env.CAVRA_APPROVAL_ROUTING_FILE || undefined,
    signingKey: hmacKeyOf(s, env),
    actorVerifier,
    maxPolicyBytes: s.maxFileSizeMb * 1024 * 1024,
    keyDirectory: signingKeyDirectory(s, folder),
    signatureStates: signatures,
  });
}
