// bundle export, bundle verify: a published pack version's provenance in one file, and its offline
// check. Export reads the workspace (policy root, key directory, approval store, evidence log);
// verify reads nothing but the file and the pin.
import { relative, resolve } from 'node:path';
import { exportEvidenceBundle } from '../provenance/bundleExport';
import { verifyEvidenceBundle } from '../provenance/bundleVerify';
import { normalizeFingerprint } from '../signing';
import { UsageError } from './args';
import { openBackend, policyRootOf, requireWorkspaceOperation, workspaceRoot } from './backendFactory';
import type { CommandContext, CommandDef } from './command';
import { readJsonFile, readText } from './input';
import { DEFAULT_KEY_DIRECTORY } from './keys';
import { fields, print } from './output';

async function exportBundle(ctx: CommandContext): Promise<number> {
  const packId = ctx.opts.positionals[0];
  if (!/^[^/\\\0:]+$/.test(packId) || packId === '.' || packId === '..')
    throw new UsageError(`"${packId}" is not a pack id (a folder name under the policy root)`);
  const opened = await openBackend(ctx, 'bundle export');
  requireWorkspaceOperation(opened, 'verifyEvidence', 'bundle export');
  const given = ctx.opts.str('--public-key');
  const output = resolve(ctx.cwd, ctx.opts.str('--output') ?? `${packId}.evidence-bundle.json`);
  const result = await exportEvidenceBundle(
    opened.backend,
    {
      packId,
      policyDir: policyRootOf(ctx),
      keyDirectory: resolve(workspaceRoot(ctx), ctx.opts.str('--key-dir') ?? DEFAULT_KEY_DIRECTORY),
      publicKey: given ? { file: resolve(ctx.cwd, given), pem: readText(given, ctx.cwd) } : undefined,
      workspace: workspaceRoot(ctx),
    },
    output,
  );
  const shown = relative(ctx.cwd, output) || output;
  print(ctx, { ok: true, ...result }, () => [
    `Wrote ${shown}`,
    ...fields([
      ['pack', packId],
      ['policy.yaml', result.policy_file_digest],
      ['approval', `${result.approval_id} (${result.approval_state})`],
      ['signing key', result.key_fingerprint ?? `none (${result.signature_algorithm ?? 'unknown'} signature)`],
      ['evidence', `records ${result.evidence_records.join(', ')} of ${result.chain_head}`],
    ]),
    `Check it anywhere: cavra-policy bundle verify ${shown} --trusted-key-fingerprint ${result.key_fingerprint ?? 'HEX'}`,
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
