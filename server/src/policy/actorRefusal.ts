// Why a guarded mutation (SPEC 3.8: publish-request, publish, apply-change, approve/deny/expire,
// break-glass) was refused for its actor, and what fixes it. CAVRA answers with a status and a detail
// only (its messages: src/cavra/api.py, src/cavra/approvals.py validate_oidc_token); the editor needs
// the reason in words and the one action that fixes it, so the rule that reads CAVRA's details is here,
// once: the server puts it in a refused request's error data, the client words "Show Verified Actor"
// with it. (The CLI keeps its own flag-shaped advice, cli/backendFactory.ts.) It never sees a token.

/** What is wrong with the actor of a refused mutation. */
export type ActorRefusalReason =
  | 'missing'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'invalid'
  | 'not_in_group'
  | 'not_break_glass'
  | 'no_oidc_config';

/** What the user does about it: give another token, or configure the OIDC config first. */
export type ActorRefusalFix = 'set_actor_token' | 'configure_oidc';

export interface ActorRefusal {
  reason: ActorRefusalReason;
  /** One sentence for a person: what is wrong and what to do. */
  explanation: string;
  fix: ActorRefusalFix;
}

/** What the explanation may name: the configured issuer and audience, and who the token says acts. */
export interface ActorRefusalContext {
  issuer?: string | null;
  audience?: string | null;
  approverGroup?: string | null;
  /** False when only an RBAC file is configured: no token can be verified, so the fix is the OIDC config. */
  oidcConfigured?: boolean;
}

const TOKEN_DETAILS: readonly [RegExp, ActorRefusalReason][] = [
  [/^console action requires verified actor context$/, 'missing'],
  [/^OIDC token is expired$/, 'expired'],
  [/^OIDC token is not yet valid$/, 'not_yet_valid'],
  [/^OIDC token audience is not trusted$/, 'wrong_audience'],
  [/^OIDC token issuer is not trusted$/, 'wrong_issuer'],
  [/^OIDC token /, 'invalid'],
  [/^actor is not authorized for approval group$/, 'not_in_group'],
  [/^actor is not authorized for break-glass$/, 'not_break_glass'],
  [/^(approval|console) OIDC config is not configured$/, 'no_oidc_config'],
];

/** The refusal CAVRA's `status` and `detail` describe, or null when the failure is not about the actor. */
export function actorRefusal(status: number, detail: string, context: ActorRefusalContext = {}): ActorRefusal | null {
  if (status !== 400 && status !== 401 && status !== 403) return null;
  const found = TOKEN_DETAILS.find(([pattern]) => pattern.test(detail));
  if (!found) return null;
  const reason = found[1] === 'missing' && context.oidcConfigured === false ? 'no_oidc_config' : found[1];
  const issuer = context.issuer ? ` from ${context.issuer}` : '';
  const audience = context.audience ? `"${context.audience}"` : 'the configured audience';
  const group = context.approverGroup ? `"${context.approverGroup}"` : "the approval's approver group";
  const explanations: Record<ActorRefusalReason, string> = {
    missing: `This workspace has an OIDC config or RBAC file, so this action needs a verified actor: set your actor token${issuer}.`,
    expired: `Your actor token has expired: get a fresh token${issuer} and set it again.`,
    not_yet_valid: `Your actor token is not valid yet (its "nbf" is in the future): check this machine's clock, or set a current token${issuer}.`,
    wrong_audience: `Your actor token was issued for another audience; this workspace accepts tokens for ${audience}: set a token issued for it.`,
    wrong_issuer: `Your actor token comes from another issuer; this workspace trusts only tokens${issuer || ' from the configured issuer'}: set a token from it.`,
    invalid: `Your actor token was not accepted (${detail}): set a token${issuer} signed by a key in the configured JWKS.`,
    not_in_group: `The verified actor is not in ${group} (nor allowed by the RBAC file): set a token of a member of ${group}, or ask one to decide.`,
    not_break_glass: `Break glass needs a verified actor in "Change Advisory Board": set a token of a member of that group.`,
    no_oidc_config:
      'An RBAC file is configured but no OIDC config, so no token can be verified: set cavra.auth.oidcConfig to the OIDC config (issuer, audience, JWKS).',
  };
  return { reason, explanation: explanations[reason], fix: reason === 'no_oidc_config' ? 'configure_oidc' : 'set_actor_token' };
}
