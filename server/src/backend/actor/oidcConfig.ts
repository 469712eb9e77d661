// The OIDC config that console mutations verify actor tokens against (SPEC 3.8):
//   {"issuer": "...", "audience": "...", "jwks": {...} | "jwks_path": "relative/to/config.json", "leeway_seconds": 60}
// CAVRA reads it from $CAVRA_APPROVAL_OIDC_CONFIG [src/cavra/approvals.py load_oidc_config].
import { dirname, isAbsolute, resolve } from 'node:path';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { ActorConfigError } from './errors';
import { isObject, loadObjectFile, own, type JsonObject } from './files';

export const DEFAULT_LEEWAY_SECONDS = 60;

export interface OidcConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly issuer: string;
  readonly audience: string;
  /** Public keys tokens may be signed with. */
  readonly jwks: JSONWebKeySet;
  /** Where the keys came from: the config file itself (`jwks`) or the `jwks_path` file. */
  readonly jwksFile: string;
  /** Clock skew tolerated on `exp` and `nbf`, in whole seconds. */
  readonly leewaySeconds: number;
}

const NEEDS = 'the OIDC config must include issuer, audience, and jwks or jwks_path';

/** Loads and checks an OIDC config file; every problem is an {@link ActorConfigError} naming file and field. */
export function loadOidcConfig(configPath: string): OidcConfig {
  const file = resolve(configPath);
  const raw = loadObjectFile(file, 'approval OIDC config');

  const issuer = requiredString(raw, 'issuer', file);
  const audience = requiredString(raw, 'audience', file);

  let jwksValue: unknown;
  let jwksFile = file;
  let jwksField = 'jwks';
  if (own(raw, 'jwks') !== undefined) {
    // CAVRA: `jwks` wins over `jwks_path` when both are present.
    jwksValue = own(raw, 'jwks');
  } else if (own(raw, 'jwks_path') !== undefined) {
    const jwksPath = own(raw, 'jwks_path');
    if (typeof jwksPath !== 'string' || jwksPath.trim() === '') {
      throw new ActorConfigError(file, 'jwks_path', 'must be a non-empty string (a path relative to the config file)');
    }
    jwksFile = isAbsolute(jwksPath) ? jwksPath : resolve(dirname(file), jwksPath);
    try {
      jwksValue = loadObjectFile(jwksFile, 'approval OIDC JWKS');
    } catch (e) {
      if (e instanceof ActorConfigError) {
        throw new ActorConfigError(e.file, e.field, `${e.problem} (referenced by "jwks_path" in ${file})`);
      }
      throw e;
    }
    jwksField = '';
  } else {
    throw new ActorConfigError(file, 'jwks', `is missing: ${NEEDS}`);
  }
  const jwks = checkJwks(jwksValue, jwksFile, jwksField);

  let leewaySeconds = DEFAULT_LEEWAY_SECONDS;
  const leeway = own(raw, 'leeway_seconds');
  if (leeway !== undefined) {
    if (typeof leeway !== 'number' || !Number.isInteger(leeway) || leeway < 0) {
      throw new ActorConfigError(
        file,
        'leeway_seconds',
        `must be a whole number of seconds, 0 or more (got ${describe(leeway)})`,
      );
    }
    leewaySeconds = leeway;
  }

  return Object.freeze({ file, issuer, audience, jwks, jwksFile, leewaySeconds });
}

function requiredString(raw: JsonObject, field: string, file: string): string {
  const value = own(raw, field);
  if (value === undefined || value === null || value === '') {
    throw new ActorConfigError(file, field, `is missing: ${NEEDS}`);
  }
  if (typeof value !== 'string') {
    throw new ActorConfigError(file, field, `must be a string (got ${describe(value)})`);
  }
  return value;
}

/**
 * A JWKS with at least one usable RSA public key. Non-RSA keys are allowed and ignored, as CAVRA
 * does; private key material and malformed RSA keys are refused here rather than at the first token.
 */
function checkJwks(value: unknown, file: string, field: string): JSONWebKeySet {
  const at = (sub: string) => (field ? `${field}.${sub}` : sub);
  if (!isObject(value)) throw new ActorConfigError(file, field || undefined, 'must be a JWKS object: {"keys": [...]}');
  const keys = own(value, 'keys');
  if (!Array.isArray(keys))
    throw new ActorConfigError(file, at('keys'), 'must be a list of JSON Web Keys (OIDC JWKS must include keys)');
  let rsaKeys = 0;
  keys.forEach((key, index) => {
    const where = at(`keys[${index}]`);
    if (!isObject(key)) throw new ActorConfigError(file, where, 'must be a JSON Web Key object');
    if (typeof own(key, 'kty') !== 'string')
      throw new ActorConfigError(file, `${where}.kty`, 'is missing (a JSON Web Key needs "kty")');
    if (own(key, 'kty') !== 'RSA') return;
    for (const member of ['n', 'e']) {
      const v = own(key, member);
      if (typeof v !== 'string' || !/^[A-Za-z0-9_-]+$/.test(v)) {
        throw new ActorConfigError(file, `${where}.${member}`, 'must be a base64url string (RSA public key member)');
      }
    }
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      if (own(key, member) !== undefined) {
        throw new ActorConfigError(
          file,
          `${where}.${member}`,
          'is private key material: a JWKS for token verification must hold public keys only',
        );
      }
    }
    const kid = own(key, 'kid');
    if (kid !== undefined && typeof kid !== 'string') throw new ActorConfigError(file, `${where}.kid`, 'must be a string');
    rsaKeys++;
  });
  if (rsaKeys === 0) throw new ActorConfigError(file, at('keys'), 'has no RSA key: RS256 tokens cannot be verified');
  try {
    createLocalJWKSet(value as unknown as JSONWebKeySet);
  } catch (e) {
    throw new ActorConfigError(file, field || undefined, `is not a valid JWKS: ${(e as Error).message}`);
  }
  return structuredClone(value) as unknown as JSONWebKeySet;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
