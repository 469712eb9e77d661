// The signature state of published policy files, kept until a file it was read from changes. Typing in
// an open policy.yaml asks for it on every keystroke (diagnostics, status bar): those texts are not the
// signed bytes, which a digest comparison tells without verifying anything; the signed bytes are
// verified once, and again only when the sig.json or the key folder changed (their stat, or
// `invalidate()` on a watched-file or settings change, for editors that watch files).
import { readFileSync, statSync } from 'node:fs';
import type { KeyPins } from '../../policy/keyPins';
import {
  trustedPublicKeys as trustedKeyFiles,
  digestMismatch,
  policyFileDigest,
  readSignatureClaim,
  verifyPolicySignature,
  type SignatureClaim,
  type VerifyResult,
} from '../../signing';

export interface SignatureCheck {
  sigPath: string;
  result: VerifyResult;
  signedAt: string | null;
  signer: string | null;
}

interface SignatureFile {
  /** The file's stat when read: a publish (temp file + rename) or an edit changes it. */
  stamp: string;
  text: string;
  claim: SignatureClaim;
  signedAt: string | null;
  signer: string | null;
}

/** The public keys (PEM text) the key directory trusts; the rule lives in signing (shared with `cavra-policy verify`). */
export function trustedPublicKeys(keyDirectory: string): string[] {
  return trustedKeyFiles(keyDirectory).map((k) => k.pem);
}

export class SignatureStates {
  /** How many times a signature was verified (the work this cache exists to save). */
  verifications = 0;
  private files = new Map<string, SignatureFile | null>();
  private keys = new Map<string, { stamp: string; pems: string[] }>();
  private results = new Map<string, VerifyResult>();

  constructor(private readonly verify: typeof verifyPolicySignature = verifyPolicySignature) {}

  /** Forget everything read from disk: a signature, a policy file or a key may have changed. */
  invalidate(): void {
    this.files.clear();
    this.keys.clear();
    this.results.clear();
  }

  /**
   * The sig.json beside a policy file, or null when there is none. `pins` decide which keys count
   * (policy/keyPins); without them any key in the directory does, as before pins existed.
   */
  check(
    sigPath: string,
    bytes: Uint8Array,
    keyDirectory: string,
    hmacKey: string | undefined,
    pins?: KeyPins,
  ): SignatureCheck | null {
    const file = this.signatureFile(sigPath);
    if (!file) return null;
    const found = (result: VerifyResult): SignatureCheck => ({ sigPath, result, signedAt: file.signedAt, signer: file.signer });
    if (!file.claim.ok) return found(file.claim.failure);
    const digest = policyFileDigest(bytes);
    if (digest !== file.claim.digest) return found(digestMismatch(sigPath, file.claim.digest, digest, file.claim.algorithm));
    const keys = this.trustedKeys(keyDirectory);
    const pinned = pins && [pins.pinned.map((p) => p.fingerprint), pins.revoked.map((p) => p.fingerprint)];
    const key = JSON.stringify([sigPath, file.stamp, digest, keyDirectory, keys.stamp, hmacKey ?? null, pinned ?? null]);
    let result = this.results.get(key);
    if (!result) {
      this.verifications++;
      result = this.verify(bytes, file.text, { publicKeyPems: keys.pems, hmacKey, sigFile: sigPath, pins });
      // Old stamps never match again; a bound keeps a long session's map small.
      if (this.results.size >= 256) this.results.clear();
      this.results.set(key, result);
    }
    return found(result);
  }

  /** Whether there is a sig.json at `sigPath` (one stat; its text is read once per stamp, as for check). */
  hasSignature(sigPath: string): boolean {
    return this.signatureFile(sigPath) !== null;
  }

  private signatureFile(sigPath: string): SignatureFile | null {
    const stamp = stampOf(sigPath);
    const cached = this.files.get(sigPath);
    if (cached !== undefined && (cached?.stamp ?? null) === stamp) return cached;
    let file: SignatureFile | null = null;
    if (stamp !== null) {
      const text = readFileSync(sigPath, 'utf8');
      let meta: { signed_at?: string; signer?: string } = {};
      try {
        meta = JSON.parse(text) as typeof meta;
      } catch {
        // readSignatureClaim reports the malformed JSON
      }
      file = {
        stamp,
        text,
        claim: readSignatureClaim(text, sigPath),
        signedAt: meta?.signed_at ?? null,
        signer: meta?.signer ?? null,
      };
    }
    this.files.set(sigPath, file);
    return file;
  }

  private trustedKeys(keyDirectory: string): { stamp: string; pems: string[] } {
    // A key added or removed changes the folder's mtime; a key rewritten in place is a watched-file change.
    const stamp = stampOf(keyDirectory) ?? 'none';
    let keys = this.keys.get(keyDirectory);
    if (keys?.stamp !== stamp) this.keys.set(keyDirectory, (keys = { stamp, pems: trustedPublicKeys(keyDirectory) }));
    return keys;
  }
}

function stampOf(path: string): string | null {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : null;
  } catch {
    return null;
  }
}
