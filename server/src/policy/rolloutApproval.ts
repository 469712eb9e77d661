// Rollouts that name their approval: the one rule that binds an approval to one rollout change.
// CAVRA's change plan says `approval_required` (SPEC 3.6) but apply-change enforces nothing (SPEC 3.7).
// The studio asks for a `policy_rollout` decision (SPEC 4.8 shape) whose digest covers the rollout id
// and the requested fields, never the plan's timestamps (`generated_at`, `updated_at` change on every
// plan, so a digest over them could never match at apply time).
import { approvalTime, overdueFor, type ExpiringApproval } from './approvalExpiry';
import { policyDigest, shortDigest } from './digest';
import type { PyValue } from './pythonValues';

export const ROLLOUT_ACTION_TYPE = 'policy_rollout';
export const ROLLOUT_APPROVER_GROUP = 'Platform Security';

/** The fields of a rollout change request that the digest covers (SPEC 3.7); credentials and actor are not the change. */
export const ROLLOUT_REQUEST_FIELDS = [
  'repository',
  'repository_id',
  'policy_pack',
  'policy_version',
  'mode',
  'state',
  'owner',
  'coverage_percent',
  'last_evaluated_at',
  'created_at',
  'evidence_refs',
] as const;

/** The requested fields that were given, nothing else. */
export function requestedRolloutFields(request: object): { [key: string]: PyValue } {
  const requested = request as { [key: string]: unknown };
  const out: { [key: string]: PyValue } = {};
  for (const field of ROLLOUT_REQUEST_FIELDS) {
    if (requested[field] !== undefined) out[field] = requested[field] as PyValue;
  }
  return out;
}

/** sha256 over canonical JSON of `{rollout_id, requested}`: the same change gives the same digest on any day. */
export function rolloutChangeDigest(rolloutId: string, requested: object): string {
  return policyDigest({ rollout_id: rolloutId, requested: requestedRolloutFields(requested) });
}

export interface RolloutPlanLike {
  risk: string;
  approval_required: boolean;
  after: { rollout_id: string; repository: string; policy_pack: string; mode: string; state: string };
  changes: { field: string }[];
}

/**
 * The decision object an approval for this change is created from (POST /approvals takes a decision).
 * `timestamp` is when it was asked for; it is not part of the digest.
 */
export function rolloutApprovalDecision(plan: RolloutPlanLike, requested: object, timestamp: string): { [key: string]: PyValue } {
  const digest = rolloutChangeDigest(plan.after.rollout_id, requested);
  return {
    decision_id: `dec_rollout_${shortDigest(digest)}`,
    session_id: `rollout:${plan.after.rollout_id}`,
    actor: 'policy-authoring-console',
    action_type: ROLLOUT_ACTION_TYPE,
    target: plan.after.rollout_id,
    requested_operation: 'apply-change',
    policy_pack: plan.after.policy_pack,
    repository: plan.after.repository,
    decision: 'require_approval',
    severity: plan.risk,
    // CAVRA needs a group (no routing rule names policy_rollout); the plan's own note routes to security.
    approver_group: ROLLOUT_APPROVER_GROUP,
    reason:
      `rollout ${plan.after.rollout_id}: ${plan.after.mode} mode, ${plan.after.state}, risk ${plan.risk}; ` +
      `changes ${plan.changes.map((c) => c.field).join(', ') || 'none'}`,
    evidence_refs: [],
    timestamp,
    rollout_change_digest: digest,
    requested_changes: requestedRolloutFields(requested),
  };
}

export interface RolloutApprovalLike extends ExpiringApproval {
  approval_id: string;
  decided_by?: unknown;
  decision?: { action_type?: unknown; target?: unknown; rollout_change_digest?: unknown } | null;
}

export type RolloutApprovalCheck =
  { ok: true; approval_id: string; state: string; decided_by: string | null } | { ok: false; why: string };

const USABLE = new Set(['approved', 'break_glass']);

/** May this approval be used to apply this change? When not, why, in words. */
export function checkRolloutApproval(
  approval: RolloutApprovalLike,
  rolloutId: string,
  requested: object,
  nowMs: number,
  skewMs = 0,
): RolloutApprovalCheck {
  const id = approval.approval_id;
  const decision = approval.decision ?? {};
  if (decision.action_type !== ROLLOUT_ACTION_TYPE) {
    return {
      ok: false,
      why: `approval ${id} is for a ${JSON.stringify(decision.action_type ?? null)} decision, not a ${ROLLOUT_ACTION_TYPE} change`,
    };
  }
  const digest = rolloutChangeDigest(rolloutId, requested);
  if (decision.rollout_change_digest !== digest) {
    return {
      ok: false,
      why:
        `approval ${id} was requested for another change (${String(decision.target)}, digest ` +
        `${String(decision.rollout_change_digest)}); this change of ${rolloutId} has digest ${digest}: request an approval for this change`,
    };
  }
  if (!USABLE.has(approval.state)) {
    return {
      ok: false,
      why: `approval ${id} is ${approval.state}: only an approved or break_glass approval lets the change apply`,
    };
  }
  const time = approvalTime(approval, nowMs, skewMs);
  if (time.kind === 'overdue') {
    return { ok: false, why: `approval ${id} expired at ${time.expiresAt} (${overdueFor(time.overdueMs)} ago)` };
  }
  if (time.kind === 'unreadable') {
    return { ok: false, why: `approval ${id} has no readable expires_at (${JSON.stringify(time.expiresAt ?? null)})` };
  }
  return {
    ok: true,
    approval_id: id,
    state: approval.state,
    decided_by: typeof approval.decided_by === 'string' ? approval.decided_by : null,
  };
}

/** What the evidence says when a change that requires approval is applied without one (CAVRA allows it, SPEC 3.7). */
export const APPLIED_WITHOUT_APPROVAL = 'applied without approval although the plan requires one';
