// A key's fingerprint for pins: hex SHA-256 over the raw 32-byte Ed25519 public key. Unlike CAVRA's
// public_key_sha256 (over the PEM file bytes), it does not change with line endings or PEM wrapping, so
// a pin written once in a setting or CI secret holds wherever the key file travels.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { parsePublicKeyPem } from './keys';

export function publicKeyFingerprint(publicKeyPem: string): string {
  return bytesToHex(sha256(parsePublicKeyPem(publicKeyPem)));
}

/** A pin as a user types it: hex, any case, an optional `sha256:` prefix; undefined when it is not one. */
export function normalizeFingerprint(pin: string): string | undefined {
  const hex = pin
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}
