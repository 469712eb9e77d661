// CAVRA's publish risk and operator notes (SPEC 3.3, policy_authoring._policy_publish_risk).
import type { PolicyDiff } from './policyDiff';

export type Risk = 'low' | 'medium' | 'high' | 'critical';

const SENSITIVE_PREFIXES = ['approvals.', 'git.', 'mcp.', 'evidence.', 'compliance.'];

/** First match wins: create → high; anything removed → critical; sensitive path → high; other change → medium; none → low. */
export function publishRisk(hasCurrentPolicy: boolean, diff: PolicyDiff): Risk {
  if (!hasCurrentPolicy) return 'high';
  if (diff.removed.length) return 'critical';
  const touched = [...diff.added, ...diff.changed];
  if (touched.some((path) => SENSITIVE_PREFIXES.some((prefix) => path.startsWith(prefix)))) return 'high';
  if (touched.length) return 'medium';
  return 'low';
}

export function publishOperatorNotes(risk: Risk, valid: boolean): string[] {
  const notes = [
    'Publishing writes policy.yaml and policy.yaml.sig.json only after approval.',
    'The approval request is bound to the draft policy digest to prevent approving one draft and publishing another.',
  ];
  if (!valid) notes.unshift('Fix schema validation errors before requesting approval.');
  if (risk === 'high' || risk === 'critical') notes.push('Security or platform approval is required before write-back.');
  return notes;
}
