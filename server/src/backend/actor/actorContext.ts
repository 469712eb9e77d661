// The actor context of a console mutation, built from *verified* token claims only (SPEC 3.8):
//   actor      = email ‖ preferred_username ‖ sub ‖ "unknown"
//   subject    = sub,  issuer = iss
//   groups     = groups ‖ roles (a string is one group) plus the RBAC group_mappings targets, sorted
//   repository = repository ‖ repo
// [src/cavra/approvals.py actor_context_from_claims]. CAVRA also accepts unverified `actor_claims`
// in the request body; this project deliberately does not: there is no function here that takes raw
// claims, and an actor context that did not come from this module is refused by the RBAC checks.
import { compareCodePoints } from '../../policy/canonicalJson';
import { pyTruthy } from '../../policy/pythonValues';
import { isVerifiedClaims, type VerifiedClaims } from './verifyActorToken';
import type { ActorContext } from '../api/actor';

export type { ActorContext };

/** Token group → groups the actor also gets (an RBAC file's `group_mappings`, rbac.ts). */
export type GroupMappings = ReadonlyMap<string, readonly string[]>;

const verifiedContexts = new WeakSet<object>();

/** True only for an actor context made by {@link actorContextFromVerifiedClaims}. */
export function isVerifiedActorContext(value: unknown): value is ActorContext {
  return typeof value === 'object' && value !== null && verifiedContexts.has(value);
}

/** Throws a TypeError for an actor context that {@link actorContextFromVerifiedClaims} did not make. */
export function assertVerifiedActorContext(value: unknown): asserts value is ActorContext {
  if (!isVerifiedActorContext(value)) {
    throw new TypeError('actor context was not produced from a verified token; unverified claims are never trusted');
  }
}

/**
 * @param claims what {@link verifyActorToken} returned; anything else throws a TypeError.
 * @param rbac adds the `group_mappings` targets of the actor's groups.
 */
export function actorContextFromVerifiedClaims(
  claims: VerifiedClaims,
  rbac?: { readonly groupMappings: GroupMappings } | null,
): ActorContext {
  if (!isVerifiedClaims(claims)) {
    throw new TypeError('actor context requires claims from a verified token (verifyActorToken)');
  }
  const tokenGroups = groupList(pyTruthy(claims.groups) ? claims.groups : claims.roles);
  const groups = new Set(tokenGroups);
  for (const [source, targets] of rbac?.groupMappings ?? []) {
    if (tokenGroups.includes(source)) for (const target of targets) groups.add(target);
  }
  const context: ActorContext = Object.freeze({
    actor: firstString(claims.email, claims.preferred_username, claims.sub) ?? 'unknown',
    subject: typeof claims.sub === 'string' ? claims.sub : null,
    issuer: typeof claims.iss === 'string' ? claims.iss : null,
    groups: Object.freeze([...groups].sort(compareCodePoints)),
    repository: firstString(claims.repository, claims.repo) ?? null,
  });
  verifiedContexts.add(context);
  return context;
}

function groupList(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'number' && Number.isFinite(item)) out.push(String(item));
  }
  return out;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}
