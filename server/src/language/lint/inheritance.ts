// `inherits` naming packs that do not exist under the policy root, and inheritance cycles.
import { isScalar, isSeq, type Node } from 'yaml';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { isMapping } from '../../policy/pythonValues';
import type { Analysis } from '../analysis';
import { makeDiagnostic } from '../makeDiagnostic';

export function inheritanceLint(a: Analysis): Diagnostic[] {
  const found = a.doc.find(['metadata', 'inherits']);
  if (!found?.node) return [];
  const catalog = a.context.catalog;
  const value = a.doc.value;
  const meta = isMapping(value) && isMapping(value.metadata) ? value.metadata : {};
  const selfId = typeof meta.id === 'string' ? meta.id : a.packFolder;
  const entries: { id: string; node: Node; path: (string | number)[] }[] = [];
  if (isScalar(found.node) && typeof found.node.value === 'string')
    entries.push({ id: found.node.value, node: found.node, path: ['metadata', 'inherits'] });
  else if (isSeq(found.node)) {
    found.node.items.forEach((item, i) => {
      const n = item as Node;
      if (isScalar(n) && typeof n.value === 'string') entries.push({ id: n.value, node: n, path: ['metadata', 'inherits', i] });
    });
  }
  const out: Diagnostic[] = [];
  for (const e of entries) {
    const range = a.doc.nodeRange(e.node)!;
    if (e.id === selfId) {
      out.push(
        makeDiagnostic(range, DiagnosticSeverity.Error, 'inheritance-cycle', `\`${e.id}\` inherits from itself.`, {
          path: e.path,
        }),
      );
      continue;
    }
    if (catalog.policyRoots.length && !catalog.get(e.id)) {
      const roots = catalog.policyRoots.join(', ');
      out.push(
        makeDiagnostic(
          range,
          DiagnosticSeverity.Warning,
          'unknown-inherits',
          `No pack \`${e.id}\` under the policy root (${roots}); CAVRA cannot load this parent. Known packs: ${
            // Listed only here: a pass over every pack, which a keystroke in a pack with known parents must not
            // pay; and an analysis that lists every pack is re-run whenever any pack changes.
            catalog
              .all()
              .filter((p) => p.id !== selfId)
              .map((p) => p.id)
              .slice(0, 8)
              .join(', ') || 'none'
          }.`,
          { path: e.path },
        ),
      );
      continue;
    }
    if (selfId) {
      const cycle = findCycle(e.id, selfId, (id) => catalog.get(id)?.inherits ?? []);
      if (cycle) {
        out.push(
          makeDiagnostic(
            range,
            DiagnosticSeverity.Error,
            'inheritance-cycle',
            `Inheritance cycle: ${[selfId, ...cycle].join(' → ')}.`,
            { path: e.path },
          ),
        );
      }
    }
  }
  return out;
}

/** A path from `start` back to `target` through inherits edges, if one exists. */
export function findCycle(start: string, target: string, parents: (id: string) => string[]): string[] | undefined {
  const seen = new Set<string>();
  const walk = (id: string, trail: string[]): string[] | undefined => {
    if (id === target) return [...trail, id];
    if (seen.has(id)) return undefined;
    seen.add(id);
    for (const p of parents(id)) {
      const found = walk(p, [...trail, id]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, []);
}
