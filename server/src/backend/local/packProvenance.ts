// The inputs of the provenance rule (policy/publishProvenance.ts) as the workspace holds them: the
// bytes in force, the signature check's verdict, the evidence log and the approval store.
import {
  publishProvenance,
  type Provenance,
  type ProvenanceApproval,
  type ProvenanceRecord,
  type SignatureVerdict,
} from '../../policy/publishProvenance';
import { policyFileDigest } from '../../signing';

export interface ProvenanceSources {
  evidence: readonly ProvenanceRecord[];
  approval: (id: string) => ProvenanceApproval | undefined;
  /** OIDC or RBAC is configured for this workspace. */
  approverVerificationRequired: boolean;
}

export function packProvenance(
  policyId: string,
  bytes: Uint8Array,
  signature: SignatureVerdict | null,
  sources: ProvenanceSources,
): Provenance {
  // The text and its digest are read only when a trusted signature makes the chain worth following: an
  // unsigned or modified pack (every keystroke in an open policy.yaml) then costs no hash and no copy of
  // the file (at 20k rules they were most of an edit's time).
  let digest: string | undefined;
  return publishProvenance({
    policyId,
    get text() {
      return Buffer.from(bytes).toString('utf8');
    },
    get fileDigest() {
      return (digest ??= policyFileDigest(bytes));
    },
    signature,
    evidence: sources.evidence,
    approval: sources.approval,
    approverVerificationRequired: sources.approverVerificationRequired,
  });
}
