// Test keys, JWKS/config files and token signing for the actor tests. No network; fixed clock.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://login.example';
export const AUDIENCE = 'cavra-approvals';
/** The fixed "now" of every test: 2027-01-15T08:00:00Z. */
export const NOW_SECONDS = 1_800_000_000;
export const NOW = new Date(NOW_SECONDS * 1000);

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(kid: string, modulusLength = 2048): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength, extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  return { kid, privateKey, publicJwk };
}

export interface SignOptions {
  kid?: string | null;
  key?: CryptoKey;
  header?: Record<string, unknown>;
}

/** Signs `claims` (iss/aud/exp defaulted to a valid token) with `key` (RS256, header kid = key.kid). */
export async function sign(key: TestKey, claims: JWTPayload = {}, options: SignOptions = {}): Promise<string> {
  const payload: JWTPayload = { iss: ISSUER, aud: AUDIENCE, exp: NOW_SECONDS + 300, iat: NOW_SECONDS, sub: 'user-1', ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const kid = options.kid === undefined ? key.kid : options.kid;
  const header = { alg: 'RS256', ...(kid === null ? {} : { kid }), ...options.header };
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(options.key ?? key.privateKey);
}

export function b64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'cavra-actor-'));
  write(relative: string, content: unknown): string {
    const file = join(this.path, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Writes `.cavra/approval-jwks.json` and `.cavra/oidc.json` (jwks_path relative to the config). */
export function writeOidcConfig(dir: TempDir, keys: JWK[], extra: Record<string, unknown> = {}): string {
  dir.write('.cavra/keys/approval-jwks.json', { keys });
  return dir.write('.cavra/oidc.json', {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks_path: 'keys/approval-jwks.json',
    leeway_seconds: 60,
    ...extra,
  });
}

/** A compact JWS assembled by hand (for headers and algorithms SignJWT will not produce). */
export function rawToken(
  header: Record<string, unknown>,
  payload: unknown,
  signature: (input: string) => Uint8Array | string,
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const sig = signature(input);
  return `${input}.${typeof sig === 'string' ? sig : b64url(sig)}`;
}

export function validClaims(extra: JWTPayload = {}): JWTPayload {
  return { iss: ISSUER, aud: AUDIENCE, exp: NOW_SECONDS + 300, sub: 'user-1', ...extra };
}
