// Verification of an actor's OIDC token (SPEC 3.8): a compact JWT, header alg RS256 only, signature
// (RSASSA-PKCS1-v1_5 / SHA-256) by an RSA key of the configured JWKS (matching `kid` when the token
// has one), `iss` == issuer, audience ∈ `aud` (string or list), `exp` required and not older than
// now − leeway, `nbf` (optional) not later than now + leeway. Messages are CAVRA's
// [src/cavra/approvals.py validate_oidc_token].
//
// jose does the JWS part (header parsing, alg allow-list, key selection from the JWKS, signature).
// The claim checks are done here because CAVRA's boundaries differ from jose's by one second
// (`exp == now − leeway` is still valid for CAVRA, expired for jose). Unlike CAVRA, the signature is
// checked before any claim: nothing is said about the claims of a token that is not authentic.
import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  type CompactVerifyResult,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { ActorTokenError } from './errors';
import type { OidcConfig } from './oidcConfig';

/** Claims of a token that passed {@link verifyActorToken}; frozen, and only that function makes them. */
export type VerifiedClaims = Readonly<JWTPayload> & { readonly [verifiedBrand]: true };
declare const verifiedBrand: unique symbol;

const verifiedClaims = new WeakSet<object>();

/** True only for a claims object returned by {@link verifyActorToken} (a cast cannot forge this). */
export function isVerifiedClaims(value: unknown): value is VerifiedClaims {
  return typeof value === 'object' && value !== null && verifiedClaims.has(value);
}

export interface VerifyActorTokenOptions {
  /** The clock; default the current time. */
  now?: Date;
}

type TokenConfig = Pick<OidcConfig, 'issuer' | 'audience' | 'jwks' | 'leewaySeconds'>;

const ALGORITHMS = ['RS256'];
const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

export async function verifyActorToken(
  token: string,
  config: TokenConfig,
  options: VerifyActorTokenOptions = {},
): Promise<VerifiedClaims> {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new ActorTokenError('malformed', 'OIDC token must be a compact JWT');
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new ActorTokenError('malformed', 'OIDC token must be a compact JWT');
  }
  if (alg !== 'RS256') throw new ActorTokenError('unsupported_alg', 'OIDC token must use RS256');

  const verified = await verifySignature(token, config.jwks);
  if (verified.protectedHeader.b64 !== undefined && verified.protectedHeader.b64 !== true) {
    throw new ActorTokenError('malformed', 'OIDC token must be a compact JWT');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
  } catch {
    throw new ActorTokenError('malformed', 'OIDC token payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new ActorTokenError('malformed', 'OIDC token payload is not a JSON object');
  }
  const payload = claims as JWTPayload;

  if (payload.iss !== config.issuer) throw new ActorTokenError('wrong_issuer', 'OIDC token issuer is not trusted');
  const audiences: unknown[] = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(config.audience)) throw new ActorTokenError('wrong_audience', 'OIDC token audience is not trusted');

  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const leeway = config.leewaySeconds;
  const exp = numericDate(payload.exp, 'exp');
  if (exp === undefined || exp < now - leeway) throw new ActorTokenError('expired', 'OIDC token is expired');
  const nbf = numericDate(payload.nbf, 'nbf');
  if (nbf !== undefined && nbf > now + leeway) throw new ActorTokenError('not_yet_valid', 'OIDC token is not yet valid');

  const result = deepFreeze(payload) as VerifiedClaims;
  verifiedClaims.add(result);
  return result;
}

/** A NumericDate claim as CAVRA's `int(...)` reads it (fractions truncated); absent/null → undefined. */
function numericDate(value: unknown, claim: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ActorTokenError('invalid_claim', `OIDC token ${claim} claim must be a number`);
  }
  return Math.trunc(value);
}

async function verifySignature(token: string, jwks: JSONWebKeySet): Promise<CompactVerifyResult> {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks);
    keySets.set(jwks, keySet);
  }
  try {
    return await compactVerify(token, keySet, { algorithms: ALGORITHMS });
  } catch (e) {
    if (e instanceof joseErrors.JWKSMultipleMatchingKeys) {
      // No `kid` and several RSA keys: the token is authentic if any of them verifies it.
      for await (const key of e) {
        try {
          return await compactVerify(token, key, { algorithms: ALGORITHMS });
        } catch (inner) {
          if (!(inner instanceof joseErrors.JWSSignatureVerificationFailed)) throw translate(inner);
        }
      }
      throw new ActorTokenError('bad_signature', 'OIDC token signature is invalid');
    }
    throw translate(e);
  }
}

function translate(e: unknown): ActorTokenError {
  if (e instanceof ActorTokenError) return e;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed)
    return new ActorTokenError('bad_signature', 'OIDC token signature is invalid');
  if (e instanceof joseErrors.JWKSNoMatchingKey)
    return new ActorTokenError('no_matching_key', 'OIDC token signing key was not found in JWKS');
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return new ActorTokenError('unsupported_alg', 'OIDC token must use RS256');
  if (e instanceof joseErrors.JWSInvalid) return new ActorTokenError('malformed', 'OIDC token must be a compact JWT');
  // Key import problems (e.g. an RSA modulus under 2048 bits). jose's messages name the key, not the token.
  const message = e instanceof Error ? e.message : String(e);
  return new ActorTokenError('unusable_key', `OIDC token signing key in JWKS is not usable: ${message}`);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
