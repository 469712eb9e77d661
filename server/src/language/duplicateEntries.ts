// The same entry twice in one list: the schema requires unique items, and the second copy is noise.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic } from './makeDiagnostic';
import type { PolicyDocument } from './policyDocument';
import { ruleLists } from './ruleLists';

export function duplicateEntries(doc: PolicyDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const list of ruleLists(doc)) {
    const first = new Map<string, number>();
    for (const e of list.entries) {
      if (e.text === undefined) continue;
      const earlier = first.get(e.text);
      if (earlier === undefined) {
        first.set(e.text, e.index);
        continue;
      }
      const range = doc.nodeRange(e.node)!;
      const firstLine = doc.nodeRange(list.entries[earlier].node)!.start.line + 1;
      out.push(makeDiagnostic(range, DiagnosticSeverity.Error, 'duplicate-entry',
        `\`${list.key}\` lists ${JSON.stringify(e.text)} twice (first on line ${firstLine}); entries must be unique.`,
        { path: [...list.path, e.index] }));
    }
  }
  return out;
}
