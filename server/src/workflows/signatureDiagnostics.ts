// A published pack whose text no longer matches its policy.yaml.sig.json (or whose signature fails)
// gets a diagnostic at line 1 saying so and how to fix it.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic } from '../language/makeDiagnostic';
import { packState } from './packState';

export function signatureDiagnostics(file: string, text: string, keyDirectory: string, hmacKey: string | undefined): Diagnostic[] {
  if (basename(file) !== 'policy.yaml' || !existsSync(join(dirname(file), 'policy.yaml.sig.json'))) return [];
  const state = packState(basename(dirname(file)), file, Buffer.from(text, 'utf8'), keyDirectory, hmacKey, []);
  if (state.signature === 'verified' || state.signature === 'unsigned') return [];
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: Math.max(1, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')) } };
  const message = state.signature === 'modified'
    ? `This published policy was modified since it was signed (${state.signature_message}). CAVRA will refuse it at verification. Revert the edit, or publish the change: Plan Publish → Request Publish Approval → Publish Signed (a draft in policy.draft.yaml keeps the signed pack intact meanwhile).`
    : `The signature of this published policy does not verify: ${state.signature_message}. Re-publish it with Publish Signed, or add the signer's public key to the signing key directory.`;
  return [makeDiagnostic(range, DiagnosticSeverity.Error, 'signature-mismatch', message, { path: [] })];
}
