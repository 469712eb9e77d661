// Lint that knows CAVRA's semantics. Each rule lives in its own file; this runs them all. Shadowed
// rules and YAML 1.1 readings are kept per entry (see policyFindings.ts); the others are cheap and
// run again on every version.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import type { PolicyFindings } from '../policyFindings';
import { inheritanceLint } from './inheritance';
import { packIdentityLint } from './packIdentity';
import { runtimeCoverageLint } from './runtimeCoverage';

export function lint(a: Analysis, findings: PolicyFindings): Diagnostic[] {
  findings.inherited.refresh(a);
  return [
    ...findings.shadows.diagnostics(a.doc),
    ...findings.inherited.diagnostics(a, findings.shadows),
    ...inheritanceLint(a),
    ...packIdentityLint(a),
    ...findings.yaml11.diagnostics(a.doc),
    ...runtimeCoverageLint(a),
  ];
}
