// "Request Approval" for a rollout change, the same for the CLI and the editor, over any backend: plan
// the change, build the `policy_rollout` decision bound to it (policy/rolloutApproval.ts), and create the
// approval through POST /approvals, as CAVRA takes any decision object.
import { pyIsoformat } from '../policy/isoTimestamp';
import { rolloutApprovalDecision } from '../policy/rolloutApproval';
import type { Backend, Decision, RolloutApprovalRequest, RolloutApprovalRequested } from './backend';

export async function requestRolloutApproval(
  backend: Backend,
  request: RolloutApprovalRequest,
  clock: () => number = Date.now,
): Promise<RolloutApprovalRequested> {
  // The approval's own fields are not part of the change (nor sent with the plan).
  const { requested_by, approver_group, ttl_hours, ...change } = request;
  const plan = await backend.rolloutChangePlan(change);
  const decision = rolloutApprovalDecision(plan, change, pyIsoformat(clock()));
  const approval = await backend.createApproval({
    decision: decision as unknown as Decision,
    ...(approver_group !== undefined ? { approver_group } : {}),
    ...(requested_by !== undefined ? { requested_by } : {}),
    ...(ttl_hours !== undefined ? { ttl_hours } : {}),
  });
  return { approval, plan, change_digest: String(decision.rollout_change_digest) };
}
