// Which keys this user trusts: `keys fingerprint`, `keys pin`, `keys revoke`, `keys list`, and the
// --trusted-key-fingerprint / --revoked-key-fingerprint flags `verify` reads. The pins and revocations
// live outside every repository (the key home, flags, $CAVRA_TRUSTED_KEY_FINGERPRINTS), because anyone
// who can commit can put a public key into the workspace.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyPinError, normalizeFingerprint, type KeyPins, type PinEntry } from '../policy/keyPins';
import {
  PINNED_FILE,
  REVOKED_FILE,
  REVOKED_FINGERPRINTS_ENV,
  SigningKeyError,
  TRUSTED_FINGERPRINTS_ENV,
  fingerprintOfPem,
  keyHome,
  readKeyPins,
} from '../signing';
import { writeFileAtomic } from '../backend/store';
import { InputError, UsageError, type FlagSpec } from './args';
import type { CommandContext, CommandDef } from './command';
import { readText } from './input';
import { fields, print, table } from './output';

export const TRUSTED_KEY_FLAG: FlagSpec = {
  name: '--trusted-key-fingerprint',
  kind: 'string',
  value: 'FP',
  repeatable: true,
  help: `Pin a signing key (sha256:<hex>, from keys fingerprint); with $${TRUSTED_FINGERPRINTS_ENV} and the key home's pins`,
};
export const REVOKED_KEY_FLAG: FlagSpec = {
  name: '--revoked-key-fingerprint',
  kind: 'string',
  value: 'FP',
  repeatable: true,
  help: `Revoke a signing key: its signatures fail; with $${REVOKED_FINGERPRINTS_ENV} and the key home's list`,
};

/** Every pin and revocation for this command line; a malformed one is named with where it came from. */
export function pinsFromFlags(ctx: CommandContext): KeyPins {
  try {
    return readKeyPins(
      {
        pinned: { values: ctx.opts.list(TRUSTED_KEY_FLAG.name), source: TRUSTED_KEY_FLAG.name },
        revoked: { values: ctx.opts.list(REVOKED_KEY_FLAG.name), source: REVOKED_KEY_FLAG.name },
      },
      ctx.env,
    );
  } catch (e) {
    if (e instanceof KeyPinError) throw e.message.startsWith('--') ? new UsageError(e.message) : new InputError(e.message);
    throw e;
  }
}

/** A fingerprint given as itself, or the key file (either half) it belongs to. */
function fingerprintArgument(ctx: CommandContext, arg: string): string {
  const direct = normalizeFingerprint(arg);
  if (direct) return direct;
  if (/^(sha256:)?[0-9a-f]{16,}$/i.test(arg)) {
    throw new UsageError(`"${arg}" is not a full key fingerprint: expected sha256: and 64 hex digits`);
  }
  return keyFileFingerprint(ctx, arg);
}

function keyFileFingerprint(ctx: CommandContext, file: string): string {
  const pem = readText(file, ctx.cwd);
  try {
    return fingerprintOfPem(pem, file);
  } catch (e) {
    if (e instanceof SigningKeyError) throw new InputError(e.message);
    throw e;
  }
}

/**
 * Adds a fingerprint to a list file in the key home (atomically: the old list or the new one, never
 * half of it). Returns false when it was already there.
 */
export function appendPin(home: string, fileName: string, fingerprint: string, note: string | undefined): boolean {
  const file = join(home, fileName);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  if (text.split('\n').some((line) => normalizeFingerprint(line.split('#')[0]) === fingerprint)) return false;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const line = `${fingerprint}${note ? `  # ${note.replace(/[\r\n]+/g, ' ')}` : ''}\n`;
  writeFileAtomic(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${line}`);
  return true;
}

function fingerprint(ctx: CommandContext): number {
  const file = ctx.opts.positionals[0];
  const fp = keyFileFingerprint(ctx, file);
  print(ctx, { key_file: file, fingerprint: fp }, () => fp);
  return 0;
}

function addTo(list: 'pin' | 'revoke') {
  return (ctx: CommandContext): number => {
    const fp = fingerprintArgument(ctx, ctx.opts.positionals[0]);
    const home = keyHome(ctx.env);
    const fileName = list === 'pin' ? PINNED_FILE : REVOKED_FILE;
    const added = appendPin(home, fileName, fp, ctx.opts.str('--note'));
    const file = join(home, fileName);
    print(ctx, { fingerprint: fp, file, added }, () =>
      added
        ? list === 'pin'
          ? `Pinned ${fp} in ${file}: signatures by this key verify for you. CI: pass --trusted-key-fingerprint ${fp} or $${TRUSTED_FINGERPRINTS_ENV}.`
          : `Revoked ${fp} in ${file}: every signature by this key now fails. Revoke it in CI too ($${REVOKED_FINGERPRINTS_ENV}), and publish the packs it signed again through an approval.`
        : `${fp} is already in ${file}`,
    );
    return 0;
  };
}

function listPins(ctx: CommandContext): number {
  const pins = pinsFromFlags(ctx);
  const rows = (entries: PinEntry[], state: string) => entries.map((e) => [state, e.fingerprint, e.source, e.note ?? '']);
  const home = keyHome(ctx.env);
  print(ctx, { key_home: home, pinned: pins.pinned, revoked: pins.revoked }, () => [
    ...fields([['key home', home]]),
    '',
    ...(pins.pinned.length + pins.revoked.length
      ? table(['state', 'fingerprint', 'source', 'note'], [...rows(pins.revoked, 'revoked'), ...rows(pins.pinned, 'pinned')])
      : ['No key is pinned: no Ed25519 signature verifies until one is (cavra-policy keys pin <key.pem>).']),
  ]);
  return 0;
}

const NOTE_FLAG: FlagSpec = {
  name: '--note',
  kind: 'string',
  value: 'TEXT',
  help: 'Kept beside the fingerprint, e.g. "retired 2026-11: rotated to release-2"',
};
const oneKey = (command: string) => ({
  names: ['<fingerprint|key.pem>'],
  min: 1,
  max: 1,
  missing: `keys ${command} needs a key fingerprint (sha256:<hex>) or the key file`,
  extra: `keys ${command} takes one key`,
});

export const keyTrustCommands: CommandDef[] = [
  {
    name: 'keys fingerprint',
    synopsis: '<key.pem>',
    summary: "Print a key's fingerprint, the value to pin: sha256 of the raw Ed25519 public key.",
    details:
      'Either half of a key pair gives the same fingerprint. OpenSSL computes it too:\n' +
      '  openssl pkey -pubin -in KEY.public.pem -outform DER | tail -c 32 | sha256sum',
    positionals: {
      names: ['<key.pem>'],
      min: 1,
      max: 1,
      missing: 'keys fingerprint needs a key file',
      extra: 'keys fingerprint takes one key file',
    },
    flags: [],
    common: [],
    run: fingerprint,
  },
  {
    name: 'keys pin',
    synopsis: '<fingerprint|key.pem> [--note TEXT]',
    summary: `Trust a signing key for you: add its fingerprint to ${PINNED_FILE} in your key home, outside every repository.`,
    details:
      `The key home is $CAVRA_KEY_HOME, else $XDG_CONFIG_HOME/cavra-policy-studio/keys (%APPDATA% on Windows),\n` +
      'else ~/.config/cavra-policy-studio/keys. A retired key stays pinned so the packs it signed keep verifying.',
    positionals: oneKey('pin'),
    flags: [NOTE_FLAG],
    common: [],
    run: addTo('pin'),
  },
  {
    name: 'keys revoke',
    synopsis: '<fingerprint|key.pem> [--note TEXT]',
    summary: `Distrust a signing key for good: add its fingerprint to ${REVOKED_FILE} in your key home.`,
    details:
      'Every signature the key made then fails with "revoked", even where it is pinned; verify names the packs to publish again.',
    positionals: oneKey('revoke'),
    flags: [NOTE_FLAG],
    common: [],
    run: addTo('revoke'),
  },
  {
    name: 'keys list',
    synopsis: '[--trusted-key-fingerprint FP...] [--revoked-key-fingerprint FP...]',
    summary: 'Show every pinned and revoked key that applies here, and where each comes from.',
    positionals: { names: [], min: 0, max: 0, missing: '', extra: 'keys list takes no arguments' },
    flags: [TRUSTED_KEY_FLAG, REVOKED_KEY_FLAG],
    common: [],
    run: listPins,
  },
];
