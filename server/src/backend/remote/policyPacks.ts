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
import type { RemoteConnection } from './connection';
import * as bodies from './requestBodies';

export async function catalog(connection: RemoteConnection): Promise<PolicyPackCatalog> {
  return connection.get('/policy-pack-catalog');
}

export async function draft(connection: RemoteConnection, request: DraftRequest): Promise<PolicyPackDraft> {
  return connection.post('/policy-packs/draft', bodies.draftBody(request));
}

export async function publishPlan(connection: RemoteConnection, request: PublishPlanRequest): Promise<PublishPlan> {
  return connection.post('/policy-packs/publish-plan', bodies.publishPlanBody(request));
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
