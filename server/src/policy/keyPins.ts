// Which signing keys count: a key is trusted only when its fingerprint is pinned outside the repository
// (anyone who can commit can add a public key to the workspace), and never when it is revoked. The one
// place this rule lives; the CLI, the editor and the signature check read their pins into `KeyPins`.

/** `sha256:` + 64 lowercase hex digits: SHA-256 of the raw 32-byte Ed25519 public key (signing/fingerprint). */
export type KeyFingerprint = string;

/** Where a pin came from, so a verdict can say which list decided it. */
export interface PinEntry {
  fingerprint: KeyFingerprint;
  source: string;
  /** What the pin's author wrote after `#` (e.g. "retired 2026-11, rotated to release-2"). */
  note?: string;
}

export interface KeyPins {
  pinned: PinEntry[];
  revoked: PinEntry[];
}

export const NO_PINS: KeyPins = { pinned: [], revoked: [] };

/** `pinned`: trusted; `not-pinned`: a valid signature by a key nobody pinned; `revoked`: never trusted again. */
export type SignerTrust = 'pinned' | 'not-pinned' | 'revoked';

export class KeyPinError extends Error {
  override name = 'KeyPinError';
}

/** Accepts `sha256:<hex>` or bare hex, any case; undefined when it is not a fingerprint. */
export function normalizeFingerprint(text: string): KeyFingerprint | undefined {
  const match = /^(?:sha256:)?([0-9a-f]{64})$/i.exec(text.trim());
  return match ? `sha256:${match[1].toLowerCase()}` : undefined;
}

/** One fingerprint a user typed (a flag, a setting entry); the error names where and what is expected. */
export function parseFingerprint(text: string, source: string): KeyFingerprint {
  const fp = normalizeFingerprint(text);
  if (!fp) {
    throw new KeyPinError(
      `${source}: "${text.trim().slice(0, 80)}" is not a key fingerprint: expected sha256: and 64 hex digits, as \`cavra-policy keys fingerprint <key.pem>\` prints`,
    );
  }
  return fp;
}

/** A list given as one string (an environment variable, a CI secret): separated by commas or white space. */
export function parseFingerprintList(text: string, source: string): PinEntry[] {
  return text
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map((t) => ({ fingerprint: parseFingerprint(t, source), source }));
}

/**
 * A pins file: one fingerprint a line, `#` starts a note (kept with the pin), blank lines ignored.
 * A bad line is an error naming the file and line: a silently skipped pin would be a silent distrust.
 */
export function parsePinFile(text: string, file: string): PinEntry[] {
  const entries: PinEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const hash = line.indexOf('#');
    const value = (hash < 0 ? line : line.slice(0, hash)).trim();
    const note = hash < 0 ? undefined : line.slice(hash + 1).trim() || undefined;
    if (!value) return;
    entries.push({ fingerprint: parseFingerprint(value, `${file}:${i + 1}`), source: file, ...(note ? { note } : {}) });
  });
  return entries;
}

export function mergePins(...lists: KeyPins[]): KeyPins {
  return { pinned: lists.flatMap((l) => l.pinned), revoked: lists.flatMap((l) => l.revoked) };
}

/** Revocation wins over any pin: a stolen key stays distrusted even where an old pin lingers. */
export function signerTrust(fingerprint: KeyFingerprint, pins: KeyPins): { trust: SignerTrust; by?: PinEntry } {
  const revoked = pins.revoked.find((p) => p.fingerprint === fingerprint);
  if (revoked) return { trust: 'revoked', by: revoked };
  const pinned = pins.pinned.find((p) => p.fingerprint === fingerprint);
  return pinned ? { trust: 'pinned', by: pinned } : { trust: 'not-pinned' };
}
