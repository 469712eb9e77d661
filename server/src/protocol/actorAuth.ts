// The verified actor of local mode, as the editor sees it (SPEC 3.8): whether this folder's mutations
// need an actor token and which issuer and audience it must come from (`cavra/actorAuth`), who a token
// says acts (`cavra/actorAuth/verify`), and why a mutation was refused for its actor (the rule is
// policy/actorRefusal.ts; the server puts it in the error data as `actor`).
export { actorRefusal, type ActorRefusal, type ActorRefusalFix, type ActorRefusalReason } from '../policy/actorRefusal';

/** `cavra/actorAuth`: what a guarded mutation of this folder needs. */
export interface ActorAuth {
  /** An OIDC config or RBAC file is configured: guarded mutations need a verified actor token. */
  required: boolean;
  /** The OIDC config's issuer: tokens must come from it (and the editor keeps one token per issuer). */
  issuer: string | null;
  /** The audience a token must be issued for. */
  audience: string | null;
  /** Where the requirement comes from (absolute paths), for messages. */
  oidcConfig: string | null;
  rbacFile: string | null;
}

/** `cavra/actorAuth/verify`: a token to check against the folder's OIDC config. */
export interface VerifyActorParams {
  actor_token: string;
}

/** Who a verified token says acts: CAVRA's public actor context plus when the token expires. */
export interface VerifiedActor {
  actor: string;
  subject: string | null;
  issuer: string | null;
  /** The token's groups or roles plus the RBAC file's group_mappings targets. */
  groups: readonly string[];
  repository: string | null;
  /** The token's `exp`, ISO 8601 UTC. */
  expires_at: string;
}
