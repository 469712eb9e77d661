// The I/O edge of evidence bundles: reads a published pack's files, its signing public key, its approval
// and the evidence log through the backend, and writes the bundle atomically. The CLI's `bundle
// export` and the editor's Export Evidence Bundle both come through here.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Backend, WorkspaceOperations } from '../backend/backend';
import { writeFileAtomic } from '../backend/store';
import { publicKeyFingerprint, publicKeySha256, trustedPublicKeys } from '../signing';
import { BundleExportError, buildEvidenceBundle, publishRecordFor, sha256Of, type EvidenceBundle } from './evidenceBundle';

export interface BundleExportOptions {
  packId: string;
  policyDir: string;
  /** Where the signing public key is looked for by its fingerprint. */
  keyDirectory: string;
  /** The signing public key, when it is not in the key directory: file name and PEM text. */
  publicKey?: { file: string; pem: string };
  /** Paths in the bundle are shown relative to it. */
  workspace: string;
  now?: Date;
}

/** A summary of what was written, for the CLI's output and the editor's message. */
export interface BundleExportResult {
  file: string;
  pack_id: string;
  policy_file_digest: string;
  approval_id: string;
  approval_state: string;
  key_fingerprint: string | null;
  signature_algorithm: string | null;
  evidence_records: number[];
  chain_head: number;
}

const SAFE_PACK_ID = /^[^/\\\0:]+$/;

function signingPublicKey(opts: BundleExportOptions, sigText: string): EvidenceBundle['public_key'] {
  let sig: { algorithm?: unknown; public_key_sha256?: unknown; key_id?: unknown };
  try {
    sig = JSON.parse(sigText) as typeof sig;
  } catch {
    throw new BundleExportError(`${opts.packId}/policy.yaml.sig.json is not valid JSON: run cavra-policy verify on the pack`);
  }
  if (sig.algorithm !== 'Ed25519') return null;
  const candidates = opts.publicKey ? [opts.publicKey] : trustedPublicKeys(opts.keyDirectory);
  const match = candidates.find((k) => publicKeySha256(k.pem) === sig.public_key_sha256);
  if (!match) {
    const keyName = typeof sig.key_id === 'string' ? `, key_id "${sig.key_id}"` : '';
    const where = opts.publicKey ? `the key in ${opts.publicKey.file}` : `among the *.public.pem in ${opts.keyDirectory}`;
    throw new BundleExportError(
      `the signing key of ${opts.packId} (public_key_sha256 ${String(sig.public_key_sha256)}${keyName}) is not ${where}: name its public key file`,
    );
  }
  return {
    file: relative(opts.workspace, match.file) || match.file,
    pem: match.pem,
    fingerprint: publicKeyFingerprint(match.pem),
  };
}

/** Builds the bundle of a pack's published version and writes it to `output`. */
export async function exportEvidenceBundle(
  backend: Backend & Partial<WorkspaceOperations>,
  opts: BundleExportOptions,
  output: string,
): Promise<BundleExportResult> {
  const { packId } = opts;
  if (!SAFE_PACK_ID.test(packId) || packId === '.' || packId === '..')
    throw new BundleExportError(`"${packId}" is not a pack id (a folder name under the policy root)`);
  if (!backend.verifyEvidence)
    throw new BundleExportError('evidence bundles are made from the local workspace: its evidence log');
  const chain = await backend.verifyEvidence();
  if (!chain.ok)
    throw new BundleExportError(
      `the evidence chain is broken (${chain.message}): a bundle is made only from an intact chain; run cavra-policy evidence verify`,
    );
  const policyPath = join(opts.policyDir, packId, 'policy.yaml');
  const sigPath = `${policyPath}.sig.json`;
  if (!existsSync(policyPath)) throw new BundleExportError(`${packId} is not published: ${policyPath} does not exist`);
  if (!existsSync(sigPath)) throw new BundleExportError(`${packId} has no signature: ${sigPath} does not exist`);
  const policyBytes = new Uint8Array(readFileSync(policyPath));
  const signatureText = readFileSync(sigPath, 'utf8');
  const records = (await backend.listEvidence({ limit: Number.MAX_SAFE_INTEGER })).items;
  const publish = publishRecordFor(records, packId, sha256Of(policyBytes));
  const approval = publish?.approval_ids[0] ? await backend.getApproval(publish.approval_ids[0]) : undefined;
  const bundle = buildEvidenceBundle({
    packId,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    policyBytes,
    signatureText,
    publicKey: signingPublicKey(opts, signatureText),
    // Without a publish record buildEvidenceBundle refuses before the approval is read.
    approval: approval ?? ({ approval_id: '' } as never),
    records,
  });
  writeFileAtomic(output, `${JSON.stringify(bundle, null, 2)}\n`);
  return {
    file: output,
    pack_id: packId,
    policy_file_digest: bundle.manifest.parts['policy.yaml'],
    approval_id: bundle.approval.approval_id,
    approval_state: bundle.approval.state,
    key_fingerprint: bundle.public_key?.fingerprint ?? null,
    signature_algorithm: (JSON.parse(signatureText) as { algorithm?: string }).algorithm ?? null,
    evidence_records: bundle.evidence.records.map((r) => r.seq),
    chain_head: bundle.evidence.head.seq,
  };
}
