// Keys CAVRA's runtime evaluator never reads: an information note, so nobody believes a control
// exists when it is only declarative. Reported once, on the outermost such key.
import { isMap, type Node, type Pair } from 'yaml';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { Analysis } from '../languageService';
import { makeDiagnostic } from '../makeDiagnostic';
import { keyString, type YamlPath } from '../policyDocument';
import { schemaAt } from '../policySchema';

export function runtimeCoverageLint(a: Analysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: Node | null | undefined, path: YamlPath) => {
    if (!isMap(node)) return;
    for (const p of node.items as Pair[]) {
      const key = keyString(p.key);
      const childPath = [...path, key];
      const schema = schemaAt(childPath);
      if (schema?.['x-cavra-enforced'] === false) {
        out.push(makeDiagnostic(a.doc.nodeRange(p.key as Node)!, DiagnosticSeverity.Information, 'not-enforced',
          `\`${childPath.join('.')}\` is declarative: CAVRA's runtime evaluator does not read it, so it blocks or allows nothing by itself.`, { path: childPath }));
        continue;
      }
      if (schema?.['x-cavra-enforced'] === true) walk(p.value as Node, childPath);
    }
  };
  walk(a.doc.root, []);
  return out;
}
