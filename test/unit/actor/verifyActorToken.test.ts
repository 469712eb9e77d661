import assert from 'node:assert/strict';
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ActorTokenError,
  isVerifiedClaims,
  loadOidcConfig,
  verifyActorToken,
  type ActorTokenFailure,
  type OidcConfig,
} from '../../../server/src/backend/actor';
import {
  AUDIENCE,
  ISSUER,
  NOW,
  NOW_SECONDS,
  TempDir,
  b64url,
  makeKey,
  rawToken,
  sign,
  validClaims,
  writeOidcConfig,
  type TestKey,
} from './fixtures';

async function rejects(token: string, config: OidcConfig, reason: ActorTokenFailure, message: RegExp, now = NOW): Promise<void> {
  await assert.rejects(verifyActorToken(token, config, { now }), (error: unknown) => {
    assert.ok(error instanceof ActorTokenError, `expected ActorTokenError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.match(error.message, message);
    // The message never carries the token or any of its parts.
    for (const part of token.split('.')) if (part.length > 8) assert.ok(!error.message.includes(part), 'message leaks the token');
    return true;
  });
}

describe('actor token verification (RS256 against a JWKS)', () => {
  let dir: TempDir;
  let key: TestKey;
  let other: TestKey;
  let config: OidcConfig;

  before(async () => {
    dir = new TempDir();
    key = await makeKey('key-1');
    other = await makeKey('key-2');
    config = loadOidcConfig(writeOidcConfig(dir, [key.publicJwk]));
  });
  after(() => dir.remove());

  it('returns the claims of a valid token, frozen and marked as verified', async () => {
    const token = await sign(key, { email: 'ana@example.com', groups: ['IAM'] });
    const claims = await verifyActorToken(token, config, { now: NOW });
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.email, 'ana@example.com');
    assert.ok(isVerifiedClaims(claims));
    assert.ok(Object.isFrozen(claims) && Object.isFrozen(claims.groups));
    assert.ok(!isVerifiedClaims({ ...claims }), 'a copy is not verified');
  });

  it('accepts aud as a list containing the audience, and a token without kid', async () => {
    await verifyActorToken(await sign(key, { aud: ['other', AUDIENCE] }), config, { now: NOW });
    await verifyActorToken(await sign(key, {}, { kid: null }), config, { now: NOW });
  });

  describe('claims', () => {
    it('wrong issuer', async () =>
      rejects(await sign(key, { iss: 'https://evil.example' }), config, 'wrong_issuer', /^OIDC token issuer is not trusted$/));
    it('missing issuer', async () =>
      rejects(await sign(key, { iss: undefined }), config, 'wrong_issuer', /issuer is not trusted/));
    it('wrong audience (string)', async () =>
      rejects(await sign(key, { aud: 'someone-else' }), config, 'wrong_audience', /^OIDC token audience is not trusted$/));
    it('wrong audience (list)', async () =>
      rejects(await sign(key, { aud: ['a', 'b'] }), config, 'wrong_audience', /audience is not trusted/));
    it('missing audience', async () =>
      rejects(await sign(key, { aud: undefined }), config, 'wrong_audience', /audience is not trusted/));
    it('expired beyond the leeway', async () =>
      rejects(await sign(key, { exp: NOW_SECONDS - 61 }), config, 'expired', /^OIDC token is expired$/));
    it('exp is required', async () => rejects(await sign(key, { exp: undefined }), config, 'expired', /^OIDC token is expired$/));
    it('exp must be a number', async () =>
      rejects(await sign(key, { exp: 'tomorrow' as unknown as number }), config, 'invalid_claim', /exp claim must be a number/));
    it('nbf in the future beyond the leeway', async () =>
      rejects(await sign(key, { nbf: NOW_SECONDS + 61 }), config, 'not_yet_valid', /^OIDC token is not yet valid$/));
  });

  describe('leeway boundaries (leeway_seconds 60, now fixed)', () => {
    it('exp == now − leeway is still valid; one second earlier is expired', async () => {
      await verifyActorToken(await sign(key, { exp: NOW_SECONDS - 60 }), config, { now: NOW });
      await rejects(await sign(key, { exp: NOW_SECONDS - 61 }), config, 'expired', /expired/);
    });
    it('nbf == now + leeway is valid; one second later is not yet valid', async () => {
      await verifyActorToken(await sign(key, { nbf: NOW_SECONDS + 60 }), config, { now: NOW });
      await rejects(await sign(key, { nbf: NOW_SECONDS + 61 }), config, 'not_yet_valid', /not yet valid/);
    });
    it('now is whole seconds (fractions of the clock are dropped, as int(time.time()))', async () => {
      const almostNext = new Date(NOW.getTime() + 999);
      await verifyActorToken(await sign(key, { exp: NOW_SECONDS - 60 }), config, { now: almostNext });
    });
    it('fractional exp is truncated as int() does', async () => {
      await verifyActorToken(await sign(key, { exp: NOW_SECONDS - 60 + 0.9 }), config, { now: NOW });
      await rejects(await sign(key, { exp: NOW_SECONDS - 61 + 0.9 }), config, 'expired', /expired/);
    });
    it('leeway_seconds 0 and a custom leeway', async () => {
      const strict: OidcConfig = { ...config, leewaySeconds: 0 };
      await verifyActorToken(await sign(key, { exp: NOW_SECONDS }), strict, { now: NOW });
      await rejects(await sign(key, { exp: NOW_SECONDS - 1 }), strict, 'expired', /expired/);
      await rejects(await sign(key, { nbf: NOW_SECONDS + 1 }), strict, 'not_yet_valid', /not yet valid/);
      const lenient: OidcConfig = { ...config, leewaySeconds: 600 };
      await verifyActorToken(await sign(key, { exp: NOW_SECONDS - 600, nbf: NOW_SECONDS + 600 }), lenient, { now: NOW });
    });
    it('uses the current time when no clock is given', async () => {
      const now = Math.floor(Date.now() / 1000);
      await verifyActorToken(await sign(key, { exp: now + 3600, iat: now }), config);
      await assert.rejects(verifyActorToken(await sign(key, { exp: now - 3600 }), config), /expired/);
    });
  });

  describe('algorithm and signature', () => {
    it('refuses HS256 (also with the RSA public key as HMAC secret: algorithm confusion)', async () => {
      const secret = new TextEncoder().encode('a-shared-secret-that-is-long-enough-for-hs256');
      const hs = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).sign(secret);
      await rejects(hs, config, 'unsupported_alg', /^OIDC token must use RS256$/);
      const confused = rawToken({ alg: 'HS256', kid: 'key-1' }, validClaims(), (input) =>
        createHmac('sha256', JSON.stringify(key.publicJwk)).update(input).digest(),
      );
      await rejects(confused, config, 'unsupported_alg', /must use RS256/);
    });
    it('refuses alg "none" (with and without a signature part)', async () => {
      await rejects(
        rawToken({ alg: 'none' }, validClaims(), () => ''),
        config,
        'unsupported_alg',
        /must use RS256/,
      );
      await rejects(
        rawToken({ alg: 'none', kid: 'key-1' }, validClaims(), () => 'AAAA'),
        config,
        'unsupported_alg',
        /must use RS256/,
      );
    });
    it('refuses other RSA algorithms (RS512, PS256) and a missing alg', async () => {
      // A genuine RS512 signature by a key the JWKS holds (without an "alg" restriction).
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const local: OidcConfig = { ...config, jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'node' }] } };
      const rs512 = rawToken({ alg: 'RS512', kid: 'node' }, validClaims(), (input) =>
        createSign('RSA-SHA512').update(input).sign(privateKey),
      );
      await rejects(rs512, local, 'unsupported_alg', /must use RS256/);
      const ps = rawToken({ alg: 'PS256', kid: 'key-1' }, validClaims(), () => 'AAAA');
      await rejects(ps, config, 'unsupported_alg', /must use RS256/);
      await rejects(
        rawToken({ kid: 'key-1' }, validClaims(), () => 'AAAA'),
        config,
        'unsupported_alg',
        /must use RS256/,
      );
    });
    it('unknown kid', async () =>
      rejects(await sign(other), config, 'no_matching_key', /^OIDC token signing key was not found in JWKS$/));
    it('signed by another key under a known kid', async () => {
      await rejects(await sign(key, {}, { key: other.privateKey }), config, 'bad_signature', /^OIDC token signature is invalid$/);
    });
    it('tampered payload (claims changed after signing)', async () => {
      const [header, , signature] = (await sign(key, { groups: ['Readers'] })).split('.');
      const forged = `${header}.${b64url(JSON.stringify(validClaims({ groups: ['Change Advisory Board'] })))}.${signature}`;
      await rejects(forged, config, 'bad_signature', /signature is invalid/);
    });
    it('tampered header (kid swapped) and truncated signature', async () => {
      const token = await sign(key);
      const [, payload, signature] = token.split('.');
      await rejects(
        `${b64url(JSON.stringify({ alg: 'RS256', kid: 'key-1', typ: 'x' }))}.${payload}.${signature}`,
        config,
        'bad_signature',
        /signature is invalid/,
      );
      await rejects(`${token.slice(0, -10)}`, config, 'bad_signature', /signature is invalid/);
    });
    it('a signature is checked before any claim: a forged expired token is reported as forged', async () => {
      const [header, , signature] = (await sign(key)).split('.');
      const forged = `${header}.${b64url(JSON.stringify(validClaims({ exp: 1 })))}.${signature}`;
      await rejects(forged, config, 'bad_signature', /signature is invalid/);
    });
    it('malformed tokens', async () => {
      for (const token of ['', 'abc', 'a.b', 'a.b.c.d', '!!!.???.***', `${b64url('not json')}.${b64url('{}')}.AAAA`]) {
        await rejects(token, config, 'malformed', /^OIDC token must be a compact JWT$/);
      }
    });
    it('payload that is not a JSON object', async () => {
      const signer = (input: string) => createSign('RSA-SHA256').update(input).sign(privatePem);
      const { privateKey: privatePem, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'node' };
      const local: OidcConfig = { ...config, jwks: { keys: [jwk] } };
      await rejects(rawToken({ alg: 'RS256', kid: 'node' }, '[1,2]', signer), local, 'malformed', /not a JSON object/);
      await rejects(rawToken({ alg: 'RS256', kid: 'node' }, 'nope', signer), local, 'malformed', /payload is not JSON/);
      // The same hand-made signer produces tokens that verify: the rejections above are about the payload.
      await verifyActorToken(rawToken({ alg: 'RS256', kid: 'node' }, validClaims(), signer), local, { now: NOW });
    });
  });

  describe('key selection', () => {
    it('picks the key by kid among several', async () => {
      const both: OidcConfig = { ...config, jwks: { keys: [other.publicJwk, key.publicJwk] } };
      await verifyActorToken(await sign(key), both, { now: NOW });
      await verifyActorToken(await sign(other), both, { now: NOW });
    });
    it('without kid, any RSA key of the JWKS that verifies the signature', async () => {
      const both: OidcConfig = { ...config, jwks: { keys: [other.publicJwk, key.publicJwk] } };
      await verifyActorToken(await sign(key, {}, { kid: null }), both, { now: NOW });
      const stranger = await makeKey('key-3');
      await rejects(await sign(stranger, {}, { kid: null }), both, 'bad_signature', /signature is invalid/);
    });
    it('ignores non-RSA keys and keys marked for encryption or another algorithm', async () => {
      const ec = {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        kid: 'key-1',
      };
      const enc = { ...key.publicJwk, use: 'enc' };
      const rs512 = { ...key.publicJwk, alg: 'RS512' };
      for (const keys of [[ec], [enc], [rs512]]) {
        await rejects(await sign(key), { ...config, jwks: { keys } }, 'no_matching_key', /not found in JWKS/);
      }
      await verifyActorToken(await sign(key), { ...config, jwks: { keys: [ec, key.publicJwk] } }, { now: NOW });
    });
    it('an RSA key under 2048 bits is not usable', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'small' };
      const token = rawToken({ alg: 'RS256', kid: 'small' }, validClaims(), (input) =>
        createSign('RSA-SHA256').update(input).sign(privateKey),
      );
      await rejects(token, { ...config, jwks: { keys: [jwk] } }, 'unusable_key', /signing key in JWKS is not usable: .*2048/);
    });
  });
});
