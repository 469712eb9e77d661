// Lint that knows CAVRA's semantics. Each rule lives in its own file; this runs them all.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Analysis } from '../languageService';
import { inheritanceLint } from './inheritance';
import { packIdentityLint } from './packIdentity';
import { runtimeCoverageLint } from './runtimeCoverage';
import { shadowedRulesLint } from './shadowedRules';
import { yaml11Lint } from './yaml11';

export function lint(a: Analysis): Diagnostic[] {
  return [...shadowedRulesLint(a), ...inheritanceLint(a), ...packIdentityLint(a), ...yaml11Lint(a), ...runtimeCoverageLint(a)];
}
