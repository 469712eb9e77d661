// policy.yaml.sig.json exactly as CAVRA's `create_policy_signature` / `write_policy_signature`
// produce it (SPEC 5): same fields, same order, same bytes apart from signed_at.
import * as ed from '@noble/ed25519';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { signerTrust, type KeyFingerprint, type KeyPins, type SignerTrust } from '../policy/keyPins';
import { fingerprintOfRawKey } from './fingerprint';
import { ExternalSignerError } from './externalSigner';
import { encodePublicKeyPem, parsePrivateKeyPem, parsePublicKeyPem, publicKeySha256 } from './keys';
import { pythonJsonDumps, pythonUtcIsoformat } from './pythonFormat';

export const SIGNATURE_SCHEMA_VERSION = 'cavra.policy-signature.v1';
export type SignatureAlgorithm = 'Ed25519' | 'HS256' | 'SHA256';

/** Field order is CAVRA's insertion order; key_id and public_key_sha256 exist for Ed25519 only. */
export interface PolicySignature {
  schema_version: string;
  algorithm: SignatureAlgorithm;
  digest: string;
  signature: string;
  signed_at: string;
  signer: string;
  key_id?: string;
  public_key_sha256?: string;
  policy_file: string;
}

export interface SignPolicyOptions {
  /** PKCS#8 PEM → Ed25519. Wins over hmacKey, as in CAVRA. */
  privateKeyPem?: string;
  /** HMAC key → HS256. Empty counts as absent (CAVRA: `key or digest`), giving SHA256. */
  hmacKey?: string;
  /** Default "local", CAVRA's `--signer` default. */
  signer?: string;
  /** Ed25519 only; defaults to the signer like CAVRA's `key_id or signer`. */
  keyId?: string;
  /** The policy's file name (not path); default "policy.yaml". */
  policyFile?: string;
  /** For tests; default now. */
  now?: Date;
  /**
   * A key the studio never reads (ssh-agent, HSM, KMS): its public PEM, and a function that returns
   * the raw 64-byte Ed25519 signature of the bytes. Ed25519, like privateKeyPem; the two exclude each other.
   */
  externalSigner?: { publicKeyPem: string; sign(bytes: Uint8Array): Uint8Array };
}

/**
 * The `key_id` written into an Ed25519 signature, by CAVRA's rule (SPEC 5): the key id given, else the
 * signer. The one place this is decided, for the CLI (`sign`, `publish`) and the editor (which passes
 * the chosen key's id).
 */
export function signatureKeyId(keyId: string | undefined, signer: string): { keyId: string; from: 'key-id' | 'signer' } {
  return keyId ? { keyId, from: 'key-id' } : { keyId: signer, from: 'signer' };
}

/** `"sha256:" + hex(SHA-256(file bytes))` — the sig.json digest. */
export function policyFileDigest(bytes: Uint8Array): string {
  return `sha256:${bytesToHex(sha256(bytes))}`;
}

export function signPolicyBytes(bytes: Uint8Array, opts: SignPolicyOptions = {}): PolicySignature {
  const digestHex = bytesToHex(sha256(bytes));
  const digest = `sha256:${digestHex}`;
  const signer = opts.signer ?? 'local';
  const signedAt = pythonUtcIsoformat(opts.now ?? new Date());
  const policyFile = opts.policyFile ?? 'policy.yaml';

  const ed25519 = (signature: Uint8Array, publicKeyPem: string): PolicySignature => ({
    schema_version: SIGNATURE_SCHEMA_VERSION,
    algorithm: 'Ed25519',
    digest,
    signature: toBase64(signature),
    signed_at: signedAt,
    signer,
    key_id: signatureKeyId(opts.keyId, signer).keyId,
    public_key_sha256: publicKeySha256(publicKeyPem),
    policy_file: policyFile,
  });
  if (opts.privateKeyPem !== undefined) {
    const seed = parsePrivateKeyPem(opts.privateKeyPem, 'policy signing private key');
    return ed25519(ed.sign(bytes, seed), encodePublicKeyPem(ed.getPublicKey(seed)));
  }
  if (opts.externalSigner) {
    const publicKey = parsePublicKeyPem(opts.externalSigner.publicKeyPem, 'external signer public key');
    const signature = opts.externalSigner.sign(bytes);
    // Checked here so a signer holding another key, or answering garbage, never writes a sig.json.
    if (signature.length !== 64 || !ed.verify(signature, bytes, publicKey, { zip215: false })) {
      throw new ExternalSignerError(
        'the external signer returned a signature that does not verify with its public key: check that the command signs with the key whose public PEM is given',
      );
    }
    return ed25519(signature, opts.externalSigner.publicKeyPem);
  }
  return {
    schema_version: SIGNATURE_SCHEMA_VERSION,
    algorithm: opts.hmacKey ? 'HS256' : 'SHA256',
    digest,
    signature: hmacSignature(opts.hmacKey || digestHex, bytes),
    signed_at: signedAt,
    signer,
    policy_file: policyFile,
  };
}

/** The sig.json file text: `json.dumps(payload, indent=2) + "\n"`, as CAVRA writes it. */
export function serializeSignature(sig: PolicySignature): string {
  return `${pythonJsonDumps(sig)}\n`;
}

export type VerifyProblem =
  | 'malformed-json'
  | 'missing-field'
  | 'unsupported-schema'
  | 'unknown-algorithm'
  | 'digest-mismatch'
  | 'public-key-required'
  | 'untrusted-key'
  | 'invalid-public-key'
  | 'malformed-signature'
  | 'signature-mismatch'
  | 'hmac-mismatch'
  /** The Ed25519 signature is valid, but its key's fingerprint is pinned nowhere outside the repository. */
  | 'signer-not-pinned'
  /** The key that made the signature is on a revoked list: every signature it made fails. */
  | 'revoked-key';

export interface VerifyPolicyOptions {
  /** Trusted public PEMs (file text); the one whose fingerprint the sig.json names is used. */
  publicKeyPems?: string[];
  hmacKey?: string;
  /** Named in messages; default "policy.yaml.sig.json". */
  sigFile?: string;
  /**
   * Which keys count (policy/keyPins). Given, a valid Ed25519 signature is `ok` only when its key is
   * pinned and not revoked. Omitted, every key in publicKeyPems counts: only for checking a signature
   * just made with a key in hand (publish's own check), never for deciding whether to trust one.
   */
  pins?: KeyPins;
}

export interface VerifyResult {
  ok: boolean;
  /** As written in the sig.json, when it could be read. */
  algorithm?: string;
  /** CAVRA's wording where CAVRA has one, followed by specifics after a colon. */
  message: string;
  problem?: VerifyProblem;
  /** False when only the digest was checked: HS256 without an HMAC key, which CAVRA accepts. */
  signatureChecked: boolean;
  /**
   * Ed25519 with pins, once the signature itself verified: whether its signer is pinned, not pinned
   * (`ok` false, "valid signature, signer not pinned") or revoked (`ok` false, "revoked").
   */
  signerTrust?: SignerTrust;
  /** The signing key's fingerprint (signing/fingerprint), when its public key was found. */
  keyFingerprint?: KeyFingerprint;
  /** The pin or revocation that decided signerTrust: its source (a flag, a setting, a file). */
  trustSource?: string;
}

/** A sig.json read up to its digest: the first checks of `verifyPolicySignature`, in its order. */
export type SignatureClaim =
  { ok: true; sig: Record<string, unknown>; algorithm: string; digest: string } | { ok: false; failure: VerifyResult };

export function readSignatureClaim(sigJsonText: string, sigFile = 'policy.yaml.sig.json'): SignatureClaim {
  const fail = (problem: VerifyProblem, message: string, algorithm?: string): SignatureClaim => ({
    ok: false,
    failure: { ok: false, algorithm, message, problem, signatureChecked: false },
  });
  let payload: unknown;
  try {
    payload = JSON.parse(sigJsonText);
  } catch (error) {
    return fail('malformed-json', `${sigFile} is not valid JSON: ${describeJsonError(sigJsonText, error)}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return fail('malformed-json', `${sigFile} must hold a JSON object`);
  }
  const sig = payload as Record<string, unknown>;
  const algorithm = typeof sig.algorithm === 'string' ? sig.algorithm : undefined;
  // Missing schema_version is tolerated as CAVRA does; a different one may mean different rules.
  if (sig.schema_version !== undefined && sig.schema_version !== SIGNATURE_SCHEMA_VERSION) {
    return fail(
      'unsupported-schema',
      `${sigFile} has schema_version ${JSON.stringify(sig.schema_version)}; this version reads "${SIGNATURE_SCHEMA_VERSION}"`,
      algorithm,
    );
  }
  for (const field of ['algorithm', 'digest', 'signature']) {
    if (typeof sig[field] !== 'string') {
      return fail('missing-field', `${sigFile} has no "${field}" string field`, algorithm);
    }
  }
  return { ok: true, sig, algorithm: sig.algorithm as string, digest: sig.digest as string };
}

/** The answer for bytes that are not the signed bytes: nothing to verify. */
export function digestMismatch(sigFile: string, claimed: string, actual: string, algorithm?: string): VerifyResult {
  const message = `policy digest mismatch: the policy changed after signing (${sigFile} says ${claimed}, the file is ${actual})`;
  return { ok: false, algorithm, message, problem: 'digest-mismatch', signatureChecked: false };
}

/**
 * Checks a policy's bytes against its sig.json text in the order CAVRA's verify_policy_signature
 * does; stricter where CAVRA lets things pass (unknown algorithm, forged SHA256 signature).
 */
export function verifyPolicySignature(bytes: Uint8Array, sigJsonText: string, opts: VerifyPolicyOptions = {}): VerifyResult {
  const sigFile = opts.sigFile ?? 'policy.yaml.sig.json';
  const claim = readSignatureClaim(sigJsonText, sigFile);
  if (!claim.ok) return claim.failure;
  const { sig, algorithm } = claim;
  const claimed = claim.digest;
  const actual = policyFileDigest(bytes);
  if (claimed !== actual) return digestMismatch(sigFile, claimed, actual, algorithm);
  const fail = (problem: VerifyProblem, message: string): VerifyResult => ({
    ok: false,
    algorithm,
    message,
    problem,
    signatureChecked: false,
  });
  const signature = sig.signature as string;
  switch (algorithm) {
    case 'Ed25519':
      return verifyEd25519(bytes, sig, signature, opts.publicKeyPems ?? [], sigFile, opts.pins);
    case 'HS256':
    case 'SHA256':
      return verifyHmac(bytes, algorithm, signature, opts.hmacKey, actual.slice('sha256:'.length));
    default:
      return fail(
        'unknown-algorithm',
        `${sigFile} has unknown algorithm ${JSON.stringify(algorithm)}: CAVRA signs with Ed25519, HS256 or SHA256`,
      );
  }
}

function verifyEd25519(
  bytes: Uint8Array,
  sig: Record<string, unknown>,
  signature: string,
  trusted: string[],
  sigFile: string,
  pins: KeyPins | undefined,
): VerifyResult {
  const fail = (problem: VerifyProblem, message: string): VerifyResult => ({
    ok: false,
    algorithm: 'Ed25519',
    message,
    problem,
    signatureChecked: false,
  });
  if (trusted.length === 0)
    return fail('public-key-required', 'public key is required for Ed25519 policy signature verification');
  const fingerprint = sig.public_key_sha256;
  if (typeof fingerprint !== 'string') return fail('missing-field', `${sigFile} has no "public_key_sha256" string field`);
  const keyName = typeof sig.key_id === 'string' ? ` (key_id "${sig.key_id}")` : '';

  const pem = trusted.find((candidate) => publicKeySha256(candidate) === fingerprint);
  if (pem === undefined) {
    // Git on Windows may check .pem files out with CRLF; CAVRA hashes the raw bytes, so they differ.
    const crlf = trusted.some((candidate) => publicKeySha256(candidate.replace(/\r\n/g, '\n')) === fingerprint);
    return fail(
      'untrusted-key',
      crlf
        ? `policy signing public key fingerprint mismatch: the trusted key${keyName} matches only with LF line endings; CAVRA hashes the PEM file bytes, so check the key out with LF (.gitattributes: *.pem -text)`
        : `policy signing public key fingerprint mismatch: the signing key ${fingerprint}${keyName} is not among the ${trusted.length} trusted key(s)`,
    );
  }
  let publicKey: Uint8Array;
  try {
    publicKey = parsePublicKeyPem(pem);
  } catch (error) {
    return fail('invalid-public-key', `policy signing public key must be Ed25519: ${(error as Error).message}`);
  }
  const raw = decodeBase64Strict(signature);
  if (!raw || raw.length !== 64) {
    return fail(
      'malformed-signature',
      `Ed25519 signature mismatch: "signature" is not the base64 of a 64-byte Ed25519 signature`,
    );
  }
  // zip215: false is noble's RFC 8032 branch, the stricter rules OpenSSL (CAVRA's backend) applies.
  if (!ed.verify(raw, bytes, publicKey, { zip215: false })) {
    return fail('signature-mismatch', `Ed25519 signature mismatch: the signature does not verify with the trusted key${keyName}`);
  }
  const keyFingerprint = fingerprintOfRawKey(publicKey);
  const valid = { algorithm: 'Ed25519', signatureChecked: true, keyFingerprint };
  if (!pins) return { ok: true, ...valid, message: 'verified Ed25519 signature' };
  const { trust, by } = signerTrust(keyFingerprint, pins);
  const source = by ? { trustSource: by.source } : {};
  if (trust === 'revoked') {
    const note = by?.note ? `, "${by.note}"` : '';
    return {
      ok: false,
      ...valid,
      ...source,
      signerTrust: trust,
      problem: 'revoked-key',
      message: `revoked: the signing key ${keyFingerprint}${keyName} is revoked (${by!.source}${note}); every signature it made is void`,
    };
  }
  if (trust === 'not-pinned') {
    return {
      ok: false,
      ...valid,
      signerTrust: trust,
      problem: 'signer-not-pinned',
      message: `valid signature, signer not pinned: the key ${keyFingerprint}${keyName} is not pinned outside the repository`,
    };
  }
  return { ok: true, ...valid, ...source, signerTrust: trust, message: 'verified Ed25519 signature' };
}

function verifyHmac(
  bytes: Uint8Array,
  algorithm: 'HS256' | 'SHA256',
  signature: string,
  hmacKey: string | undefined,
  digestHex: string,
): VerifyResult {
  const fail = (problem: VerifyProblem, message: string): VerifyResult => ({
    ok: false,
    algorithm,
    message,
    problem,
    signatureChecked: false,
  });
  const verified: VerifyResult = { ok: true, algorithm, message: `verified ${algorithm} signature`, signatureChecked: true };
  if (hmacKey) {
    // Like CAVRA, a given key is compared whatever the algorithm, so a digest-only SHA256 file fails.
    if (signature === hmacSignature(hmacKey, bytes)) return verified;
    return fail(
      'hmac-mismatch',
      algorithm === 'SHA256'
        ? 'HMAC signature mismatch: this is a digest-only SHA256 signature, which CAVRA rejects whenever an HMAC key is set'
        : 'HMAC signature mismatch: the policy was signed with a different HMAC key',
    );
  }
  if (algorithm === 'HS256') return { ...verified, signatureChecked: false };
  // CAVRA accepts a SHA256 file on its digest alone; we are stricter and also recompute the
  // digest-keyed HMAC, so a hand-edited "signature" cannot pass.
  if (signature !== hmacSignature(digestHex, bytes)) {
    return fail(
      'signature-mismatch',
      'SHA256 signature mismatch: "signature" is not HMAC-SHA256 of the file keyed with its digest',
    );
  }
  return verified;
}

// Python's b64decode(validate=True): standard alphabet, correct padding, nothing else.
function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

// V8 reports "… at position N"; a line and column are what an editor user can act on.
function describeJsonError(text: string, error: unknown): string {
  const message = (error as Error).message;
  const match = /^(.*) in JSON at position (\d+)/.exec(message);
  if (!match) return /end of JSON/.test(message) ? `${message} (the file ends too early)` : message;
  const before = text.slice(0, Number(match[2])).split('\n');
  return `${match[1]} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * What a failed verification means and how to fix it, after the message. Never "sign it again": a new
 * signature over changed bytes would bless a change nobody approved, so the fix is to revert, or to
 * publish the pack again through an approval. `republish` names that path in the caller's words (CLI
 * commands, or the editor's).
 */
export function verifyFailureAdvice(problem: VerifyProblem | undefined, republish: string): string {
  switch (problem) {
    case 'digest-mismatch':
      return `The policy's bytes changed after it was signed. Do not sign it again: that would bless a change nobody approved. Revert the edit, or publish the change again through an approval (${republish}).`;
    case 'signature-mismatch':
    case 'hmac-mismatch':
    case 'malformed-signature':
      return `The policy is as it was signed, but the signature does not match it: the signature file was altered, or made with another key. Do not sign it again: restore the published signature, or publish the pack again through an approval (${republish}).`;
    case 'signer-not-pinned':
      return `The signature is valid, but anyone who can commit can add a public key to the repository, so its key counts only when its fingerprint is pinned outside it. If you trust this signer, pin the fingerprint: cavra-policy keys pin <fingerprint>, the user setting cavra.signing.trustedKeyFingerprints, --trusted-key-fingerprint or $CAVRA_TRUSTED_KEY_FINGERPRINTS. Otherwise publish the pack again through an approval (${republish}).`;
    case 'revoked-key':
      return `The key that signed this pack is revoked, so its signature no longer proves anything. Publish the pack again through an approval with a current key (${republish}).`;
    case 'public-key-required':
    case 'untrusted-key':
    case 'invalid-public-key':
      return `The signing key is not trusted here. If you trust the signer, add its <key-id>.public.pem to the signing key directory; otherwise publish the pack again through an approval (${republish}).`;
    default:
      return `The signature file is damaged or not in CAVRA's format. Do not sign it again: restore the published signature, or publish the pack again through an approval (${republish}).`;
  }
}

/** Algorithm strength for replacing a pack's signature: a weaker one must never replace a stronger one silently. */
const STRENGTH: Record<string, number> = { SHA256: 0, HS256: 1, Ed25519: 2 };

/**
 * When a new signature of `next` algorithm would replace the existing sig.json text of the same pack
 * with a weaker one (Ed25519 by HS256 or the digest-only SHA256), what is lost; else undefined.
 */
export function signatureDowngrade(existingSigText: string | undefined, next: SignatureAlgorithm): string | undefined {
  if (existingSigText === undefined) return undefined;
  let existing: unknown;
  try {
    existing = (JSON.parse(existingSigText) as { algorithm?: unknown }).algorithm;
  } catch {
    return undefined;
  }
  if (typeof existing !== 'string' || !(existing in STRENGTH) || STRENGTH[existing] <= STRENGTH[next]) return undefined;
  return `the published pack is signed with ${existing}, and this publish would replace that with ${next === 'SHA256' ? 'a digest-only SHA256 signature, which anyone can recompute' : 'an HS256 signature, which proves nothing about who signed'}`;
}

/** The algorithm a signing choice produces, as signPolicyBytes decides it. */
export function signingAlgorithm(opts: { privateKeyPem?: string; hmacKey?: string }): SignatureAlgorithm {
  return opts.privateKeyPem !== undefined ? 'Ed25519' : opts.hmacKey ? 'HS256' : 'SHA256';
}

/** base64(HMAC-SHA256(utf-8 key, bytes)); the SHA256 form keys it with the bare digest hex. */
export function hmacSignature(key: string, bytes: Uint8Array): string {
  return toBase64(hmac(sha256, utf8ToBytes(key), bytes));
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
