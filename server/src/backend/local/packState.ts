// A published pack's state in the workspace: is there a signature, do the bytes still match it, and
// which approval and digest was it published under (from the evidence log).
import { dirname, join } from 'node:path';
import type { KeyPins } from '../../policy/keyPins';
import type { EvidenceRecord, PackState } from '../api';
import type { SignatureStates } from './signatureStates';
import { packProvenance, type ProvenanceSources } from './packProvenance';

export function publishedUnder(records: EvidenceRecord[], policyId: string): PackState['published_under'] {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r.event === 'publish' && (r.details.policy_id === policyId || r.details.policy === policyId)) {
      return { approval_id: r.approval_ids[0] ?? '', policy_digest: r.digests.policy_digest ?? '', published_at: r.recorded_at };
    }
  }
  return null;
}

/** The rule stops at an unverified signature before it reads any source. */
const NOTHING: ProvenanceSources = { evidence: [], approval: () => undefined, approverVerificationRequired: false };

export interface PackFiles {
  signatures: SignatureStates;
  keyDirectory: string;
  hmacKey: string | undefined;
  /** Which keys count (policy/keyPins); without pins, any key in the directory. */
  pins?: KeyPins;
  evidence: EvidenceRecord[];
  /** Given, the state says whether the whole chain holds; read only when the signature verifies. */
  chain?: () => ProvenanceSources;
}

/**
 * `bytes` are the file as it is now (an open document's text counts: the user sees that text).
 * `modified` means the digest no longer matches; `invalid` means the signature itself fails.
 */
/** Where a policy file's signature is: `policy.yaml.sig.json` beside it. */
export function signaturePathOf(policyPath: string): string {
  return join(dirname(policyPath), 'policy.yaml.sig.json');
}

export function packState(policyId: string, policyPath: string, bytes: Uint8Array | null, files: PackFiles): PackState {
  const sigPath = signaturePathOf(policyPath);
  const base = { policy_id: policyId, policy_path: policyPath, published_under: publishedUnder(files.evidence, policyId) };
  if (!bytes)
    return {
      ...base,
      published: false,
      signature_path: null,
      signature: 'unsigned',
      signature_message: 'not published',
      signed_at: null,
      signer: null,
    };
  const check = files.signatures.check(sigPath, bytes, files.keyDirectory, files.hmacKey, files.pins);
  if (!check)
    return {
      ...base,
      published: true,
      signature_path: null,
      signature: 'unsigned',
      signature_message: 'no policy.yaml.sig.json beside the policy',
      signed_at: null,
      signer: null,
      ...(files.chain ? { provenance: packProvenance(policyId, bytes, null, NOTHING) } : {}),
    };
  const { result } = check;
  const signature: PackState['signature'] = result.ok
    ? 'verified'
    : result.problem === 'digest-mismatch'
      ? 'modified'
      : result.problem === 'signer-not-pinned'
        ? 'not-pinned'
        : 'invalid';
  return {
    ...base,
    published: true,
    signature_path: sigPath,
    signature,
    signature_message: result.message,
    ...(result.problem ? { signature_problem: result.problem } : {}),
    ...(result.signerTrust ? { signer_trust: result.signerTrust } : {}),
    ...(result.keyFingerprint ? { key_fingerprint: result.keyFingerprint } : {}),
    signed_at: check.signedAt,
    signer: check.signer,
    ...(files.chain ? { provenance: packProvenance(policyId, bytes, result, result.ok ? files.chain() : NOTHING) } : {}),
  };
}
