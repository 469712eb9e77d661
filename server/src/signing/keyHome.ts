// The per-user place for private keys and for the pins and revocations beside them: outside every
// workspace, so neither `git add -A` nor a cloned repository can reach them. Platform conventions:
// $CAVRA_KEY_HOME, else $XDG_CONFIG_HOME/cavra-policy-studio/keys, else %APPDATA% on Windows, else
// ~/.config/cavra-policy-studio/keys.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  KeyPinError,
  mergePins,
  parseFingerprint,
  parseFingerprintList,
  parsePinFile,
  type KeyPins,
  type PinEntry,
} from '../policy/keyPins';

export const KEY_HOME_ENV = 'CAVRA_KEY_HOME';
export const TRUSTED_FINGERPRINTS_ENV = 'CAVRA_TRUSTED_KEY_FINGERPRINTS';
export const REVOKED_FINGERPRINTS_ENV = 'CAVRA_REVOKED_KEY_FINGERPRINTS';
/** File names in the key home: one fingerprint a line, `#` notes. */
export const PINNED_FILE = 'trusted-key-fingerprints.txt';
export const REVOKED_FILE = 'revoked-key-fingerprints.txt';

export function keyHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env[KEY_HOME_ENV]) return env[KEY_HOME_ENV];
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'cavra-policy-studio', 'keys');
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'cavra-policy-studio', 'keys');
  return join(home, '.config', 'cavra-policy-studio', 'keys');
}

/** Pins given by the caller: CLI flags or the editor's user settings, each labelled with its source. */
export interface GivenPins {
  pinned: { values: string[]; source: string };
  revoked: { values: string[]; source: string };
}

/**
 * Every pin and revocation that applies: the given ones (flags or settings), the environment (a CI
 * secret) and the files in the key home. A malformed entry anywhere is a KeyPinError naming it.
 */
export function readKeyPins(given: GivenPins | undefined, env: NodeJS.ProcessEnv = process.env, home = keyHome(env)): KeyPins {
  const fromGiven = (g: { values: string[]; source: string } | undefined): PinEntry[] =>
    (g?.values ?? []).map((v) => ({ fingerprint: parseFingerprint(v, g!.source), source: g!.source }));
  return mergePins(
    { pinned: fromGiven(given?.pinned), revoked: fromGiven(given?.revoked) },
    {
      pinned: parseFingerprintList(env[TRUSTED_FINGERPRINTS_ENV] ?? '', `$${TRUSTED_FINGERPRINTS_ENV}`),
      revoked: parseFingerprintList(env[REVOKED_FINGERPRINTS_ENV] ?? '', `$${REVOKED_FINGERPRINTS_ENV}`),
    },
    { pinned: readPinFile(join(home, PINNED_FILE)), revoked: readPinFile(join(home, REVOKED_FILE)) },
  );
}

function readPinFile(file: string): PinEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KeyPinError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parsePinFile(text, file);
}
