// The verified actor (SPEC 3.8). The verifier itself (jose JWT + RBAC file) lives in backend/actor.
import type { RepositoryPermission } from '../../policy/approvalRouting';

export type { RepositoryPermission };

/** Credentials a mutation may carry: CAVRA's body fields `actor_claims` / `actor_token` and the header. */
export interface ActorCredentials {
  /** Claims object. CAVRA trusts it unverified; a verifier here decides (see backend/actor). */
  actor_claims?: { [claim: string]: unknown };
  /** A compact RS256 JWT, checked against the OIDC config. */
  actor_token?: string;
  /** The HTTP `Authorization` header value (`Bearer <token>`); a header, not a body field, over HTTP. */
  authorization?: string;
}

/** CAVRA's public actor context (`_public_actor_context`); groups include RBAC group_mappings targets. */
export interface ActorContext {
  readonly actor: string;
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly groups: readonly string[];
  readonly repository: string | null;
}

/**
 * Turns credentials into a verified actor. The local backend calls it for every mutation.
 * - `required`: OIDC or RBAC is configured, so a mutation without a verified actor fails with
 *   401 "console action requires verified actor context".
 * - `verify`: null when no credentials were presented; throws an error with `status` and `detail`
 *   (CAVRA's: 400 "approval OIDC config is not configured", 401 "OIDC token is expired", …) when
 *   credentials were presented and do not verify. Unverified claims never come back as an actor.
 * - `repositoryPermissions`: the RBAC file's repository permissions, used by actor_can_decide.
 */
export interface ActorVerifier {
  readonly required: boolean;
  verify(credentials: ActorCredentials): Promise<ActorContext | null>;
  readonly repositoryPermissions?: readonly RepositoryPermission[];
}
