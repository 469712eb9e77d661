// The same entry twice in one list: the schema requires unique items, and the second copy is noise.
// Kept per list, so an edit re-checks only the list it changed.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic } from './makeDiagnostic';
import type { PolicyDocument } from './parse/policyDocument';
import type { RuleEntry, RuleList, RuleListChange } from './parse/ruleLists';

export class DuplicateEntries {
  /** Per list: each repeated entry and the first one it repeats, in list order. */
  private repeats = new Map<RuleList, Map<RuleEntry, RuleEntry>>();

  constructor(private readonly lists: () => RuleList[]) {
    for (const list of lists()) this.check(list);
  }

  private check(list: RuleList): void {
    const first = new Map<string, RuleEntry>();
    const repeats = new Map<RuleEntry, RuleEntry>();
    for (const e of list.entries) {
      if (e.text === undefined) continue;
      const earlier = first.get(e.text);
      if (earlier) repeats.set(e, earlier);
      else first.set(e.text, e);
    }
    this.repeats.set(list, repeats);
  }

  update(change: RuleListChange): void {
    this.check(change.list);
  }

  diagnostics(doc: PolicyDocument): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const list of this.lists()) {
      for (const [e, earlier] of this.repeats.get(list) ?? []) {
        const firstLine = doc.positionAt(earlier.node.range![0]).line + 1;
        out.push(
          makeDiagnostic(
            doc.nodeRange(e.node)!,
            DiagnosticSeverity.Error,
            'duplicate-entry',
            `\`${list.key}\` lists ${JSON.stringify(e.text)} twice (first on line ${firstLine}); entries must be unique.`,
            { path: [...list.path, e.index] },
          ),
        );
      }
    }
    return out;
  }
}
