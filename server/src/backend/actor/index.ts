// Verified actor context for console mutations (publish-request, publish, apply-change,
// approve/deny/expire, break-glass), SPEC 3.8 and 4.1/4.6. Editor-agnostic.
//
//   const actors = createActorVerifier({ oidcConfigPath, rbacPath });
//   const actor = await actors.verify(token);          // or verify(request): actor_token / authorization
//   if (actor) actors.assertCanDecide(approval, actor, 'approve');   // null when nothing is configured
//
// The verifier is also backend.ts's `ActorVerifier` (required, verify(credentials), repositoryPermissions).
//
// Unlike CAVRA, unverified `actor_claims` are never accepted: an actor context exists only for a
// token that verified against the configured issuer, audience and JWKS.
import {
  actorCanBreakGlass,
  actorCanDecide,
  type ActionName,
  type ApprovalForAuthorization,
  type BreakGlassRequestFields,
  type RepositoryPermission,
} from '../../policy/approvalRouting';
import type { ActorCredentials, ActorVerifier as BackendActorVerifier } from '../backend';
import { actorContextFromVerifiedClaims, assertVerifiedActorContext, type ActorContext } from './actorContext';
import { ActorContextError, ActorTokenError } from './errors';
import { loadOidcConfig, type OidcConfig } from './oidcConfig';
import { loadRbacPolicy, type RbacPolicy } from './rbac';
import { verifyActorToken } from './verifyActorToken';

export { ActorConfigError, ActorContextError, ActorTokenError } from './errors';
export type { ActorTokenFailure } from './errors';
export { DEFAULT_LEEWAY_SECONDS, loadOidcConfig } from './oidcConfig';
export type { OidcConfig } from './oidcConfig';
export { isVerifiedClaims, verifyActorToken } from './verifyActorToken';
export type { VerifiedClaims, VerifyActorTokenOptions } from './verifyActorToken';
export { actorContextFromVerifiedClaims, assertVerifiedActorContext, isVerifiedActorContext } from './actorContext';
export type { ActorContext } from './actorContext';
export { loadRbacPolicy, parseRbacPolicy, repositoryPermissionsForActor } from './rbac';
export type { RbacPolicy } from './rbac';

/** CAVRA's messages [src/cavra/api.py]. */
export const ACTOR_MESSAGES = Object.freeze({
  required: 'console action requires verified actor context',
  oidcNotConfigured: 'console OIDC config is not configured',
  /** For a body `actor_token` (CAVRA words this case differently from the header case). */
  approvalOidcNotConfigured: 'approval OIDC config is not configured',
  bearerRequired: 'authorization header must use Bearer token',
  notAuthorizedForGroup: 'actor is not authorized for approval group',
  notAuthorizedForBreakGlass: 'actor is not authorized for break-glass',
});

export interface ActorVerifierOptions {
  /** OIDC config file (CAVRA: $CAVRA_APPROVAL_OIDC_CONFIG). */
  oidcConfigPath?: string;
  /** RBAC file (CAVRA: $CAVRA_APPROVAL_RBAC_FILE). */
  rbacPath?: string;
  /** The clock used for `exp`/`nbf`; default the current time. */
  now?: () => Date;
}

export interface ActorVerifier extends BackendActorVerifier {
  /** True when an OIDC config or an RBAC file is configured: mutations then need a verified actor. */
  readonly configured: boolean;
  /** Same as {@link configured} (the name backend.ts uses). */
  readonly required: boolean;
  readonly oidc: OidcConfig | null;
  readonly rbac: RbacPolicy | null;
  /** The RBAC file's repository permissions (backend.ts). */
  readonly repositoryPermissions: readonly RepositoryPermission[];
  /**
   * The verified actor for a mutation, from a bare token or from a request's credentials, or null
   * when nothing is configured and no token is given. Throws {@link ActorContextError}:
   * - 401 "console action requires verified actor context": configured and no token (fail-closed:
   *   callers need not repeat the check);
   * - 400 "console OIDC config is not configured": a token (or `authorization` header) but no OIDC
   *   config; 400 "approval OIDC config is not configured" for a body `actor_token` (CAVRA's wording);
   * - 401 "authorization header must use Bearer token": an `authorization` value not `Bearer <token>`;
   * - 401 with the validation message: a token that does not verify.
   * `actor_claims` are never trusted: they are ignored, as if absent (CAVRA accepts them unverified).
   * Precedence for credentials: `actor_token`, then `authorization`.
   */
  verify(credentials?: string | null | ActorCredentials): Promise<ActorContext | null>;
  /**
   * Throws 400 "actor is not authorized for approval group" unless {@link actorCanDecide} allows it;
   * a TypeError for an actor context that did not come from a verified token.
   */
  assertCanDecide(approval: ApprovalForAuthorization, actor: ActorContext, action: ActionName): void;
  /** Throws 403 "actor is not authorized for break-glass" unless {@link actorCanBreakGlass} allows it (TypeError as above). */
  assertCanBreakGlass(request: BreakGlassRequestFields, actor: ActorContext): void;
}

/**
 * Loads the configured files now (throwing {@link ActorConfigError} for a missing or invalid one:
 * a broken config never means "not configured") and returns the verifier.
 */
export function createActorVerifier(options: ActorVerifierOptions = {}): ActorVerifier {
  const oidc = options.oidcConfigPath ? loadOidcConfig(options.oidcConfigPath) : null;
  const rbac = options.rbacPath ? loadRbacPolicy(options.rbacPath) : null;
  const now = options.now ?? (() => new Date());
  const configured = oidc !== null || rbac !== null;

  const repositoryPermissions = rbac?.repositoryPermissions ?? Object.freeze([]);

  async function verifyToken(token: string, notConfigured: string): Promise<ActorContext> {
    if (!oidc) throw new ActorContextError(400, notConfigured);
    try {
      const claims = await verifyActorToken(token, oidc, { now: now() });
      return actorContextFromVerifiedClaims(claims, rbac);
    } catch (e) {
      if (e instanceof ActorTokenError) throw new ActorContextError(401, e.message);
      throw e;
    }
  }

  return Object.freeze({
    configured,
    required: configured,
    oidc,
    rbac,
    repositoryPermissions,
    async verify(credentials?: string | null | ActorCredentials): Promise<ActorContext | null> {
      let context: ActorContext | null = null;
      if (typeof credentials === 'string' || credentials === null || credentials === undefined) {
        const token = (credentials ?? '').trim();
        if (token) context = await verifyToken(token, ACTOR_MESSAGES.oidcNotConfigured);
      } else if (typeof credentials.actor_token === 'string') {
        context = await verifyToken(credentials.actor_token, ACTOR_MESSAGES.approvalOidcNotConfigured);
      } else {
        const token = bearerToken(credentials.authorization);
        if (token) context = await verifyToken(token, ACTOR_MESSAGES.oidcNotConfigured);
      }
      if (!context && configured) throw new ActorContextError(401, ACTOR_MESSAGES.required);
      return context;
    },
    assertCanDecide(approval: ApprovalForAuthorization, actor: ActorContext, action: ActionName): void {
      assertVerifiedActorContext(actor);
      if (!actorCanDecide(actor, approval, action, repositoryPermissions))
        throw new ActorContextError(400, ACTOR_MESSAGES.notAuthorizedForGroup);
    },
    assertCanBreakGlass(request: BreakGlassRequestFields, actor: ActorContext): void {
      assertVerifiedActorContext(actor);
      if (!actorCanBreakGlass(actor, request, repositoryPermissions))
        throw new ActorContextError(403, ACTOR_MESSAGES.notAuthorizedForBreakGlass);
    },
  });
}

/**
 * The token of an `Authorization` header as CAVRA reads it (SPEC 3.8 step 3): undefined when there is
 * no header (or an empty one); otherwise the scheme before the first space must be `Bearer` (any case)
 * followed by a non-blank token, else 401 "authorization header must use Bearer token".
 */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  const token = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme.toLowerCase() !== 'bearer' || !token) throw new ActorContextError(401, ACTOR_MESSAGES.bearerRequired);
  return token;
}
