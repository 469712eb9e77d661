// The verified actor of local mode for the editor: what a folder's guarded mutations need
// (`cavra/actorAuth`), who a token says acts (`cavra/actorAuth/verify`), and the refusal explained.
// The OIDC config and RBAC file are the ones the folder's backend uses (workflowBackendConfig, the one
// place settings become paths); they are read again per request, which keeps an edited config current.
// A token never goes into a message: errors carry CAVRA's validation message only.
import { BackendError } from '../backend/backend';
import {
  actorContextFromVerifiedClaims,
  ActorConfigError,
  ActorTokenError,
  createActorVerifier,
  verifyActorToken,
  type ActorVerifier,
} from '../backend/actor';
import { actorRefusal, type ActorAuth, type ActorRefusal, type VerifiedActor } from '../protocol';
import { workflowBackendConfig } from './backendFactory';
import type { WorkflowSettings } from './workspaceSettings';

/** A failure of the actor layer: status and detail as CAVRA words them. */
export class ActorAuthError extends BackendError {}

/** The folder's verifier, or null in remote mode or when neither file is configured. */
function verifierOf(settings: WorkflowSettings, folder: string): ActorVerifier | null {
  const config = workflowBackendConfig(settings, folder, () => null);
  if (typeof config === 'string' || config.kind !== 'local') return null;
  if (!config.oidcConfigPath && !config.rbacPath) return null;
  try {
    return createActorVerifier({ oidcConfigPath: config.oidcConfigPath, rbacPath: config.rbacPath });
  } catch (e) {
    if (e instanceof ActorConfigError) throw new ActorAuthError(400, `verified actor configuration: ${e.message}`);
    throw e;
  }
}

export function actorAuth(settings: WorkflowSettings, folder: string): ActorAuth {
  const v = verifierOf(settings, folder);
  return {
    required: v?.required ?? false,
    issuer: v?.oidc?.issuer ?? null,
    audience: v?.oidc?.audience ?? null,
    oidcConfig: v?.oidc?.file ?? null,
    rbacFile: v?.rbac?.file ?? null,
  };
}

/** Checks `token` as a guarded mutation would, and says who it is and until when. */
export async function verifyActor(settings: WorkflowSettings, folder: string, token: unknown): Promise<VerifiedActor> {
  if (typeof token !== 'string' || !token.trim())
    throw new ActorAuthError(400, 'actor_token is required: the OIDC token to verify');
  const v = verifierOf(settings, folder);
  if (!v?.oidc) {
    throw new ActorAuthError(
      400,
      settings.backend === 'remote'
        ? 'actor tokens are checked by the CAVRA server in remote mode; this request verifies against a local OIDC config'
        : 'approval OIDC config is not configured: set cavra.auth.oidcConfig',
    );
  }
  try {
    const claims = await verifyActorToken(token.trim(), v.oidc);
    const context = actorContextFromVerifiedClaims(claims, v.rbac);
    return { ...context, groups: [...context.groups], expires_at: new Date(Number(claims.exp) * 1000).toISOString() };
  } catch (e) {
    if (e instanceof ActorTokenError) throw new ActorAuthError(401, e.message);
    throw e;
  }
}

/**
 * The refusal a guarded mutation's failure describes, worded with the folder's issuer and audience and
 * the approval's group when known; null for other failures and in remote mode (there a 401 concerns
 * the server's API token).
 */
export function explainRefusal(
  settings: WorkflowSettings,
  folder: string,
  status: number,
  detail: string,
  approverGroup?: string,
): ActorRefusal | null {
  if (settings.backend === 'remote') return null;
  let auth: ActorAuth | undefined;
  try {
    auth = actorAuth(settings, folder);
  } catch {
    auth = undefined; // A broken config is its own error; the refusal is still explained without names.
  }
  return actorRefusal(status, detail, {
    issuer: auth?.issuer,
    audience: auth?.audience,
    approverGroup,
    oidcConfigured: auth ? auth.issuer !== null : undefined,
  });
}
