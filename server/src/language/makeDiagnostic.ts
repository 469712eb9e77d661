import type { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver-types';
import type { DiagnosticCode, FixData } from './diagnosticCodes';

export const DIAGNOSTIC_SOURCE = 'cavra';

export function makeDiagnostic(
  range: Range,
  severity: DiagnosticSeverity,
  code: DiagnosticCode,
  message: string,
  data?: FixData,
): Diagnostic {
  const d: Diagnostic = { range, severity, code, source: DIAGNOSTIC_SOURCE, message };
  if (data) d.data = data;
  return d;
}
