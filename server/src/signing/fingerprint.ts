// A key's fingerprint, the value people pin: SHA-256 of the raw 32-byte Ed25519 public key. Unlike
// sig.json's public_key_sha256 (a hash of the PEM *file*), it does not change with line endings or PEM
// wrapping, and OpenSSL gives the same: `openssl pkey -pubin -in k.public.pem -outform DER | tail -c 32 | sha256sum`.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { KeyFingerprint } from '../policy/keyPins';
import { parsePrivateKeyPem, parsePublicKeyPem, publicKeyFromPrivate } from './keys';

export function fingerprintOfRawKey(publicKey: Uint8Array): KeyFingerprint {
  return `sha256:${bytesToHex(sha256(publicKey))}`;
}

/** A public PEM; throws SigningKeyError (naming `source`) when it is not an Ed25519 public key. */
export function keyFingerprint(publicKeyPem: string, source?: string): KeyFingerprint {
  return fingerprintOfRawKey(parsePublicKeyPem(publicKeyPem, source));
}

/** Either half of a key pair: a private PEM gives its public key's fingerprint. */
export function fingerprintOfPem(pem: string, source?: string): KeyFingerprint {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    parsePrivateKeyPem(pem, source);
    return keyFingerprint(publicKeyFromPrivate(pem, source), source);
  }
  return keyFingerprint(pem, source);
}
