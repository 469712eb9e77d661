// A published pack whose text no longer matches its policy.yaml.sig.json (or whose signature fails)
// gets a diagnostic at line 1 saying what changed and how to fix it: revert, or publish again through
// an approval. Never "sign it again", which would bless a change nobody approved.
// The check itself is kept in `signatures` (see SignatureStates): a keystroke costs a digest, not a
// verification.
// A pack whose signature verifies is then followed along the whole chain (policy/publishProvenance.ts):
// bytes signed outside an approval, or under an approval bound to other bytes, are flagged the same way.
import { basename, dirname } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { packState, resolvePaths, signaturePathOf, type SignatureStates } from '../backend/local';
import { ApprovalStore } from '../backend/local/approvalStore';
import type { ProvenanceSources } from '../backend/local/packProvenance';
import { EvidenceLog } from '../backend/evidence';
import { makeDiagnostic } from '../language/makeDiagnostic';
import type { Provenance } from '../policy/publishProvenance';
import { verifyFailureAdvice, type VerifyProblem } from '../signing';
import { workflowBackendConfig } from './backendFactory';
import type { WorkflowSettings } from './workspaceSettings';
import type { KeyPins } from '../policy/keyPins';

/** The editor's way to publish a pack again, through an approval. */
const REPUBLISH = 'Plan Publish → Request Publish Approval → Publish Signed';

export function signatureDiagnostics(
  file: string,
  text: string,
  keyDirectory: string,
  hmacKey: string | undefined,
  signatures: SignatureStates,
  // Read only for a signed pack: the workspace pass asks for every pack, and reading the pins each time was 60 ms of 500.
  pinsOf: () => { pins: KeyPins; problem?: string },
  chain?: () => ProvenanceSources,
): Diagnostic[] {
  if (basename(file) !== 'policy.yaml') return [];
  // An unsigned pack has nothing to say; asked first, so a keystroke there does not encode the whole text.
  if (!signatures.hasSignature(signaturePathOf(file))) return [];
  const trust = pinsOf();
  const state = packState(basename(dirname(file)), file, Buffer.from(text, 'utf8'), {
    signatures,
    keyDirectory,
    hmacKey,
    pins: trust.pins,
    evidence: [],
    chain,
  });
  const range = {
    start: { line: 0, character: 0 },
    end: { line: 0, character: Math.max(1, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')) },
  };
  if (state.signature === 'not-pinned') {
    // A warning, not an error: the bytes are exactly what was signed; what is missing is the trust.
    const unreadable = trust.problem ? ` (your pins could not be read: ${trust.problem})` : '';
    const message = `${state.signature_message}${unreadable}. ${verifyFailureAdvice('signer-not-pinned', REPUBLISH)}`;
    return [makeDiagnostic(range, DiagnosticSeverity.Warning, 'signature-not-pinned', message, { path: [] })];
  }
  // The chain is read only for the signed bytes: while the user types, the digest alone says "modified".
  if (state.signature === 'verified' && state.provenance) {
    return state.provenance.outcome === 'pass' ? [] : [provenanceDiagnostic(range, state.provenance)];
  }
  if (state.signature === 'verified' || state.signature === 'unsigned') return [];
  const message =
    state.signature === 'modified'
      ? `This published policy was modified since it was signed (${state.signature_message}). CAVRA will refuse it at verification. Do not sign it again: that would bless a change nobody approved. Revert the edit, or publish the change through an approval: ${REPUBLISH} (a draft in policy.draft.yaml keeps the signed pack intact meanwhile).`
      : `The signature of this published policy does not verify: ${state.signature_message}. ${verifyFailureAdvice(state.signature_problem as VerifyProblem | undefined, REPUBLISH)}`;
  return [makeDiagnostic(range, DiagnosticSeverity.Error, 'signature-mismatch', message, { path: [] })];
}

const SEVERITY = { flag: DiagnosticSeverity.Warning, notice: DiagnosticSeverity.Information, fail: DiagnosticSeverity.Error };

function provenanceDiagnostic(range: Diagnostic['range'], found: Provenance): Diagnostic {
  const advice =
    found.outcome === 'fail'
      ? ` The bytes in force are not the ones an approver approved. Do not sign them again: revert to the published bytes, or publish the change through an approval: ${REPUBLISH}.`
      : '';
  return makeDiagnostic(
    range,
    SEVERITY[found.outcome as keyof typeof SEVERITY],
    'publish-provenance',
    `Published pack: ${found.label}: ${found.message}.${advice}`,
    { path: [] },
  );
}

/**
 * The chain's sources for a workspace folder on the local backend (its evidence log, approval store and
 * whether OIDC/RBAC is configured); undefined on a CAVRA server, which keeps no publish log.
 */
export function chainSources(settings: WorkflowSettings, folder: string): (() => ProvenanceSources) | undefined {
  const config = workflowBackendConfig(settings, folder, () => null);
  if (typeof config === 'string' || config.kind !== 'local') return undefined;
  const paths = resolvePaths(config);
  const approvals = new ApprovalStore(paths.approvalStore);
  return () => ({
    evidence: new EvidenceLog(paths.evidenceLog, { now: () => '' }).read(),
    approval: (id) => approvals.get(id),
    approverVerificationRequired: Boolean(config.oidcConfigPath || config.rbacPath),
  });
}
