// Whether the policy.yaml in force is the one an approver approved (issue 15, section 1): the whole
// chain from the bytes to the approval, not the signature alone. A valid signature only says someone
// holding a key signed these bytes; `cavra-policy sign` can bless any edit. The chain holds only when
// the evidence log recorded a publish of exactly these bytes, under an approval for this pack, bound to
// the normalized digest of these bytes, decided by a verified approver where one is required.
// The one copy of this rule: the CLI (`verify`, `check`), pack state (Packs view, status bar) and the
// file's diagnostic all call `publishProvenance`.
import { policyDigest } from './digest';
import { loadPolicyValue } from './policyYaml';

export type ProvenanceState =
  | 'verified'
  | 'break-glass-publish'
  | 'published-outside-studio'
  | 'signature-not-verified'
  | 'signed-outside-approval'
  | 'no-publish-record'
  | 'approval-not-found'
  | 'approval-not-approved'
  | 'approval-bound-to-another-digest'
  | 'approver-not-verified';

/**
 * `pass`: the chain holds. `flag`: it holds, but someone must look (a break-glass publish).
 * `notice`: nothing in this log to check against (published by CAVRA itself or before the studio
 * recorded publishes): a status, not an error; `check` accepts it only when told to. `fail`: broken.
 */
export type ProvenanceOutcome = 'pass' | 'flag' | 'notice' | 'fail';

export const PROVENANCE_LABELS: Record<ProvenanceState, string> = {
  verified: 'verified',
  'break-glass-publish': 'break-glass publish',
  'published-outside-studio': 'published outside the studio',
  'signature-not-verified': 'signature not verified',
  'signed-outside-approval': 'signed outside an approval',
  'no-publish-record': 'no publish record',
  'approval-not-found': 'approval not found',
  'approval-not-approved': 'approval not approved',
  'approval-bound-to-another-digest': 'approval bound to another digest',
  'approver-not-verified': 'approver not verified',
};

const OUTCOMES: Record<ProvenanceState, ProvenanceOutcome> = {
  verified: 'pass',
  'break-glass-publish': 'flag',
  'published-outside-studio': 'notice',
  'signature-not-verified': 'fail',
  'signed-outside-approval': 'fail',
  'no-publish-record': 'fail',
  'approval-not-found': 'fail',
  'approval-not-approved': 'fail',
  'approval-bound-to-another-digest': 'fail',
  'approver-not-verified': 'fail',
};

/** The fields of an evidence record the rule reads (backend/api EvidenceRecord has them all). */
export interface ProvenanceRecord {
  seq: number;
  recorded_at: string;
  event: string;
  actor: string | null;
  actor_context: unknown;
  approval_ids: readonly string[];
  digests: { readonly [name: string]: string };
  details: { readonly [key: string]: unknown };
}

/** The fields of an approval record the rule reads (backend/api ApprovalRecord has them all). */
export interface ProvenanceApproval {
  approval_id: string;
  state: string;
  decided_by?: string;
  decision?: { action_type?: unknown; policy_id?: unknown; policy_digest?: unknown };
}

/** The signature check's own verdict (signing/signature.ts VerifyResult); the rule never re-checks it. */
export interface SignatureVerdict {
  ok: boolean;
  algorithm?: string;
  message: string;
  /** Set by the check when something is wrong or not fully trusted (e.g. a key that is not pinned). */
  problem?: string;
  /** False when only the digest was compared (HS256 without the HMAC key). */
  signatureChecked: boolean;
}

export interface ProvenanceInput {
  policyId: string;
  /** The bytes in force (policy.yaml as it is on disk, or as the editor shows it). */
  text: string;
  /** `sha256:<hex>` of those bytes, as the sig.json and the publish record write it. */
  fileDigest: string;
  /** The signature check of those bytes, or null when there is no signature file. */
  signature: SignatureVerdict | null;
  evidence: readonly ProvenanceRecord[];
  approval: (id: string) => ProvenanceApproval | undefined;
  /** OIDC or RBAC is configured: the approver must have been a verified actor. */
  approverVerificationRequired: boolean;
}

export interface Provenance {
  state: ProvenanceState;
  outcome: ProvenanceOutcome;
  /** The state in words, e.g. "signed outside an approval". */
  label: string;
  /** What was found, with seq numbers, ids and digests, so the reader can look each up. */
  message: string;
  approval_id: string | null;
  /** seq of the publish record the chain was followed from, when one was found. */
  publish_seq: number | null;
}

/**
 * Only Ed25519 and HS256 with its key prove who signed: the digest-only SHA256 form can be recomputed
 * by anyone, and HS256 checked without the key proved only the digest.
 */
export function signatureTrusted(v: SignatureVerdict): boolean {
  return v.ok && v.problem === undefined && v.signatureChecked && (v.algorithm === 'Ed25519' || v.algorithm === 'HS256');
}

/** The normalized digest CAVRA binds approvals to, of the bytes in force; null when they do not load. */
export function normalizedDigestOf(text: string): string | null {
  try {
    return policyDigest(loadPolicyValue(text, 'policy.yaml'));
  } catch {
    return null;
  }
}

const forPack = (r: ProvenanceRecord, policyId: string) => r.details.policy_id === policyId || r.details.policy === policyId;

export function publishProvenance(input: ProvenanceInput): Provenance {
  const { policyId } = input;
  const result = (
    state: ProvenanceState,
    message: string,
    found: { approval_id?: string; publish_seq?: number } = {},
  ): Provenance => ({
    state,
    outcome: OUTCOMES[state],
    label: PROVENANCE_LABELS[state],
    message,
    approval_id: found.approval_id ?? null,
    publish_seq: found.publish_seq ?? null,
  });

  const sig = input.signature;
  if (!sig || !signatureTrusted(sig)) {
    const why = !sig
      ? 'there is no policy.yaml.sig.json'
      : !sig.ok
        ? sig.message
        : sig.algorithm === 'SHA256'
          ? 'a digest-only SHA256 signature, which anyone can recompute, proves no signer'
          : !sig.signatureChecked
            ? `only the digest was checked (${sig.message}); give the HMAC key to check the signature`
            : sig.message;
    return result('signature-not-verified', `the signature is not valid for a trusted key: ${why}`);
  }

  // Read only past the signature: the editor's caller hashes the bytes on demand (backend/local/packProvenance.ts).
  const fileDigest = input.fileDigest;
  const publishes = input.evidence.filter((r) => r.event === 'publish' && forPack(r, policyId));
  const publish = [...publishes].reverse().find((r) => r.digests.policy_file_digest === fileDigest);
  if (!publish) {
    const signed = [...input.evidence].reverse().find((r) => r.event === 'sign' && r.digests.policy_file_digest === fileDigest);
    if (signed) {
      return result(
        'signed-outside-approval',
        `these bytes (${fileDigest}) were signed by ${signed.actor ?? 'someone'} with cavra-policy sign (evidence seq ${signed.seq}, ${signed.recorded_at}), outside any publish: no approval covers them`,
      );
    }
    if (publishes.length) {
      const last = publishes[publishes.length - 1];
      return result(
        'no-publish-record',
        `the evidence log has no publish of these bytes (${fileDigest}); the last publish of ${policyId} (seq ${last.seq}) wrote ${last.digests.policy_file_digest ?? 'other bytes'}: the file was changed and signed outside the studio`,
      );
    }
    return result(
      'published-outside-studio',
      `the evidence log holds no publish of ${policyId}: it was published by CAVRA itself or before the studio recorded publishes, so no approval can be followed from here`,
    );
  }

  const found = { approval_id: publish.approval_ids[0], publish_seq: publish.seq };
  const approvalId = publish.approval_ids[0];
  const approval = approvalId ? input.approval(approvalId) : undefined;
  if (!approval) {
    return result(
      'approval-not-found',
      `the publish of these bytes (evidence seq ${publish.seq}) names approval ${approvalId ?? '(none)'}, which is not in the approval store`,
      found,
    );
  }
  if (approval.state !== 'approved' && approval.state !== 'break_glass') {
    return result(
      'approval-not-approved',
      `approval ${approval.approval_id} (named by publish seq ${publish.seq}) is ${approval.state}, not approved or break_glass`,
      found,
    );
  }
  const decision = approval.decision ?? {};
  const normalized = normalizedDigestOf(input.text);
  if (decision.action_type !== 'policy_publish' || decision.policy_id !== policyId || decision.policy_digest !== normalized) {
    const bound =
      decision.action_type !== 'policy_publish'
        ? `is not a policy publish approval (action_type ${JSON.stringify(decision.action_type ?? null)})`
        : decision.policy_id !== policyId
          ? `is for pack ${JSON.stringify(decision.policy_id ?? null)}, not ${policyId}`
          : `is bound to ${String(decision.policy_digest)}, but these bytes normalize to ${normalized ?? '(they do not load as a policy)'}`;
    return result('approval-bound-to-another-digest', `approval ${approval.approval_id} ${bound}`, found);
  }
  if (input.approverVerificationRequired) {
    const decided = input.evidence.find(
      (r) =>
        (r.event === 'approve' || r.event === 'break_glass') &&
        r.approval_ids.includes(approval.approval_id) &&
        r.actor_context !== null &&
        r.actor_context !== undefined,
    );
    if (!decided) {
      return result(
        'approver-not-verified',
        `approval ${approval.approval_id} was decided by ${approval.decided_by ?? 'an unknown actor'} without a verified identity (OIDC/RBAC is configured, and the evidence log records no verified approver for it)`,
        found,
      );
    }
  }
  const by = approval.decided_by ? ` by ${approval.decided_by}` : '';
  if (approval.state === 'break_glass') {
    return result(
      'break-glass-publish',
      `published (evidence seq ${publish.seq}) under break-glass approval ${approval.approval_id}${by}, bound to ${normalized}: valid, but bypassed review`,
      found,
    );
  }
  return result(
    'verified',
    `published (evidence seq ${publish.seq}) under approval ${approval.approval_id}${by}, bound to ${normalized}`,
    found,
  );
}
