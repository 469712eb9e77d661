// DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse, protocol.md): the signature
// covers PAE(payloadType, payload), never the payload alone, so a payload cannot be replayed under
// another type. Signed with Ed25519; keyid is the key's fingerprint (signing/fingerprint.ts).
import * as ed from '@noble/ed25519';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodePublicKeyPem, parsePrivateKeyPem, parsePublicKeyPem } from '../signing/keys';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes as ASCII decimal. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return new Uint8Array(
    Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]),
  );
}

export function signDsse(payloadType: string, payload: Uint8Array, privateKeyPem: string): DsseEnvelope {
  const seed = parsePrivateKeyPem(privateKeyPem, 'attestation key');
  const keyid = bytesToHex(sha256(ed.getPublicKey(seed)));
  const sig = ed.sign(preAuthEncoding(payloadType, payload), seed);
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid, sig: Buffer.from(sig).toString('base64') }],
  };
}

/** The public PEM of a private key, for telling the verifier which key to pin. */
export function dssePublicKeyPem(privateKeyPem: string): string {
  return encodePublicKeyPem(ed.getPublicKey(parsePrivateKeyPem(privateKeyPem, 'attestation key')));
}

export type DsseCheck = { ok: true; payload: Uint8Array; keyid: string } | { ok: false; message: string };

/** Checks the envelope's shape and that one of its signatures is by `publicKeyPem` over the PAE. */
export function verifyDsse(envelope: unknown, publicKeyPem: string): DsseCheck {
  const fail = (message: string): DsseCheck => ({ ok: false, message });
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope))
    return fail('not a DSSE envelope: expected a JSON object');
  const e = envelope as { [key: string]: unknown };
  if (typeof e.payloadType !== 'string') return fail('not a DSSE envelope: "payloadType" is missing');
  if (typeof e.payload !== 'string') return fail('not a DSSE envelope: "payload" is missing');
  if (!Array.isArray(e.signatures) || e.signatures.length === 0) return fail('the envelope has no signatures');
  const payload = new Uint8Array(Buffer.from(e.payload, 'base64'));
  if (Buffer.from(payload).toString('base64').replace(/=+$/, '') !== e.payload.replace(/=+$/, ''))
    return fail('"payload" is not valid base64');
  const key = parsePublicKeyPem(publicKeyPem, 'public key');
  const pae = preAuthEncoding(e.payloadType, payload);
  for (const s of e.signatures as { keyid?: unknown; sig?: unknown }[]) {
    if (typeof s !== 'object' || s === null || typeof s.sig !== 'string') continue;
    const sig = Buffer.from(s.sig, 'base64');
    if (sig.length === 64 && ed.verify(new Uint8Array(sig), pae, key, { zip215: false }))
      return { ok: true, payload, keyid: typeof s.keyid === 'string' ? s.keyid : '' };
  }
  return fail(
    `no signature in the envelope verifies with the given key (fingerprint ${bytesToHex(sha256(key))}): the payload or its type was changed, or it was signed with another key`,
  );
}
