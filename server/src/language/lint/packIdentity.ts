// The pack's identity as CAVRA reads it: the id matches its folder, the mode comes from the policy
// vocabulary, and only keys CAVRA keeps are written.
import { isMap, isScalar, type Node } from 'yaml';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { POLICY_SECTIONS } from '../../policy/draft';
import type { Analysis } from '../analysis';
import { makeDiagnostic } from '../makeDiagnostic';
import { keyString, MERGE_KEY } from '../parse/policyDocument';

const METADATA_KEPT = new Set(['id', 'title', 'description', 'version', 'inherits', 'mode']);
const ROLLOUT_MODES: Record<string, string> = { strict: 'strict_regulated' };

export function packIdentityLint(a: Analysis): Diagnostic[] {
  const doc = a.doc;
  const out: Diagnostic[] = [];
  const id = doc.find(['metadata', 'id']);
  if (a.packFolder && isScalar(id?.node) && typeof id.node.value === 'string' && id.node.value !== a.packFolder) {
    out.push(
      makeDiagnostic(
        doc.nodeRange(id.node)!,
        DiagnosticSeverity.Warning,
        'id-folder-mismatch',
        `\`metadata.id\` is \`${id.node.value}\` but the pack folder is \`${a.packFolder}\`; CAVRA publishes to policies/${id.node.value}/ and other packs find it by id.`,
        { path: ['metadata', 'id'], replacements: [a.packFolder] },
      ),
    );
  }
  const mode = doc.find(['metadata', 'mode']);
  if (isScalar(mode?.node) && typeof mode.node.value === 'string' && ROLLOUT_MODES[mode.node.value]) {
    const fix = ROLLOUT_MODES[mode.node.value];
    out.push(
      makeDiagnostic(
        doc.nodeRange(mode.node)!,
        DiagnosticSeverity.Error,
        'wrong-mode-vocabulary',
        `\`${mode.node.value}\` is a rollout mode, not a policy mode: in a policy pack use \`${fix}\` (policy modes: audit_only, enforce, strict_regulated, break_glass). Rollout modes are set on the rollout record.`,
        { path: ['metadata', 'mode'], replacements: [fix] },
      ),
    );
  }
  const root = doc.root;
  if (isMap(root)) {
    for (const p of root.items) {
      const k = keyString(p.key);
      if (k === 'metadata' || k === MERGE_KEY || (POLICY_SECTIONS as readonly string[]).includes(k)) continue;
      out.push(
        makeDiagnostic(
          doc.nodeRange(p.key as Node)!,
          DiagnosticSeverity.Warning,
          'dropped-by-draft',
          `CAVRA drops the top-level key \`${k}\` when it builds a draft, so it is never published. Sections CAVRA keeps: metadata, ${POLICY_SECTIONS.join(', ')}.`,
          { path: [k] },
        ),
      );
    }
    const meta = doc.find(['metadata'])?.node;
    if (isMap(meta)) {
      for (const p of meta.items) {
        const k = keyString(p.key);
        if (METADATA_KEPT.has(k) || k === MERGE_KEY) continue;
        out.push(
          makeDiagnostic(
            doc.nodeRange(p.key as Node)!,
            DiagnosticSeverity.Information,
            'dropped-by-draft',
            `CAVRA keeps only id, title, description, version, inherits and mode in a draft's metadata; \`metadata.${k}\` is dropped when published.`,
            { path: ['metadata', k] },
          ),
        );
      }
    }
  }
  return out;
}
