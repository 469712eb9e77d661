// CAVRA's policy summary and rule counts (SPEC 3.1): a list counts its length, a mapping the sum of
// its values, any other truthy value 1.
import { POLICY_SECTIONS, type PolicySection } from './draft';
import { isMapping, pyTruthy, type PyValue } from './pythonValues';

export type RuleCounts = Record<PolicySection, number>;

export interface PolicySummary {
  policy_id: PyValue;
  title: PyValue;
  version: PyValue;
  inherits: PyValue;
  mode: PyValue;
  rule_counts: RuleCounts;
}

export function countRules(value: PyValue | undefined): number {
  if (Array.isArray(value)) return value.length;
  if (isMapping(value)) {
    let total = 0;
    for (const v of Object.values(value)) total += countRules(v);
    return total;
  }
  return pyTruthy(value) ? 1 : 0;
}

export function ruleCounts(policy: PyValue | undefined): RuleCounts {
  const p = isMapping(policy) ? policy : {};
  const counts = {} as RuleCounts;
  for (const s of POLICY_SECTIONS) counts[s] = countRules(p[s]);
  return counts;
}

export function totalRules(counts: RuleCounts): number {
  return POLICY_SECTIONS.reduce((sum, s) => sum + counts[s], 0);
}

export function policySummary(policy: PyValue | undefined): PolicySummary {
  const p = isMapping(policy) ? policy : {};
  const meta = isMapping(p.metadata) ? p.metadata : {};
  return {
    policy_id: meta.id ?? null,
    title: meta.title ?? null,
    version: meta.version ?? null,
    inherits: meta.inherits ?? null,
    // CAVRA: metadata.get("mode", "enforce"): the default applies only when the key is absent.
    mode: 'mode' in meta ? meta.mode! : 'enforce',
    rule_counts: ruleCounts(p),
  };
}
