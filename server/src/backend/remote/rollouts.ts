// Rollout endpoints of a CAVRA server (SPEC 7): change plan, apply change, list, get.
import type {
  PolicyRolloutRecord,
  RolloutChangePlan,
  RolloutChangeRequest,
  RolloutChangeResult,
  RolloutList,
  RolloutListQuery,
} from '../backend';
import { pathSegments, query, type RemoteConnection } from './connection';
import * as bodies from './requestBodies';

export async function rolloutChangePlan(connection: RemoteConnection, request: RolloutChangeRequest): Promise<RolloutChangePlan> {
  return connection.post('/policy-rollouts/change-plan', bodies.rolloutChangeBody(request));
}

export async function rolloutApplyChange(
  connection: RemoteConnection,
  request: RolloutChangeRequest,
): Promise<RolloutChangeResult> {
  return connection.post('/policy-rollouts/apply-change', bodies.rolloutChangeBody(request));
}

export async function listRollouts(connection: RemoteConnection, q?: RolloutListQuery): Promise<RolloutList> {
  return connection.get(
    `/policy-rollouts${query(q ? { repository: q.repository, policy_pack: q.policy_pack, state: q.state, mode: q.mode, owner: q.owner } : undefined)}`,
  );
}

export async function getRollout(connection: RemoteConnection, rolloutId: string): Promise<PolicyRolloutRecord> {
  return connection.get(`/policy-rollouts/${pathSegments(rolloutId)}`);
}
