// CAVRA's policy rollout records and change plans (SPEC 3.6, 3.7; inventory.py
// normalize_policy_rollout_record, policy_authoring.build_rollout_change_plan).
import { compareCodePoints, pyEquals } from './policyDiff';
import { pyStr, pyTruthy, type PyValue } from './pythonValues';
import type { Risk } from './publishRisk';

export const ROLLOUT_STATES = ['active', 'paused', 'planned', 'retired'] as const;
export const ROLLOUT_MODES = ['audit_only', 'break_glass', 'enforce', 'strict'] as const;

export class RolloutError extends Error {}

export interface RolloutRecord {
  schema_version: 'cavra.policy_rollout.v1';
  rollout_id: string;
  repository: string;
  policy_pack: string;
  policy_version: string;
  mode: string;
  state: string;
  owner: string;
  coverage_percent: number;
  last_evaluated_at: PyValue;
  created_at: PyValue;
  updated_at: string;
  evidence_refs: string[];
}

export interface RolloutChange {
  field: string;
  before: PyValue;
  after: PyValue;
}

export interface RolloutChangePlanBody {
  schema_version: 'cavra.policy_rollout.change_plan.v1';
  product: 'CAVRA';
  generated_at: string;
  operation: 'create' | 'update';
  risk: Risk;
  approval_required: boolean;
  before: RolloutRecord | null;
  after: RolloutRecord;
  changes: RolloutChange[];
  operator_notes: string[];
}

type Payload = { [key: string]: PyValue | undefined };

function get(payload: Payload, key: string, fallback: PyValue): PyValue {
  return Object.prototype.hasOwnProperty.call(payload, key) && payload[key] !== undefined ? payload[key]! : fallback;
}

/** Python `int(value)` for the values JSON can carry; ValueError text as Python words it. */
export function pyInt(value: PyValue): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new RolloutError(`cannot convert float ${value > 0 ? 'infinity' : value < 0 ? '-infinity' : 'NaN'} to integer`);
    return Math.trunc(value);
  }
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^[+-]?\d+(?:_\d+)*$/.test(s)) return Number(s.replace(/_/g, ''));
    throw new RolloutError(`invalid literal for int() with base 10: ${pyStr([value]).slice(1, -1)}`);
  }
  throw new RolloutError(
    `int() argument must be a string, a bytes-like object or a real number, not '${value === null ? 'NoneType' : Array.isArray(value) ? 'list' : 'dict'}'`,
  );
}

function stringList(value: PyValue): string[] {
  if (value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item) => item !== null).map((item) => pyStr(item));
  throw new RolloutError('expected a string or list of strings');
}

/** normalize_policy_rollout_record: `now` is the Python isoformat timestamp to stamp. */
export function normalizeRolloutRecord(payload: Payload, now: string): RolloutRecord {
  const repository = pyTruthy(payload.repository) ? payload.repository! : payload.repository_id;
  const policyPack = payload.policy_pack;
  if (!pyTruthy(repository)) throw new RolloutError('policy rollout must include repository');
  if (!pyTruthy(policyPack)) throw new RolloutError('policy rollout must include policy_pack');
  const state = pyStr(get(payload, 'state', 'planned'));
  const mode = pyStr(get(payload, 'mode', 'enforce'));
  if (!(ROLLOUT_STATES as readonly string[]).includes(state)) {
    throw new RolloutError(`policy rollout state must be one of: ${ROLLOUT_STATES.join(', ')}`);
  }
  if (!(ROLLOUT_MODES as readonly string[]).includes(mode)) {
    throw new RolloutError(`policy rollout mode must be one of: ${ROLLOUT_MODES.join(', ')}`);
  }
  const rolloutId = pyTruthy(payload.rollout_id) ? payload.rollout_id! : `${pyStr(repository!)}:${pyStr(policyPack!)}`;
  return {
    schema_version: 'cavra.policy_rollout.v1',
    rollout_id: pyStr(rolloutId),
    repository: pyStr(repository!),
    policy_pack: pyStr(policyPack!),
    policy_version: pyStr(get(payload, 'policy_version', 'latest')),
    mode,
    state,
    owner: pyStr(get(payload, 'owner', 'platform-security')),
    coverage_percent: pyInt(get(payload, 'coverage_percent', 0)),
    last_evaluated_at: get(payload, 'last_evaluated_at', null),
    created_at: pyTruthy(payload.created_at) ? payload.created_at! : now,
    updated_at: now,
    evidence_refs: stringList(get(payload, 'evidence_refs', [])),
  };
}

/** Create: every field of `after`, sorted; update: every field whose value differs. */
export function rolloutChanges(before: Payload | null, after: RolloutRecord): RolloutChange[] {
  const a = after as unknown as Payload;
  if (before === null) {
    return Object.keys(a)
      .sort(compareCodePoints)
      .map((field) => ({ field, before: null, after: a[field] ?? null }));
  }
  const fields = [...new Set([...Object.keys(before), ...Object.keys(a)])].sort(compareCodePoints);
  return fields
    .filter((field) => !pyEquals(before[field] ?? null, a[field] ?? null))
    .map((field) => ({ field, before: before[field] ?? null, after: a[field] ?? null }));
}

/** First match wins (SPEC 3.6). */
export function rolloutRisk(before: Payload | null, after: RolloutRecord, changes: RolloutChange[]): Risk {
  if (after.mode === 'break_glass') return 'critical';
  if (before && pyTruthy(before) && before.mode === 'audit_only' && (after.mode === 'enforce' || after.mode === 'strict'))
    return 'high';
  if (after.mode === 'strict' || after.state === 'active') return 'medium';
  if (changes.length > 3) return 'medium';
  return 'low';
}

export function rolloutOperatorNotes(risk: Risk): string[] {
  const notes = ['Review policy diff, evidence references, and repository owner before applying.'];
  if (risk === 'high' || risk === 'critical')
    notes.push('Route this rollout change through security approval before enforcement.');
  return notes;
}

/**
 * build_rollout_change_plan: the current record (or null) merged with the requested fields, then
 * normalized. `now` stamps the record, `generatedAt` the plan (CAVRA reads the clock twice).
 */
export function buildRolloutChangePlan(
  current: Payload | null,
  requested: Payload,
  now: string,
  generatedAt: string,
): RolloutChangePlanBody {
  const hasCurrent = current !== null && Object.keys(current).length > 0;
  const defined = Object.fromEntries(Object.entries(requested).filter(([, v]) => v !== undefined));
  const after = normalizeRolloutRecord({ ...(current ?? {}), ...defined }, now);
  const before = hasCurrent ? current : null;
  const changes = rolloutChanges(before, after);
  const risk = rolloutRisk(before, after, changes);
  return {
    schema_version: 'cavra.policy_rollout.change_plan.v1',
    product: 'CAVRA',
    generated_at: generatedAt,
    operation: hasCurrent ? 'update' : 'create',
    risk,
    approval_required: risk === 'high' || risk === 'critical' || after.mode === 'strict' || after.mode === 'break_glass',
    before: before as RolloutRecord | null,
    after,
    changes,
    operator_notes: rolloutOperatorNotes(risk),
  };
}
