// What one analysis of a policy document holds: the value every language feature reads. Its own module,
// so the features import it and languageService.ts imports the features, and no arrow runs back.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PolicySummary } from '../policy/summary';
import type { AnalysedDocument } from './analysedDocument';
import type { PackReads } from './packCatalog';
import type { PolicyFindings } from './policyFindings';

export { packFolderOf, type AnalysedDocument, type AnalysisContext } from './analysedDocument';

export interface Analysis extends AnalysedDocument {
  diagnostics: Diagnostic[];
  summary: PolicySummary;
  valid: boolean;
  /** Per-entry findings: what the next version's analysis updates instead of redoing (absent for a file not analysed). */
  findings?: PolicyFindings;
  /**
   * The other packs this analysis read (its ancestors at least): when one of them changes, the
   * analysis is stale although its own text is not ({@link PackCatalog.isCurrent}, {@link relint}).
   */
  dependsOn?: PackReads;
}
