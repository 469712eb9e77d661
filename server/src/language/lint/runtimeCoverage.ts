// Keys CAVRA's runtime evaluator never reads: an information note, so nobody believes a control
// exists when it is only declarative. Reported once, on the outermost such key.
// `metadata.mode` is the exception: `enforce` is what the runtime does anyway, so only another mode
// (which an author would expect to change behaviour) gets the note, on its value.
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import { makeDiagnostic } from '../makeDiagnostic';
import { keyString, type YamlPath } from '../parse/policyDocument';
import { schemaAt } from '../policySchema';

export function runtimeCoverageLint(a: Analysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: Node | null | undefined, path: YamlPath) => {
    if (!isMap(node)) return;
    for (const p of node.items) {
      const key = keyString(p.key);
      const childPath = [...path, key];
      const schema = schemaAt(childPath);
      if (key === 'mode' && path.join('.') === 'metadata') {
        const note = modeNote(a, p);
        if (note) out.push(note);
        continue;
      }
      if (schema?.['x-cavra-enforced'] === false) {
        out.push(
          makeDiagnostic(
            a.doc.nodeRange(p.key as Node)!,
            DiagnosticSeverity.Information,
            'not-enforced',
            `\`${childPath.join('.')}\` is declarative: CAVRA's runtime evaluator does not read it, so it blocks or allows nothing by itself.`,
            { path: childPath },
          ),
        );
        continue;
      }
      if (schema?.['x-cavra-enforced'] === true) walk(p.value as Node, childPath);
    }
  };
  walk(a.doc.root, []);
  return out;
}

function modeNote(a: Analysis, pair: Pair): Diagnostic | undefined {
  const value = pair.value as Node | null;
  if (!isScalar(value) || typeof value.value !== 'string') return undefined;
  const mode = value.value;
  const policyModes = schemaAt(['metadata', 'mode'])?.enum ?? [];
  if (mode === 'enforce' || !policyModes.includes(mode)) return undefined;
  return makeDiagnostic(
    a.doc.nodeRange(value)!,
    DiagnosticSeverity.Information,
    'not-enforced',
    `\`metadata.mode: ${mode}\` is recorded with the pack, but CAVRA's runtime evaluator does not read it: this pack's rules are applied as in \`enforce\` unless the evaluator itself runs with \`--policy-mode\` (for example \`cavra evaluate --policy-mode ${mode === 'strict_regulated' ? 'strict' : mode}\`).`,
    { path: ['metadata', 'mode'] },
  );
}
