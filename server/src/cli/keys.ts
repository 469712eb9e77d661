// keygen, sign, verify: CAVRA's policy signing (SPEC 5) on files, no backend needed. Private keys and
// HMAC keys are read, used and never printed; messages name files, not key material.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { resolvePolicyRoot } from '../policy/policyRoot';
import {
  EXTERNAL_SIGNER_ENV,
  EXTERNAL_SIGNER_PUBLIC_KEY_ENV,
  PINNED_FILE,
  SigningKeyError,
  gitWorkTreeOf,
  keyFingerprint,
  keyHome,
  runExternalSigner,
  policyFileDigest,
  publicKeySha256,
  serializeSignature,
  signPolicyBytes,
  signatureKeyId,
  trustedPublicKeys,
  verifyFailureAdvice,
  verifyPolicySignature,
  writeKeyPair,
  type VerifyResult,
} from '../signing';
import { writeFileAtomic } from '../backend/store';
import { InputError, UsageError, type FlagSpec } from './args';
import type { CommandContext, CommandDef } from './command';
import { readBytes, readText } from './input';
import { REVOKED_KEY_FLAG, TRUSTED_KEY_FLAG, appendPin, keyTrustCommands, pinsFromFlags } from './keyTrust';
import { fields, print } from './output';
import { fileProvenance, recordSignOutsidePublish } from './provenance';
import type { Provenance } from '../policy/publishProvenance';

/** CAVRA reads the HMAC key from --key or $CAVRA_POLICY_SIGNING_KEY. */
export const SIGNING_KEY_ENV = 'CAVRA_POLICY_SIGNING_KEY';

export const PRIVATE_KEY_FLAG: FlagSpec = {
  name: '--private-key',
  kind: 'string',
  value: 'PEM',
  help: 'Ed25519 private key file (PKCS#8 PEM, as keygen writes it)',
};
export const KEY_ID_FLAG: FlagSpec = {
  name: '--key-id',
  kind: 'string',
  value: 'ID',
  help: 'key_id written in the signature (default: the signer)',
};
export const HMAC_KEY_FLAG: FlagSpec = {
  name: '--key',
  kind: 'string',
  value: 'HMAC',
  help: `HMAC key for HS256 signing (default: $${SIGNING_KEY_ENV}); never printed`,
};

export const EXTERNAL_SIGNER_FLAG: FlagSpec = {
  name: '--external-signer',
  kind: 'string',
  value: 'CMD',
  help: `Sign with a command that reads the bytes on stdin and prints the base64 Ed25519 signature (default: $${EXTERNAL_SIGNER_ENV})`,
};
export const SIGNER_PUBLIC_KEY_FLAG: FlagSpec = {
  name: '--public-key',
  kind: 'string',
  value: 'PEM',
  help: `The external signer's public key (default: $${EXTERNAL_SIGNER_PUBLIC_KEY_ENV})`,
};

const SIGN_FLAGS: FlagSpec[] = [
  PRIVATE_KEY_FLAG,
  KEY_ID_FLAG,
  { name: '--signer', kind: 'string', value: 'NAME', help: 'signer written in the signature (default: local)' },
  HMAC_KEY_FLAG,
  EXTERNAL_SIGNER_FLAG,
  SIGNER_PUBLIC_KEY_FLAG,
];

export interface SigningChoice {
  privateKeyPem?: string;
  hmacKey?: string;
  keyId?: string;
  /** An external signer: the studio never reads its private key. */
  external?: { command: string; publicKeyPem: string; publicKeyFile: string };
}

/**
 * Reads --private-key / --key / --key-id as CAVRA does: Ed25519 when a private key is given, else
 * HMAC; and --external-signer (or its environment variable, when no key is given on the line).
 */
export function signingFromFlags(ctx: CommandContext): SigningChoice {
  const keyFile = ctx.opts.str('--private-key');
  const keyId = ctx.opts.str('--key-id');
  const externalFlag = ctx.opts.str('--external-signer');
  if (externalFlag !== undefined && (keyFile !== undefined || ctx.opts.has('--key'))) {
    throw new UsageError(
      '--external-signer and a key both given: the external signer holds the key; leave out --private-key and --key',
    );
  }
  const command =
    externalFlag ?? (keyFile === undefined && !ctx.opts.has('--key') ? ctx.env[EXTERNAL_SIGNER_ENV] || undefined : undefined);
  if (command !== undefined) {
    const publicKeyFile = ctx.opts.str('--public-key') ?? (ctx.env[EXTERNAL_SIGNER_PUBLIC_KEY_ENV] || undefined);
    if (!command.trim()) throw new UsageError('--external-signer needs a command');
    if (publicKeyFile === undefined) {
      throw new UsageError(
        `an external signer needs its public key: add --public-key PEM (or $${EXTERNAL_SIGNER_PUBLIC_KEY_ENV}), so the signature names its key and is checked before it is written`,
      );
    }
    return { external: { command, publicKeyPem: readText(publicKeyFile, ctx.cwd), publicKeyFile }, keyId };
  }
  if (ctx.opts.has('--public-key')) throw new UsageError("--public-key is the external signer's key: add --external-signer CMD");
  if (keyId !== undefined && keyFile === undefined) {
    throw new UsageError('--key-id names an Ed25519 key: add --private-key PEM');
  }
  if (keyFile !== undefined && ctx.opts.has('--key')) {
    throw new UsageError('--private-key and --key both given: choose Ed25519 (--private-key) or HMAC (--key)');
  }
  if (keyFile === undefined) return { hmacKey: ctx.opts.str('--key') ?? (ctx.env[SIGNING_KEY_ENV] || undefined) };
  return { privateKeyPem: readText(keyFile, ctx.cwd), keyId };
}

/** A SigningKeyError from a file the user named is unreadable input (exit 2). */
function keyProblem<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof SigningKeyError) throw new InputError(`${file}: ${e.message.replace(/^policy signing private key: /, '')}`);
    throw e;
  }
}

function checkKeyId(keyId: string): void {
  if (/[\\/]/.test(keyId) || keyId.includes('..') || keyId.includes('\0') || !keyId.trim()) {
    throw new UsageError(
      `--key-id must be a plain name (no "/", "\\" or ".."), as it becomes the file name <key-id>.private.pem`,
    );
  }
}

export const ALLOW_IN_REPOSITORY_FLAG = '--allow-private-key-in-repository';

function keygen(ctx: CommandContext): number {
  const publicDir = resolve(ctx.cwd, ctx.opts.str('--output')!);
  const keyId = ctx.opts.str('--key-id')!;
  checkKeyId(keyId);
  const home = keyHome(ctx.env);
  const privateDir = resolve(ctx.cwd, ctx.opts.str('--private-key-dir') ?? home);
  const repository = gitWorkTreeOf(privateDir);
  if (repository && !ctx.opts.bool(ALLOW_IN_REPOSITORY_FLAG)) {
    throw new Error(
      `refusing to write the private key into ${privateDir}: it is inside the git work tree ${repository}, where a commit publishes it and anyone who can read the repository can sign. ` +
        `Leave out --private-key-dir (it then goes to your key home, ${home}, or $CAVRA_KEY_HOME), sign with --external-signer, or pass ${ALLOW_IN_REPOSITORY_FLAG} if this work tree is never shared`,
    );
  }
  const written = writeKeyPair(privateDir, keyId, undefined, publicDir);
  const fingerprint = keyFingerprint(readFileSync(written.publicKeyPath, 'utf8'), written.publicKeyPath);
  // Whoever makes a key trusts it; everyone else pins it on purpose (keys pin, a setting, a CI secret).
  appendPin(home, PINNED_FILE, fingerprint, `keygen ${keyId}`);
  const result = {
    key_id: written.keyId,
    algorithm: 'Ed25519',
    private_key_path: written.privateKeyPath,
    public_key_path: written.publicKeyPath,
    public_key_sha256: written.publicKeySha256,
    fingerprint,
    pinned_in: join(home, PINNED_FILE),
    private_key_in_repository: repository ?? null,
  };
  print(ctx, result, () => [
    `Wrote Ed25519 key pair "${keyId}"`,
    ...fields([
      ['private key', `${written.privateKeyPath}  (keep it secret; never commit it)`],
      ['public key', written.publicKeyPath],
      ['public_key_sha256', written.publicKeySha256],
      ['fingerprint', fingerprint],
      ['pinned in', `${result.pinned_in}  (others pin it: cavra-policy keys pin ${fingerprint})`],
    ]).map((l) => `  ${l}`),
    ...(repository ? [`  warning: the private key is inside the git work tree ${repository}: never commit it`] : []),
  ]);
  return 0;
}

async function sign(ctx: CommandContext): Promise<number> {
  const file = ctx.opts.positionals[0];
  const bytes = readBytes(file, ctx.cwd);
  const choice = signingFromFlags(ctx);
  const keyFile = ctx.opts.str('--private-key');
  const external = choice.external;
  const sig = keyProblem(keyFile ?? external?.publicKeyFile ?? file, () =>
    signPolicyBytes(bytes, {
      privateKeyPem: choice.privateKeyPem,
      hmacKey: choice.hmacKey,
      keyId: choice.keyId,
      signer: ctx.opts.str('--signer'),
      policyFile: basename(file),
      externalSigner: external && {
        publicKeyPem: external.publicKeyPem,
        sign: (b) => runExternalSigner(b, { command: external.command, cwd: ctx.cwd, env: ctx.env }),
      },
    }),
  );
  const sigPath = `${resolve(ctx.cwd, file)}.sig.json`;
  const sigText = serializeSignature(sig);
  // Recorded before the signature file appears: whoever sees the new sig.json (the editor's watcher, a
  // concurrent verify) finds the record that says it was signed outside a publish, never a gap between them.
  const log = await recordSignOutsidePublish(ctx, file, sig, sigText);
  writeFileAtomic(sigPath, sigText);
  const recorded = { policy_path: resolve(ctx.cwd, file), signature_path: sigPath, signature: sig, evidence_log: log };
  print(ctx, recorded, () => [
    `Signed ${file} → ${signatureFileFor(file)}`,
    ...fields([
      ['algorithm', sig.algorithm],
      ['digest', sig.digest],
      ['signer', sig.signer],
      ['key_id', sig.key_id === undefined ? undefined : keyIdSource(sig.key_id, choice.keyId, keyFile)],
      ['public_key_sha256', sig.public_key_sha256],
    ]).map((l) => `  ${l}`),
    ...strengthNote(sig.algorithm).map((l) => `  ${l}`),
    ...(log
      ? [
          `  recorded in ${relative(ctx.cwd, log) || log} as a signature outside any publish: verify reports these bytes as "signed outside an approval"`,
        ]
      : []),
  ]);
  return 0;
}

const signatureFileFor = (file: string) => `${file}.sig.json`;

/** What a signature without a private key is worth, said plainly. */
export function strengthNote(algorithm: string): string[] {
  if (algorithm === 'SHA256') {
    return [
      'note: no key given: this digest-only SHA256 signature only detects accidental changes; anyone can recompute it. Use --private-key for release signing.',
    ];
  }
  if (algorithm === 'HS256')
    return ['note: HS256 proves only that someone holding the HMAC key signed; use --private-key (Ed25519) for release signing.'];
  return [];
}

/** The key_id written, and where it came from (CAVRA's rule: --key-id, else the signer). */
export function keyIdSource(written: string, keyIdFlag: string | undefined, keyFile: string | undefined): string {
  if (signatureKeyId(keyIdFlag, written).from === 'key-id') return `${written} (from --key-id)`;
  const fileId = keyFile ? /([^\\/]+)\.private\.pem$/.exec(keyFile)?.[1] : undefined;
  const hint =
    fileId && fileId !== written ? `; the key file is ${fileId}.private.pem: pass --key-id ${fileId} to record its name` : '';
  return `${written} (the signer, as no --key-id was given${hint})`;
}

/** The editor's `cavra.signing.keyDirectory` default, under --root: the keys `verify` trusts. */
export const DEFAULT_KEY_DIRECTORY = '.cavra/policy-signing';

/** How a pack whose signature fails is published again, in CLI commands (never "sign it again"). */
const REPUBLISH = 'cavra-policy plan, request, approval approve, publish';

/**
 * The signature check of one policy file, with the keys `verify` trusts (--public-key, else the key
 * directory) and the HMAC key; `check` runs the same for every published pack.
 */
export function checkFileSignature(
  ctx: CommandContext,
  file: string,
  bytes: Uint8Array,
  explicit?: string,
): { result: VerifyResult & { signature_path: string }; matched?: string; mustRepublish?: string[] } {
  const policyPath = resolve(ctx.cwd, file);
  const sigPath = explicit ? resolve(ctx.cwd, explicit) : `${policyPath}.sig.json`;
  // --public-key names the keys to look in; else the key directory, as in the editor. Either way a key
  // counts only when its fingerprint is pinned outside the repository.
  const root = resolve(ctx.cwd, ctx.opts.str('--root') ?? '.');
  const keyDir = resolve(root, ctx.opts.str('--key-dir') ?? DEFAULT_KEY_DIRECTORY);
  const given = ctx.opts.list('--public-key');
  const trusted = given.length
    ? given.map((pem) => ({ file: resolve(ctx.cwd, pem), pem: readText(pem, ctx.cwd) }))
    : trustedPublicKeys(keyDir);
  const pins = pinsFromFlags(ctx);
  const hmacKey = ctx.opts.str('--key') ?? (ctx.env[SIGNING_KEY_ENV] || undefined);
  const shown = (p: string) => relative(ctx.cwd, p) || p;

  let result: VerifyResult & { signature_path: string };
  let matched: string | undefined;
  let mustRepublish: string[] | undefined;
  if (!explicit && !existsSync(sigPath) && existsSync(`${policyPath}.sig`)) {
    result = { ...verifyLegacy(bytes, readText(`${policyPath}.sig`, ctx.cwd)), signature_path: `${policyPath}.sig` };
  } else if (!explicit && !existsSync(sigPath)) {
    result = {
      ok: false,
      message:
        `no signature: ${sigPath} does not exist. A published pack gets its signature from cavra-policy publish, through an approval; ` +
        `for a file outside that flow, cavra-policy sign ${file} writes one`,
      signatureChecked: false,
      signature_path: sigPath,
    };
  } else {
    const sigText = readText(explicit ?? sigPath, ctx.cwd);
    const checked = verifyPolicySignature(bytes, sigText, {
      publicKeyPems: trusted.map((k) => k.pem),
      hmacKey,
      sigFile: basename(sigPath),
      pins,
    });
    const hint =
      checked.problem === 'public-key-required'
        ? given.length
          ? ''
          : ` (no *.public.pem in ${shown(keyDir)}: add the signer's public key there, or pass --public-key PEM or --key-dir DIR)`
        : checked.problem === 'untrusted-key' && !given.length
          ? ` (trusted: the *.public.pem in ${shown(keyDir)})`
          : '';
    result = { ...checked, message: checked.message + hint, signature_path: sigPath };
    if (checked.signatureChecked && checked.algorithm === 'Ed25519') {
      const fingerprint = (JSON.parse(sigText) as { public_key_sha256?: string }).public_key_sha256;
      matched = trusted.find((k) => publicKeySha256(k.pem) === fingerprint)?.file;
      if (checked.problem === 'revoked-key' && fingerprint) {
        const policyRoot = resolvePolicyRoot({ workspace: root, flag: ctx.opts.str('--policy-dir'), env: ctx.env });
        mustRepublish = packsSignedBy(policyRoot, fingerprint).map(shown);
      }
    }
  }
  return { result, matched, mustRepublish };
}

function verify(ctx: CommandContext): number {
  const file = ctx.opts.positionals[0];
  const policyPath = resolve(ctx.cwd, file);
  const bytes = readBytes(file, ctx.cwd);
  const { result, matched, mustRepublish } = checkFileSignature(ctx, file, bytes, ctx.opts.str('--signature'));
  const shown = (p: string) => relative(ctx.cwd, p) || p;
  const advice = !result.ok && result.problem ? verifyFailureAdvice(result.problem, REPUBLISH) : undefined;
  const signatureFound = result.ok || result.problem !== undefined;
  const chain = ctx.opts.bool('--signature-only') ? undefined : fileProvenance(ctx, file, bytes, signatureFound ? result : null);
  const json = {
    ok: result.ok && chain?.outcome !== 'fail',
    signature_ok: result.ok,
    policy_path: policyPath,
    signature_path: result.signature_path,
    algorithm: result.algorithm ?? null,
    signature_checked: result.signatureChecked,
    message: result.message,
    ...(result.problem ? { problem: result.problem } : {}),
    ...(advice ? { advice } : {}),
    ...(matched ? { trusted_key: matched } : {}),
    ...(chain ? { provenance: chain } : {}),
    ...(result.keyFingerprint ? { key_fingerprint: result.keyFingerprint } : {}),
    ...(result.signerTrust ? { signer_trust: result.signerTrust } : {}),
    ...(result.trustSource ? { trust_source: result.trustSource } : {}),
    ...(mustRepublish ? { must_republish: mustRepublish } : {}),
  };
  if (result.ok && chain?.outcome === 'fail') {
    if (ctx.opts.bool('--json')) print(ctx, json, () => '');
    ctx.err(`cavra-policy: verification failed for ${file}: ${chain.label}: ${chain.message}\n${chainAdvice(chain)}`);
    return 1;
  }
  if (result.ok) {
    const digestOnly =
      result.algorithm === 'HS256' && !result.signatureChecked
        ? ' (digest only: no HMAC key given, the signature itself was not checked)'
        : '';
    const key = matched ? ` (trusted key ${shown(matched)}, pinned by ${result.trustSource})` : '';
    print(ctx, json, () => [`OK ${file}: ${result.message}${key}${digestOnly}`, ...chainLines(chain)]);
    return 0;
  }
  if (ctx.opts.bool('--json')) print(ctx, json, () => '');
  const republish = mustRepublish?.length
    ? `\nPacks signed by this key, to publish again through an approval:\n${mustRepublish.map((p) => `  ${p}`).join('\n')}`
    : '';
  ctx.err(`cavra-policy: verification failed for ${file}: ${result.message}${advice ? `\n${advice}` : ''}${republish}`);
  return 1;
}

/** The chain's state under the signature line: what holds, and what must be looked at. */
function chainLines(chain: Provenance | undefined): string[] {
  if (!chain) return [];
  const lead = chain.outcome === 'flag' ? 'warning: ' : chain.outcome === 'notice' ? 'note: ' : '';
  return [`  chain: ${lead}${chain.label}: ${chain.message}`];
}

/** What to do when the chain fails: never sign again; publish through an approval. */
function chainAdvice(chain: Provenance): string {
  if (chain.state === 'approver-not-verified')
    return `The approval was decided without a verified identity. Have a verified approver decide a new approval, and publish again (${REPUBLISH}).`;
  return `The bytes in force were never approved as they are. Do not sign them again: revert to the published bytes, or publish the change through an approval (${REPUBLISH}).`;
}

/**
 * The published packs under the policy root whose sig.json names a key (by its public_key_sha256):
 * when that key is revoked, each of them must be published again through an approval.
 */
function packsSignedBy(policyRoot: string, publicKeySha: string): string[] {
  let packs: string[];
  try {
    packs = readdirSync(policyRoot).sort();
  } catch {
    return [];
  }
  return packs
    .map((pack) => join(policyRoot, pack, 'policy.yaml'))
    .filter((policy) => {
      try {
        const sig = JSON.parse(readFileSync(`${policy}.sig.json`, 'utf8')) as {
          algorithm?: unknown;
          public_key_sha256?: unknown;
        };
        return sig.algorithm === 'Ed25519' && sig.public_key_sha256 === publicKeySha;
      } catch {
        return false; // unsigned or unreadable: not signed by this key
      }
    });
}

/** CAVRA's legacy `policy.yaml.sig`: a text file holding `sha256:<hex>` of the policy bytes. */
function verifyLegacy(bytes: Uint8Array, text: string): VerifyResult {
  const digest = policyFileDigest(bytes);
  return text.trim() === digest
    ? { ok: true, algorithm: 'SHA256', message: 'verified legacy digest signature', signatureChecked: true }
    : { ok: false, algorithm: 'SHA256', message: 'policy digest mismatch', problem: 'digest-mismatch', signatureChecked: false };
}

const policyFile = (command: string) => ({
  names: ['<policy.yaml>'],
  min: 1,
  max: 1,
  missing: `${command} needs the policy file to ${command}`,
  extra: `${command} takes one policy file`,
});

export const keyCommands: CommandDef[] = [
  {
    name: 'keygen',
    synopsis: `--output DIR --key-id ID [--private-key-dir DIR] [${ALLOW_IN_REPOSITORY_FLAG}]`,
    summary: 'Create an Ed25519 signing key pair as CAVRA does: <key-id>.private.pem (PKCS#8) and <key-id>.public.pem.',
    details:
      'The public key goes to --output; the private key to your key home, outside every workspace: $CAVRA_KEY_HOME,\n' +
      'else $XDG_CONFIG_HOME/cavra-policy-studio/keys (%APPDATA% on Windows), else ~/.config/cavra-policy-studio/keys.\n' +
      'A private key is never written inside a git work tree unless you pass ' +
      `${ALLOW_IN_REPOSITORY_FLAG}.\n` +
      'The new key is pinned for you (keys pin); others pin its fingerprint before its signatures verify for them.\n' +
      'Existing key files are never overwritten. The private key file is readable by you only (mode 600).',
    positionals: { names: [], min: 0, max: 0, missing: '', extra: 'keygen takes no arguments: use --output DIR --key-id ID' },
    flags: [
      { name: '--output', kind: 'string', value: 'DIR', required: true, help: 'Folder for the public key (created if missing)' },
      {
        name: '--private-key-dir',
        kind: 'string',
        value: 'DIR',
        help: 'Folder for the private key (default: your key home, outside every workspace)',
      },
      {
        name: ALLOW_IN_REPOSITORY_FLAG,
        kind: 'bool',
        help: 'Write the private key even inside a git work tree (only for a tree that is never shared)',
      },
      {
        name: '--key-id',
        kind: 'string',
        value: 'ID',
        required: true,
        help: 'Key name; becomes the file names and the key_id in signatures',
      },
    ],
    common: [],
    run: keygen,
  },
  {
    name: 'sign',
    synopsis:
      '<policy.yaml> [--private-key PEM | --external-signer CMD --public-key PEM] [--key-id ID] [--signer NAME] [--key HMAC]',
    summary:
      "Write <policy.yaml>.sig.json in CAVRA's format: Ed25519 with --private-key or an external signer, HS256 with an HMAC key, else the digest-only SHA256 form.",
    details:
      'An external signer is a command that reads the bytes to sign on stdin and prints the base64 Ed25519\n' +
      'signature on stdout (an ssh-agent, HSM or KMS wrapper): the private key is never read here. The signature\n' +
      'is checked against --public-key before the sig.json is written.\n\n' +
      'A pack under the policy root (<policy-dir>/<pack-id>/policy.yaml) signed here is recorded in the evidence log\n' +
      'as signed outside any publish: verify then reports it as "signed outside an approval".',
    positionals: policyFile('sign'),
    flags: SIGN_FLAGS,
    common: ['--root', '--policy-dir'],
    run: sign,
  },
  {
    name: 'verify',
    synopsis:
      '<policy.yaml> [--signature FILE] [--key-dir DIR | --public-key PEM...] [--trusted-key-fingerprint FP...] [--key HMAC]',
    summary: 'Check a policy against its signature; exit 1 and say why when it does not verify.',
    details:
      `Ed25519 signatures are checked against the public keys: every *.public.pem in the key directory\n` +
      `(--key-dir, default <root>/${DEFAULT_KEY_DIRECTORY}, the editor's cavra.signing.keyDirectory default), or only\n` +
      'the --public-key files when given (repeatable: any of them may match).\n' +
      'A valid signature is "verified" only when its key is pinned outside the repository: --trusted-key-fingerprint,\n' +
      '$CAVRA_TRUSTED_KEY_FINGERPRINTS, or the pins in your key home (keys pin); else "valid signature, signer not\n' +
      'pinned" (exit 1). A revoked key (--revoked-key-fingerprint, $CAVRA_REVOKED_KEY_FINGERPRINTS, keys revoke) fails\n' +
      'every signature it made, and verify lists the packs under the policy root it signed.\n' +
      `HS256 signatures are checked when an HMAC key is given (--key or $${SIGNING_KEY_ENV}); without one only the digest is.\n` +
      'A signature that fails is never fixed by signing again: revert the change, or publish the pack again through an approval.\n' +
      '\n' +
      'Then the whole chain (unless --signature-only): the evidence log (<root>/.cavra/evidence.jsonl) must hold a\n' +
      'publish of exactly these bytes, under an approved or break_glass approval (--store) for this pack, bound to\n' +
      'the normalized digest of these bytes, decided by a verified approver when OIDC or RBAC is configured\n' +
      '(--oidc-config, --rbac-file or their variables). The states: verified; break-glass publish (passes, flagged);\n' +
      'published outside the studio (passes: no publish of this pack in the log, e.g. published by CAVRA itself);\n' +
      'signature not verified, signed outside an approval, no publish record, approval not found, approval not\n' +
      'approved, approval bound to another digest, approver not verified (all fail).\n' +
      'Exit 0 when the signature verifies and the chain passes, 1 when either fails, 2 on bad usage.',
    positionals: policyFile('verify'),
    flags: [
      {
        name: '--signature-only',
        kind: 'bool',
        help: "Check the signature alone (CAVRA's verify), not the publish record and approval behind it",
      },
      { name: '--signature', kind: 'string', value: 'FILE', help: 'Signature file (default: <policy.yaml>.sig.json)' },
      {
        name: '--key-dir',
        kind: 'string',
        value: 'DIR',
        help: `Signing key directory whose *.public.pem are trusted (default: <root>/${DEFAULT_KEY_DIRECTORY})`,
      },
      {
        name: '--public-key',
        kind: 'string',
        value: 'PEM',
        repeatable: true,
        help: 'Ed25519 public key file; when given, only these are looked at (each still needs a pin)',
      },
      TRUSTED_KEY_FLAG,
      REVOKED_KEY_FLAG,
      { name: '--key', kind: 'string', value: 'HMAC', help: `HMAC key for HS256 (default: $${SIGNING_KEY_ENV}); never printed` },
    ],
    common: ['--root', '--policy-dir', '--store', '--oidc-config', '--rbac-file'],
    run: verify,
  },
  ...keyTrustCommands,
];
