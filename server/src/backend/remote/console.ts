// CAVRA's console endpoints (SPEC 3.8, 7): who the caller is and what the server supports. Only a
// remote backend has them, so their types live here rather than in backend.ts.
import type { ActorContext, RepositoryPermission } from '../backend';
import type { RemoteConnection } from './connection';

/** GET /console/session [src/cavra/api.py]. */
export interface ConsoleSession {
  schema_version: 'cavra.console.session.v1' | string;
  mode: 'authenticated' | 'auth_required' | 'local_or_demo' | string;
  authenticated: boolean;
  auth_required: boolean;
  actor: ActorContext | null;
  repository_permissions: RepositoryPermission[];
  permissions: ConsolePermissions;
  operator_notes: string[];
  [field: string]: unknown;
}

export interface ConsolePermissions {
  read_activity?: boolean;
  read_inventory?: boolean;
  read_integrations?: boolean;
  read_evidence_metadata?: boolean;
  decide_approvals?: boolean;
  publish_policy_packs?: boolean;
  create_break_glass?: boolean;
  [permission: string]: boolean | undefined;
}

/** The endpoint names GET /console/config lists (values are paths). */
export type ConsoleEndpointName =
  | 'policy_pack_catalog'
  | 'policy_pack_draft'
  | 'policy_pack_publish_plan'
  | 'policy_pack_publish_request'
  | 'policy_pack_publish'
  | 'approvals'
  | 'policy_rollout_change_plan'
  | 'policy_rollout_apply_change';

/** GET /console/config: endpoint map, modes, and whether OIDC / RBAC are `configured`. */
export interface ConsoleConfig {
  endpoints?: Partial<Record<ConsoleEndpointName, string>> & { [name: string]: unknown };
  approval_mode?: string;
  inventory_mode?: string;
  approval_oidc?: string;
  approval_rbac?: string;
  [field: string]: unknown;
}

/** What a client may offer, read from the two answers (absent fields count as supported). */
export interface RemoteCapabilities {
  /** Endpoints the config lists; undefined when the config lists none (older servers). */
  endpoints: string[] | undefined;
  authRequired: boolean;
  authenticated: boolean;
  actor: ActorContext | null;
  canDecideApprovals: boolean;
  canPublish: boolean;
  canBreakGlass: boolean;
}

export function capabilitiesOf(config: ConsoleConfig, session: ConsoleSession): RemoteCapabilities {
  const endpoints = config.endpoints && typeof config.endpoints === 'object' ? Object.keys(config.endpoints) : undefined;
  const p = session.permissions ?? {};
  return {
    endpoints,
    authRequired: session.auth_required === true,
    authenticated: session.authenticated === true,
    actor: session.actor ?? null,
    canDecideApprovals: p.decide_approvals !== false,
    canPublish: p.publish_policy_packs !== false,
    canBreakGlass: p.create_break_glass !== false,
  };
}

/** GET /console/session: who the token says the caller is, and what they may do. */
export async function session(connection: RemoteConnection): Promise<ConsoleSession> {
  return connection.get('/console/session');
}

/** GET /console/config: the endpoints and modes the server has. */
export async function consoleConfig(connection: RemoteConnection): Promise<ConsoleConfig> {
  return connection.get('/console/config');
}

export async function capabilities(connection: RemoteConnection): Promise<RemoteCapabilities> {
  const [config, caller] = await Promise.all([consoleConfig(connection), session(connection)]);
  return capabilitiesOf(config, caller);
}
