// The one factory of a `Backend`: the CLI (flags and environment) and the editor (settings) each turn
// what they were given into a `BackendConfig`, and this builds the local store or the CAVRA client
// from it, so both open the same backend the same way.
import type { Backend, WorkspaceOperations } from './backend';
import { createActorVerifier } from './actor';
import { createLocalBackend, type LocalBackend, type LocalBackendOptions } from './local';
import { RemoteBackend, type RemoteBackendOptions } from './remote';
import type { OverdueGuardOptions } from './remote/overdueApprovals';

/** What a workflow or a command talks to: CAVRA's API, plus the workspace-only operations locally. */
export type SelectedBackend = Backend & Partial<WorkspaceOperations>;

export interface RemoteBackendConfig extends RemoteBackendOptions, OverdueGuardOptions {
  kind: 'remote';
}

export interface LocalBackendConfig extends Omit<LocalBackendOptions, 'actorVerifier'> {
  kind: 'local';
  /** OIDC config and RBAC file: with either, every mutation needs a verified actor. */
  oidcConfigPath?: string;
  rbacPath?: string;
}

export type BackendConfig = RemoteBackendConfig | LocalBackendConfig;

/**
 * Builds the backend `config` describes. Throws what the configuration gets wrong (an unreadable OIDC
 * config or RBAC file: `ActorConfigError`; a bad server URL or proxy: `RemoteBackendError`); each
 * caller words that for its users (a usage error in the CLI, the first request's error in the editor).
 */
export function createBackend(config: RemoteBackendConfig): RemoteBackend;
export function createBackend(config: LocalBackendConfig): LocalBackend;
export function createBackend(config: BackendConfig): SelectedBackend;
export function createBackend(config: BackendConfig): SelectedBackend {
  if (config.kind === 'remote') {
    const { kind: _kind, ...options } = config;
    return new RemoteBackend(options);
  }
  const { kind: _kind, oidcConfigPath, rbacPath, ...options } = config;
  const actorVerifier = oidcConfigPath || rbacPath ? createActorVerifier({ oidcConfigPath, rbacPath }) : undefined;
  return createLocalBackend({ ...options, actorVerifier });
}
