// A published pack whose text no longer matches its policy.yaml.sig.json (or whose signature fails)
// gets a diagnostic at line 1 saying what changed and how to fix it: revert, or publish again through
// an approval. Never "sign it again", which would bless a change nobody approved.
// The check itself is kept in `signatures` (see SignatureStates): a keystroke costs a digest, not a
// verification.
import { basename, dirname } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { packState, type SignatureStates } from '../backend/local';
import { makeDiagnostic } from '../language/makeDiagnostic';
import { verifyFailureAdvice, type VerifyProblem } from '../signing';
import type { KeyPins } from '../policy/keyPins';

/** The editor's way to publish a pack again, through an approval. */
const REPUBLISH = 'Plan Publish → Request Publish Approval → Publish Signed';

export function signatureDiagnostics(
  file: string,
  text: string,
  keyDirectory: string,
  hmacKey: string | undefined,
  signatures: SignatureStates,
  trust: { pins: KeyPins; problem?: string },
): Diagnostic[] {
  if (basename(file) !== 'policy.yaml') return [];
  const state = packState(basename(dirname(file)), file, Buffer.from(text, 'utf8'), {
    signatures,
    keyDirectory,
    hmacKey,
    pins: trust.pins,
    evidence: [],
  });
  if (state.signature === 'verified' || state.signature === 'unsigned') return [];
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
  const message =
    state.signature === 'modified'
      ? `This published policy was modified since it was signed (${state.signature_message}). CAVRA will refuse it at verification. Do not sign it again: that would bless a change nobody approved. Revert the edit, or publish the change through an approval: ${REPUBLISH} (a draft in policy.draft.yaml keeps the signed pack intact meanwhile).`
      : `The signature of this published policy does not verify: ${state.signature_message}. ${verifyFailureAdvice(state.signature_problem as VerifyProblem | undefined, REPUBLISH)}`;
  return [makeDiagnostic(range, DiagnosticSeverity.Error, 'signature-mismatch', message, { path: [] })];
}
