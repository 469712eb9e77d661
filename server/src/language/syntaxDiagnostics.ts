// YAML syntax errors, duplicate keys, extra documents and a non-mapping root.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { PolicyDocument } from './policyDocument';
import { makeDiagnostic } from './makeDiagnostic';

export function syntaxDiagnostics(doc: PolicyDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const err of doc.yaml.doc.errors) {
    const [start, end] = err.pos;
    const code = err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
    const message = code === 'duplicate-key'
      ? `Duplicate key \`${doc.text.slice(start, end)}\`: CAVRA keeps only the last value.`
      : `YAML syntax error: ${err.message.replace(/ at line \d+, column \d+.*$/s, '')}`;
    out.push(makeDiagnostic(doc.range(start, Math.max(end, start + 1)), DiagnosticSeverity.Error, code, message));
  }
  for (const w of doc.yaml.doc.warnings) {
    out.push(makeDiagnostic(doc.range(w.pos[0], w.pos[1]), DiagnosticSeverity.Warning, 'yaml-syntax', `YAML: ${w.message}`));
  }
  if (doc.yaml.extraDocuments.length) {
    const start = doc.yaml.extraDocuments[0].range?.[0] ?? 0;
    const [, lineEnd] = doc.lineBounds(doc.positionAt(start).line);
    out.push(makeDiagnostic(doc.range(start, Math.max(lineEnd, start + 1)), DiagnosticSeverity.Error, 'multiple-documents',
      'A second YAML document: CAVRA reads exactly one document per policy file. Remove the `---` and what follows, or move it to its own pack.'));
  }
  if (doc.yaml.loadError) {
    out.push(makeDiagnostic(doc.range(0, doc.lineBounds(0)[1]), DiagnosticSeverity.Error, 'yaml-syntax', `The YAML cannot be loaded: ${doc.yaml.loadError}`));
  }
  if (out.length === 0) {
    const v = doc.value;
    if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) {
      const range = doc.root?.range ? doc.range(doc.root.range[0], doc.root.range[1]) : doc.range(0, doc.lineBounds(0)[1]);
      out.push(makeDiagnostic(range, DiagnosticSeverity.Error, 'not-a-mapping',
        'A policy must be a YAML mapping with a `metadata` section ("Policy must be a YAML object").'));
    }
  }
  return out;
}
