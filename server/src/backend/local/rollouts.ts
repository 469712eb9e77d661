// Rollouts (POST /policy-rollouts/change-plan and /apply-change, GET /policy-rollouts…): a change is
// planned as CAVRA plans it, applied to the inventory store and recorded.
import { isMapping, pyTruthy, type PyValue } from '../../policy/pythonValues';
import { buildRolloutChangePlan, normalizeRolloutRecord, RolloutError } from '../../policy/rollout';
import { APPLIED_WITHOUT_APPROVAL, checkRolloutApproval } from '../../policy/rolloutApproval';
import {
  BackendError,
  PRODUCT,
  SCHEMA_VERSIONS,
  type ActorContext,
  type PolicyRolloutRecord,
  type RolloutApplyApproval,
  type RolloutChangePlan,
  type RolloutChangeRequest,
  type RolloutChangeResult,
  type RolloutList,
  type RolloutListQuery,
} from '../backend';
import type { LocalWorkspace } from './workspace';

function publicActor(ctx: ActorContext): ActorContext {
  return { actor: ctx.actor, subject: ctx.subject, issuer: ctx.issuer, groups: [...ctx.groups], repository: ctx.repository };
}

function rolloutRequest(request: RolloutChangeRequest): {
  rolloutId?: string;
  requested: { [key: string]: PyValue | undefined };
} {
  const requested = (isMapping(request.changes) ? request.changes : request) as { [key: string]: PyValue | undefined };
  return { rolloutId: pyTruthy(request.rollout_id) ? String(request.rollout_id) : undefined, requested };
}

function planChange(
  ws: LocalWorkspace,
  current: PolicyRolloutRecord | null,
  requested: { [key: string]: PyValue | undefined },
): RolloutChangePlan {
  try {
    const now = ws.now();
    return buildRolloutChangePlan(current as never, requested, now, ws.now()) as unknown as RolloutChangePlan;
  } catch (error) {
    if (error instanceof RolloutError) throw new BackendError(400, error.message);
    throw error;
  }
}

export async function rolloutChangePlan(ws: LocalWorkspace, request: RolloutChangeRequest): Promise<RolloutChangePlan> {
  const { rolloutId, requested } = rolloutRequest(request);
  const current = rolloutId ? (ws.inventory.get(rolloutId) ?? null) : null;
  return planChange(ws, current, requested);
}

export async function rolloutApplyChange(ws: LocalWorkspace, request: RolloutChangeRequest): Promise<RolloutChangeResult> {
  const ctx = await ws.actor(request);
  const { rolloutId, requested } = rolloutRequest(request);
  return ws.inventory.mutate(
    (get) => {
      const current = rolloutId ? (get(rolloutId) ?? null) : null;
      const plan = planChange(ws, current, requested);
      let record: PolicyRolloutRecord;
      try {
        record = normalizeRolloutRecord(plan.after as never, ws.now()) as unknown as PolicyRolloutRecord;
      } catch (error) {
        if (error instanceof RolloutError) throw new BackendError(400, error.message);
        throw error;
      }
      const approval = applyApproval(ws, request, plan, requested);
      // The rollout record itself names the approval, as an evidence reference CAVRA's schema already has.
      if (approval.approval_id)
        record = { ...record, evidence_refs: [...record.evidence_refs, `approval:${approval.approval_id}`] };
      const result: RolloutChangeResult = {
        schema_version: SCHEMA_VERSIONS.rolloutChangeResult,
        product: PRODUCT,
        actor: ctx ? publicActor(ctx) : null,
        plan,
        rollout: record,
        // CAVRA's result exactly, unless the studio's approval_id was used.
        ...(approval.approval_id ? { approval } : {}),
      };
      return { record, result };
    },
    (result) =>
      ws.record({
        // Never null: the verified actor, else who the caller says applied it, else the console's name.
        event: 'rollout_apply',
        actor: ctx ? ctx.actor : request.actor || 'policy-authoring-console',
        actor_context: ctx,
        approval_ids: result.approval?.approval_id ? [result.approval.approval_id] : [],
        details: {
          rollout_id: result.rollout.rollout_id,
          operation: result.plan.operation,
          risk: result.plan.risk,
          approval_required: result.plan.approval_required,
          changed_fields: result.plan.changes.map((c) => c.field),
          mode: result.rollout.mode,
          state: result.rollout.state,
          approval: result.approval ?? withoutApproval(result.plan),
        },
      }),
  );
}

/** The evidence's words for a change applied without approval (CAVRA allows it, SPEC 3.7). */
function withoutApproval(plan: RolloutChangePlan): RolloutApplyApproval {
  return {
    approval_id: null,
    approval_required: plan.approval_required,
    note: plan.approval_required ? APPLIED_WITHOUT_APPROVAL : null,
  };
}

/**
 * The approval a change is applied under (policy/rolloutApproval.ts decides whether it matches).
 * Without one the change applies as CAVRA applies it (SPEC 3.7 does not enforce approval), and the
 * evidence says so in words when the plan required one.
 */
function applyApproval(
  ws: LocalWorkspace,
  request: RolloutChangeRequest,
  plan: RolloutChangePlan,
  requested: { [key: string]: PyValue | undefined },
): RolloutApplyApproval {
  if (!request.approval_id) return withoutApproval(plan);
  const stored = ws.approvals.get(String(request.approval_id));
  if (!stored) throw new BackendError(404, `approval ${request.approval_id} not found (rollout apply --approval)`);
  const check = checkRolloutApproval(stored, plan.after.rollout_id, requested, ws.clock(), ws.clockSkewMs);
  if (!check.ok) throw new BackendError(409, `rollout ${plan.after.rollout_id} not applied: ${check.why}`);
  return {
    approval_id: check.approval_id,
    state: check.state,
    decided_by: check.decided_by,
    recorded_in: 'the rollout record (evidence_refs) and the rollout_apply evidence event',
  };
}

export async function listRollouts(ws: LocalWorkspace, query: RolloutListQuery = {}): Promise<RolloutList> {
  return ws.inventory.list(query);
}

export async function getRollout(ws: LocalWorkspace, rolloutId: string): Promise<PolicyRolloutRecord> {
  const rollout = ws.inventory.get(rolloutId);
  if (!rollout) throw new BackendError(404, 'policy rollout not found');
  return rollout;
}
