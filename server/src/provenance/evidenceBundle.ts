// An evidence bundle: one JSON document that carries a published pack version's whole provenance
// (approval -> publish record -> policy.yaml bytes -> sig.json -> public key) to someone who has only
// the file. Pure: the CLI gathers the sources and writes the file.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../policy/canonicalJson';
import type { PyValue } from '../policy/pythonValues';
import type { ApprovalRecord } from '../backend/api/approvals';
import type { EvidenceRecord } from '../backend/api/evidence';

export const EVIDENCE_BUNDLE_SCHEMA = 'cavra-studio.evidence-bundle.v1';

/** One link of the evidence chain without its content: enough to check the chain from genesis to head. */
export interface ChainLink {
  seq: number;
  prev_hash: string;
  record_hash: string;
}

/** The publish plan as the evidence holds it: the `publish_request` record the approver was asked under. */
export interface BundlePublishPlan {
  source: string;
  evidence_seq: number | null;
  policy_id: string;
  policy_digest: string | null;
  operation: string | null;
  risk: string | null;
  approver_group: string | null;
}

export interface EvidenceBundle {
  schema_version: typeof EVIDENCE_BUNDLE_SCHEMA;
  pack_id: string;
  exported_at: string;
  how_to_verify: string;
  policy: { file: 'policy.yaml'; base64: string; text: string };
  signature: { file: 'policy.yaml.sig.json'; text: string };
  /** Null for HS256 and digest-only SHA256 signatures, which have no public key. */
  public_key: { file: string; pem: string; fingerprint: string } | null;
  approval: ApprovalRecord;
  publish_plan: BundlePublishPlan;
  evidence: { records: EvidenceRecord[]; chain: ChainLink[]; head: { seq: number; record_hash: string } };
  /** SHA-256 of every part by name (see bundlePartDigests). */
  manifest: { algorithm: 'sha256'; parts: { [part: string]: string } };
}

export interface BundleSources {
  packId: string;
  exportedAt: string;
  policyBytes: Uint8Array;
  signatureText: string;
  publicKey: { file: string; pem: string; fingerprint: string } | null;
  approval: ApprovalRecord;
  /** The whole evidence log, oldest first, its chain already verified. */
  records: EvidenceRecord[];
}

export class BundleExportError extends Error {
  override name = 'BundleExportError';
}

export const sha256Of = (bytes: Uint8Array): string => `sha256:${bytesToHex(sha256(bytes))}`;
const jsonDigest = (value: unknown): string => sha256Of(utf8ToBytes(canonicalJson(value as PyValue)));

/** The manifest name of an evidence record: zero-padded so names sort by seq. */
export const recordPart = (seq: number): string => `evidence/seq-${String(seq).padStart(6, '0')}`;

/**
 * The digest of every part, by the name the manifest gives it: file parts over their bytes, JSON parts
 * over their canonical JSON. The one definition both export and verify use.
 */
export function bundlePartDigests(
  bundle: Pick<EvidenceBundle, 'policy' | 'signature' | 'public_key' | 'approval' | 'publish_plan' | 'evidence'>,
  policyBytes: Uint8Array,
): { [part: string]: string } {
  const parts: { [part: string]: string } = {
    'policy.yaml': sha256Of(policyBytes),
    'policy.yaml.sig.json': sha256Of(utf8ToBytes(bundle.signature.text)),
    'approval.json': jsonDigest(bundle.approval),
    'publish_plan.json': jsonDigest(bundle.publish_plan),
    'evidence/chain.json': jsonDigest({ chain: bundle.evidence.chain, head: bundle.evidence.head }),
  };
  if (bundle.public_key) parts['public_key.pem'] = sha256Of(utf8ToBytes(bundle.public_key.pem));
  for (const record of bundle.evidence.records) parts[recordPart(record.seq)] = jsonDigest(record);
  return parts;
}

/** The `publish` record of exactly these bytes of this pack: the newest, as a pack may be published twice. */
export function publishRecordFor(records: EvidenceRecord[], packId: string, fileDigest: string): EvidenceRecord | undefined {
  return [...records]
    .reverse()
    .find((r) => r.event === 'publish' && r.details.policy_id === packId && r.digests.policy_file_digest === fileDigest);
}

/** Records about this version: its publish, everything under its approval, and anything naming these bytes. */
function concerning(records: EvidenceRecord[], approvalId: string, fileDigest: string, policyDigest: string): EvidenceRecord[] {
  return records.filter(
    (r) =>
      r.approval_ids.includes(approvalId) ||
      r.digests.policy_file_digest === fileDigest ||
      (r.event !== 'publish_request' && r.digests.policy_digest === policyDigest),
  );
}

export function buildEvidenceBundle(src: BundleSources): EvidenceBundle {
  const fileDigest = sha256Of(src.policyBytes);
  const publish = publishRecordFor(src.records, src.packId, fileDigest);
  if (!publish) {
    throw new BundleExportError(
      `no publish record in the evidence log for ${src.packId}/policy.yaml as it is now (${fileDigest}): a bundle carries a version published through an approval; if the file was edited after publishing, revert it`,
    );
  }
  const approvalId = publish.approval_ids[0];
  if (src.approval.approval_id !== approvalId) {
    throw new BundleExportError(
      `the publish record (seq ${publish.seq}) names approval ${approvalId}, not ${src.approval.approval_id}`,
    );
  }
  const policyDigest = String(publish.digests.policy_digest ?? '');
  const records = concerning(src.records, approvalId, fileDigest, policyDigest);
  const request = records.find((r) => r.event === 'publish_request');
  const detail = (key: string): string | null =>
    request && typeof request.details[key] === 'string' ? request.details[key] : null;
  const publishPlan: BundlePublishPlan = {
    source: request
      ? `the publish_request evidence record (seq ${request.seq}): what the approver was asked to approve`
      : 'no publish_request record: the approval was created another way; the approval decision holds the plan digest',
    evidence_seq: request ? request.seq : null,
    policy_id: src.packId,
    policy_digest: request
      ? (request.digests.policy_digest ?? null)
      : typeof src.approval.decision.policy_digest === 'string'
        ? src.approval.decision.policy_digest
        : null,
    operation: detail('operation'),
    risk: detail('risk'),
    approver_group: detail('approver_group') ?? src.approval.approver_group,
  };
  const last = src.records[src.records.length - 1];
  const body = {
    policy: {
      file: 'policy.yaml' as const,
      base64: Buffer.from(src.policyBytes).toString('base64'),
      text: Buffer.from(src.policyBytes).toString('utf8'),
    },
    signature: { file: 'policy.yaml.sig.json' as const, text: src.signatureText },
    public_key: src.publicKey,
    approval: src.approval,
    publish_plan: publishPlan,
    evidence: {
      records,
      chain: src.records.map((r) => ({ seq: r.seq, prev_hash: r.prev_hash, record_hash: r.record_hash })),
      head: { seq: last.seq, record_hash: last.record_hash },
    },
  };
  return {
    schema_version: EVIDENCE_BUNDLE_SCHEMA,
    pack_id: src.packId,
    exported_at: src.exportedAt,
    how_to_verify: 'cavra-policy bundle verify FILE --trusted-key-fingerprint HEX (the pin comes from outside this file)',
    ...body,
    manifest: { algorithm: 'sha256', parts: bundlePartDigests(body, src.policyBytes) },
  };
}
