// Rollout endpoints of a CAVRA server (SPEC 7): change plan, apply change, list, get.
import { checkRolloutApproval, requestedRolloutFields } from '../../policy/rolloutApproval';
import {
  BackendError,
  type RolloutApplyApproval,
  type PolicyRolloutRecord,
  type RolloutChangePlan,
  type RolloutChangeRequest,
  type RolloutChangeResult,
  type RolloutList,
  type RolloutListQuery,
} from '../backend';
import { getApproval } from './approvals';
import { pathSegments, query, type RemoteConnection } from './connection';
import type { OverdueGuardOptions } from './overdueApprovals';
import * as bodies from './requestBodies';

export async function rolloutChangePlan(connection: RemoteConnection, request: RolloutChangeRequest): Promise<RolloutChangePlan> {
  return connection.post('/policy-rollouts/change-plan', bodies.rolloutChangeBody(request));
}

/**
 * CAVRA's apply-change takes no approval id and enforces none (SPEC 3.7). With `approval_id` the studio
 * reads the approval and the plan first and refuses a mismatch before sending; the approval is then named
 * only in the studio's result (`approval`): the server's rollout record and evidence do not carry it.
 */
export async function rolloutApplyChange(
  connection: RemoteConnection,
  request: RolloutChangeRequest,
  options: OverdueGuardOptions = {},
): Promise<RolloutChangeResult> {
  const { approval_id: approvalId, ...cavraRequest } = request;
  let approval: RolloutApplyApproval | undefined;
  if (approvalId) {
    const plan = await rolloutChangePlan(connection, cavraRequest);
    const stored = await getApproval(connection, approvalId);
    const requested = requestedRolloutFields(cavraRequest.changes ?? cavraRequest);
    const check = checkRolloutApproval(
      stored,
      plan.after.rollout_id,
      requested,
      (options.clock ?? Date.now)(),
      options.approvalClockSkewMs ?? 0,
    );
    if (!check.ok) throw new BackendError(409, `rollout ${plan.after.rollout_id} not applied (nothing sent): ${check.why}`);
    approval = {
      approval_id: check.approval_id,
      state: check.state,
      decided_by: check.decided_by,
      recorded_in:
        "the studio's result only: CAVRA's apply-change takes no approval id, so the server's rollout record and evidence do not name it",
    };
  }
  const result: RolloutChangeResult = await connection.post(
    '/policy-rollouts/apply-change',
    bodies.rolloutChangeBody(cavraRequest),
  );
  // Without one, CAVRA's result as it came (the caller says when the plan required one).
  return approval ? { ...result, approval } : result;
}

export async function listRollouts(connection: RemoteConnection, q?: RolloutListQuery): Promise<RolloutList> {
  return connection.get(
    `/policy-rollouts${query(q ? { repository: q.repository, policy_pack: q.policy_pack, state: q.state, mode: q.mode, owner: q.owner } : undefined)}`,
  );
}

export async function getRollout(connection: RemoteConnection, rolloutId: string): Promise<PolicyRolloutRecord> {
  return connection.get(`/policy-rollouts/${pathSegments(rolloutId)}`);
}
