// bundle export, bundle verify: a published pack version's provenance in one file, and its offline
// check. Export reads the workspace (policy root, key directory, approval store, evidence log);
// verify reads nothing but the file and the pin.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../backend/store';
import { BundleExportError, buildEvidenceBundle, publishRecordFor, sha256Of } from '../provenance/evidenceBundle';
import { verifyEvidenceBundle } from '../provenance/bundleVerify';
import { normalizeFingerprint, publicKeyFingerprint, publicKeySha256, trustedPublicKeys } from '../signing';
import { UsageError } from './args';
import { openBackend, policyRootOf, requireWorkspaceOperation, workspaceRoot } from './backendFactory';
import type { CommandContext, CommandDef } from './command';
import { readJsonFile, readText } from './input';
import { DEFAULT_KEY_DIRECTORY } from './keys';
import { fields, print } from './output';

const SAFE_PACK_ID = /^[^/\\\0:]+$/;

/** The public key of an Ed25519 sig.json: --public-key, else the key directory's file with its fingerprint. */
function signingPublicKey(ctx: CommandContext, sigText: string): { file: string; pem: string; fingerprint: string } | null {
  let sig: { algorithm?: unknown; public_key_sha256?: unknown; key_id?: unknown };
  try {
    sig = JSON.parse(sigText) as typeof sig;
  } catch {
    throw new BundleExportError('policy.yaml.sig.json is not valid JSON: run cavra-policy verify on the pack');
  }
  if (sig.algorithm !== 'Ed25519') return null;
  const given = ctx.opts.str('--public-key');
  const keyDir = resolve(workspaceRoot(ctx), ctx.opts.str('--key-dir') ?? DEFAULT_KEY_DIRECTORY);
  const candidates = given ? [{ file: resolve(ctx.cwd, given), pem: readText(given, ctx.cwd) }] : trustedPublicKeys(keyDir);
  const match = candidates.find((k) => publicKeySha256(k.pem) === sig.public_key_sha256);
  if (!match) {
    throw new BundleExportError(
      `the signing key of the pack (public_key_sha256 ${String(sig.public_key_sha256)}${typeof sig.key_id === 'string' ? `, key_id "${sig.key_id}"` : ''}) is not ${given ? `the key in ${given}` : `among the *.public.pem in ${keyDir}`}: pass --public-key PEM`,
    );
  }
  return {
    file: relative(workspaceRoot(ctx), match.file) || match.file,
    pem: match.pem,
    fingerprint: publicKeyFingerprint(match.pem),
  };
}

async function exportBundle(ctx: CommandContext): Promise<number> {
  const packId = ctx.opts.positionals[0];
  if (!SAFE_PACK_ID.test(packId) || packId === '.' || packId === '..')
    throw new UsageError(`"${packId}" is not a pack id (a folder name under the policy root)`);
  const opened = await openBackend(ctx, 'bundle export');
  const chain = await requireWorkspaceOperation(opened, 'verifyEvidence', 'bundle export')();
  if (!chain.ok)
    throw new BundleExportError(
      `the evidence chain is broken (${chain.message}): a bundle is made only from an intact chain; run cavra-policy evidence verify`,
    );
  const policyPath = join(policyRootOf(ctx), packId, 'policy.yaml');
  const sigPath = `${policyPath}.sig.json`;
  if (!existsSync(policyPath)) throw new BundleExportError(`${packId} is not published: ${policyPath} does not exist`);
  if (!existsSync(sigPath)) throw new BundleExportError(`${packId} has no signature: ${sigPath} does not exist`);
  const policyBytes = new Uint8Array(readFileSync(policyPath));
  const signatureText = readFileSync(sigPath, 'utf8');
  const records = (await opened.backend.listEvidence({ limit: Number.MAX_SAFE_INTEGER })).items;
  const publish = publishRecordFor(records, packId, sha256Of(policyBytes));
  const approval = publish?.approval_ids[0] ? await opened.backend.getApproval(publish.approval_ids[0]) : undefined;
  const bundle = buildEvidenceBundle({
    packId,
    exportedAt: new Date().toISOString(),
    policyBytes,
    signatureText,
    publicKey: signingPublicKey(ctx, signatureText),
    // buildEvidenceBundle names the missing publish record before the approval is needed.
    approval: approval ?? ({ approval_id: '' } as never),
    records,
  });
  const output = resolve(ctx.cwd, ctx.opts.str('--output') ?? `${packId}.evidence-bundle.json`);
  writeFileAtomic(output, `${JSON.stringify(bundle, null, 2)}\n`);
  const result = {
    ok: true,
    file: output,
    pack_id: packId,
    policy_file_digest: bundle.manifest.parts['policy.yaml'],
    approval_id: bundle.approval.approval_id,
    approval_state: bundle.approval.state,
    key_fingerprint: bundle.public_key?.fingerprint ?? null,
    evidence_records: bundle.evidence.records.map((r) => r.seq),
    parts: Object.keys(bundle.manifest.parts).length,
  };
  print(ctx, result, () => [
    `Wrote ${relative(ctx.cwd, output) || output}`,
    ...fields([
      ['pack', packId],
      ['policy.yaml', result.policy_file_digest],
      ['approval', `${result.approval_id} (${result.approval_state})`],
      [
        'signing key',
        result.key_fingerprint ?? `none (${String((JSON.parse(signatureText) as { algorithm?: unknown }).algorithm)} signature)`,
      ],
      ['evidence', `records ${result.evidence_records.join(', ')} of ${bundle.evidence.head.seq}`],
    ]),
    `Check it anywhere: cavra-policy bundle verify ${relative(ctx.cwd, output) || output} --trusted-key-fingerprint ${result.key_fingerprint ?? 'HEX'}`,
  ]);
  return 0;
}

function verifyBundle(ctx: CommandContext): number {
  const file = ctx.opts.positionals[0];
  const given = ctx.opts.str('--trusted-key-fingerprint');
  const pin = given === undefined ? undefined : normalizeFingerprint(given);
  if (given !== undefined && pin === undefined)
    throw new UsageError(
      `--trusted-key-fingerprint "${given}" is not a fingerprint: expected 64 hex digits (SHA-256 of the raw Ed25519 key)`,
    );
  const bundle = readJsonFile(file, ctx.cwd, 'evidence bundle');
  const verdict = verifyEvidenceBundle(bundle, pin);
  const result = { ok: verdict.status !== 'failed', file: resolve(ctx.cwd, file), ...verdict };
  if (verdict.status === 'failed') {
    if (ctx.opts.bool('--json')) print(ctx, result, () => '');
    ctx.err(
      [`cavra-policy: ${file}: ${verdict.message}`, ...verdict.problems.map((p) => `  ${p.part}: ${p.message}`)].join('\n'),
    );
    return 1;
  }
  print(ctx, result, () => [
    `${verdict.status === 'verified' ? 'VERIFIED' : 'SELF-CONSISTENT'} ${file}: ${verdict.message}`,
    ...fields([
      ['pack', verdict.pack_id],
      ['policy.yaml', verdict.policy_file_digest],
      ['approval', verdict.approval_id],
      ['signing key', verdict.key_fingerprint],
    ]),
  ]);
  return 0;
}

export const bundleCommands: CommandDef[] = [
  {
    name: 'bundle export',
    synopsis: '<pack-id> [--output FILE] [--key-dir DIR | --public-key PEM]',
    summary: "Write a published pack version's provenance as one self-contained JSON file.",
    details:
      'The bundle holds the exact policy.yaml bytes (base64 and text), policy.yaml.sig.json, the public key,\n' +
      'the approval with its history and decision, the publish plan as the evidence records it, every\n' +
      'evidence record about this version with the chain from genesis to its head, and a manifest of SHA-256\n' +
      'digests of every part. Exit 1 when the pack has no publish record for its current bytes.',
    positionals: {
      names: ['pack-id'],
      min: 1,
      max: 1,
      missing: 'bundle export needs a pack id',
      extra: 'bundle export takes one pack id',
    },
    flags: [
      {
        name: '--output',
        kind: 'string',
        value: 'FILE',
        help: 'Where to write the bundle (default: <pack-id>.evidence-bundle.json)',
      },
      {
        name: '--key-dir',
        kind: 'string',
        value: 'DIR',
        help: `Where the signing public key is found by its fingerprint (default: <root>/${DEFAULT_KEY_DIRECTORY})`,
      },
      {
        name: '--public-key',
        kind: 'string',
        value: 'PEM',
        help: 'The signing public key file, when it is not in the key directory',
      },
    ],
    common: ['--root', '--policy-dir', '--store', '--backend'],
    run: exportBundle,
  },
  {
    name: 'bundle verify',
    synopsis: 'FILE [--trusted-key-fingerprint HEX]',
    summary: 'Check an evidence bundle offline; exit 1 naming every part that was changed, removed or swapped.',
    details:
      'Reads nothing but the file. With --trusted-key-fingerprint (SHA-256 of the raw Ed25519 public key, hex,\n' +
      'pinned outside the bundle) a bundle that passes is VERIFIED; without it the answer is only that the\n' +
      'bundle is self-consistent, since a bundle re-signed with another key is self-consistent too.',
    positionals: {
      names: ['FILE'],
      min: 1,
      max: 1,
      missing: 'bundle verify needs a bundle file',
      extra: 'bundle verify takes one file',
    },
    flags: [
      {
        name: '--trusted-key-fingerprint',
        kind: 'string',
        value: 'HEX',
        help: 'The signing key the bundle must be signed with (64 hex digits, optional "sha256:")',
      },
    ],
    common: [],
    run: verifyBundle,
  },
];
