// `cavra/documentState`: what the status bar shows about an open policy file, from its cached analysis.
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Analysis } from './language/languageService';
import { buildPolicyPack } from './policy/draft';
import { policyDigest } from './policy/digest';
import { totalRules } from './policy/summary';
import type { DocumentState } from './protocol';

export function documentState(uri: string, a: Analysis): DocumentState {
  let digest: string | null;
  try {
    digest = a.doc.value ? policyDigest(buildPolicyPack(a.doc.value)) : null;
  } catch {
    digest = null;
  }
  return {
    uri,
    version: a.doc.version,
    valid: a.valid,
    errors: a.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length,
    warnings: a.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length,
    summary: a.summary,
    totalRules: totalRules(a.summary.rule_counts),
    policyDigest: digest,
    packFolder: a.packFolder ?? null,
  };
}
