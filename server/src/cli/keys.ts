// keygen, sign, verify: CAVRA's policy signing (SPEC 5) on files, no backend needed. Private keys and
// HMAC keys are read, used and never printed; messages name files, not key material.
import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import {
  SigningKeyError,
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

const SIGN_FLAGS: FlagSpec[] = [
  PRIVATE_KEY_FLAG,
  KEY_ID_FLAG,
  { name: '--signer', kind: 'string', value: 'NAME', help: 'signer written in the signature (default: local)' },
  HMAC_KEY_FLAG,
];

export interface SigningChoice {
  privateKeyPem?: string;
  hmacKey?: string;
  keyId?: string;
}

/** Reads --private-key / --key / --key-id as CAVRA does: Ed25519 when a private key is given, else HMAC. */
export function signingFromFlags(ctx: CommandContext): SigningChoice {
  const keyFile = ctx.opts.str('--private-key');
  const keyId = ctx.opts.str('--key-id');
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

function keygen(ctx: CommandContext): number {
  const dir = resolve(ctx.cwd, ctx.opts.str('--output')!);
  const keyId = ctx.opts.str('--key-id')!;
  checkKeyId(keyId);
  const written = writeKeyPair(dir, keyId);
  const result = {
    key_id: written.keyId,
    algorithm: 'Ed25519',
    private_key_path: written.privateKeyPath,
    public_key_path: written.publicKeyPath,
    public_key_sha256: written.publicKeySha256,
  };
  print(ctx, result, () => [
    `Wrote Ed25519 key pair "${keyId}"`,
    ...fields([
      ['private key', `${written.privateKeyPath}  (keep it secret; never commit it)`],
      ['public key', written.publicKeyPath],
      ['public_key_sha256', written.publicKeySha256],
    ]).map((l) => `  ${l}`),
  ]);
  return 0;
}

async function sign(ctx: CommandContext): Promise<number> {
  const file = ctx.opts.positionals[0];
  const bytes = readBytes(file, ctx.cwd);
  const choice = signingFromFlags(ctx);
  const keyFile = ctx.opts.str('--private-key');
  const sig = keyProblem(keyFile ?? file, () =>
    signPolicyBytes(bytes, {
      privateKeyPem: choice.privateKeyPem,
      hmacKey: choice.hmacKey,
      keyId: choice.keyId,
      signer: ctx.opts.str('--signer'),
      policyFile: basename(file),
    }),
  );
  const sigPath = `${resolve(ctx.cwd, file)}.sig.json`;
  const sigText = serializeSignature(sig);
  writeFileAtomic(sigPath, sigText);
  const log = await recordSignOutsidePublish(ctx, file, sig, sigText);
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
): { result: VerifyResult & { signature_path: string }; matched?: string } {
  const policyPath = resolve(ctx.cwd, file);
  const sigPath = explicit ? resolve(ctx.cwd, explicit) : `${policyPath}.sig.json`;
  // --public-key names the trusted keys; else the key directory is trusted, as in the editor.
  const keyDir = resolve(resolve(ctx.cwd, ctx.opts.str('--root') ?? '.'), ctx.opts.str('--key-dir') ?? DEFAULT_KEY_DIRECTORY);
  const given = ctx.opts.list('--public-key');
  const trusted = given.length
    ? given.map((pem) => ({ file: resolve(ctx.cwd, pem), pem: readText(pem, ctx.cwd) }))
    : trustedPublicKeys(keyDir);
  const hmacKey = ctx.opts.str('--key') ?? (ctx.env[SIGNING_KEY_ENV] || undefined);
  const shown = (p: string) => relative(ctx.cwd, p) || p;

  let result: VerifyResult & { signature_path: string };
  let matched: string | undefined;
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
    if (checked.ok && checked.algorithm === 'Ed25519') {
      const fingerprint = (JSON.parse(sigText) as { public_key_sha256?: string }).public_key_sha256;
      matched = trusted.find((k) => publicKeySha256(k.pem) === fingerprint)?.file;
    }
  }
  return { result, matched };
}

function verify(ctx: CommandContext): number {
  const file = ctx.opts.positionals[0];
  const policyPath = resolve(ctx.cwd, file);
  const bytes = readBytes(file, ctx.cwd);
  const { result, matched } = checkFileSignature(ctx, file, bytes, ctx.opts.str('--signature'));
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
    const key = matched ? ` (trusted key ${shown(matched)})` : '';
    print(ctx, json, () => [`OK ${file}: ${result.message}${key}${digestOnly}`, ...chainLines(chain)]);
    return 0;
  }
  if (ctx.opts.bool('--json')) print(ctx, json, () => '');
  ctx.err(`cavra-policy: verification failed for ${file}: ${result.message}${advice ? `\n${advice}` : ''}`);
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
    synopsis: '--output DIR --key-id ID',
    summary: 'Create an Ed25519 signing key pair as CAVRA does: <key-id>.private.pem (PKCS#8) and <key-id>.public.pem.',
    details: 'Existing key files are never overwritten. The private key file is readable by you only (mode 600).',
    positionals: { names: [], min: 0, max: 0, missing: '', extra: 'keygen takes no arguments: use --output DIR --key-id ID' },
    flags: [
      { name: '--output', kind: 'string', value: 'DIR', required: true, help: 'Folder for the key files (created if missing)' },
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
    synopsis: '<policy.yaml> [--private-key PEM] [--key-id ID] [--signer NAME] [--key HMAC]',
    summary:
      "Write <policy.yaml>.sig.json in CAVRA's format: Ed25519 with --private-key, HS256 with an HMAC key, else the digest-only SHA256 form.",
    positionals: policyFile('sign'),
    details:
      'A pack under the policy root (<policy-dir>/<pack-id>/policy.yaml) signed here is recorded in the evidence log\n' +
      'as signed outside any publish: verify then reports it as "signed outside an approval".',
    flags: SIGN_FLAGS,
    common: ['--root', '--policy-dir'],
    run: sign,
  },
  {
    name: 'verify',
    synopsis: '<policy.yaml> [--signature FILE] [--key-dir DIR | --public-key PEM...] [--key HMAC]',
    summary: 'Check a policy against its signature; exit 1 and say why when it does not verify.',
    details:
      `Ed25519 signatures are checked against the trusted public keys: every *.public.pem in the key directory\n` +
      `(--key-dir, default <root>/${DEFAULT_KEY_DIRECTORY}, the editor's cavra.signing.keyDirectory default), or only\n` +
      'the --public-key files when given (repeatable: any of them may match).\n' +
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
        help: 'Trusted Ed25519 public key file; when given, only these are trusted',
      },
      { name: '--key', kind: 'string', value: 'HMAC', help: `HMAC key for HS256 (default: $${SIGNING_KEY_ENV}); never printed` },
    ],
    common: ['--root', '--policy-dir', '--store', '--oidc-config', '--rbac-file'],
    run: verify,
  },
];
