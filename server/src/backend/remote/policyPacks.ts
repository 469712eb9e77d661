// Policy-pack endpoints of a CAVRA server (SPEC 3): catalog, draft, publish plan, publish request, publish.
import type {
  PolicyPackCatalog,
  PolicyPackDraft,
  DraftRequest,
  PublishPlan,
  PublishPlanRequest,
  PublishRequest,
  PublishRequestRequest,
  PublishRequestResult,
  PublishResult,
} from '../backend';
import type { PolicyObject } from '../../policy/inheritance';
import { isEmptyEntryDiff, publishEntryDiff } from '../../policy/policyEntryDiff';
import type { RemoteConnection } from './connection';
import * as bodies from './requestBodies';

export async function catalog(connection: RemoteConnection): Promise<PolicyPackCatalog> {
  return connection.get('/policy-pack-catalog');
}

export async function draft(connection: RemoteConnection, request: DraftRequest): Promise<PolicyPackDraft> {
  return connection.post('/policy-packs/draft', bodies.draftBody(request));
}

/**
 * CAVRA's plan, plus the change entry by entry for an update (what an approver needs to see; CAVRA's
 * `diff` names dotted paths only). Both sides come from CAVRA's own answers, so nothing is guessed: the
 * normalized draft (`POST /policy-packs/draft`, read-only) and the published pack (`GET /policy-packs`,
 * the raw registry list, SPEC 3.1). When either read fails the plan stays CAVRA's exactly and
 * `entries_unavailable` says why.
 */
export async function publishPlan(connection: RemoteConnection, request: PublishPlanRequest): Promise<PublishPlan> {
  const plan = await connection.post<PublishPlan>('/policy-packs/publish-plan', bodies.publishPlanBody(request));
  if (plan.operation !== 'update' || !plan.valid) return plan;
  try {
    const [drafted, registry] = await Promise.all([
      connection.post<PolicyPackDraft>('/policy-packs/draft', bodies.draftBody(request)),
      connection.getList<{ id?: unknown; policy?: unknown } | null>('/policy-packs'),
    ]);
    const current = registry.find((p) => p?.id === plan.policy_id);
    if (!current || typeof current.policy !== 'object' || current.policy === null)
      return { ...plan, entries_unavailable: `GET /policy-packs lists no published policy for ${plan.policy_id}` };
    const entries = publishEntryDiff(current.policy as PolicyObject, drafted.policy_pack as PolicyObject);
    return isEmptyEntryDiff(entries) ? plan : { ...plan, entries };
  } catch (error) {
    return { ...plan, entries_unavailable: `the server did not give both sides: ${(error as Error).message}` };
  }
}

export async function publishRequest(
  connection: RemoteConnection,
  request: PublishRequestRequest,
): Promise<PublishRequestResult> {
  return connection.post('/policy-packs/publish-request', bodies.publishRequestBody(request));
}

export async function publish(connection: RemoteConnection, request: PublishRequest): Promise<PublishResult> {
  return connection.post('/policy-packs/publish', bodies.publishBody(request));
}
