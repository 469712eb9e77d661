// `Backend` over a CAVRA server's HTTP API (SPEC 3, 4, 7). Results are CAVRA's response bodies as
// sent, nothing added; `describe()` says which backend answered. Failures are RemoteBackendError
// (remoteErrors.ts); reads are retried with backoff, mutations never.
import type {
  ApprovalCreateRequest,
  ApprovalDecisionRequest,
  ApprovalExpireRequest,
  ApprovalList,
  ApprovalListQuery,
  ApprovalRecord,
  Backend,
  BreakGlassRequest,
  Decision,
  DecisionWithApproval,
  DraftRequest,
  EvaluateRequest,
  EvidenceList,
  PackState,
  PackStateRequest,
  PolicyPackCatalog,
  PublishedPack,
  PolicyPackDraft,
  PolicyRolloutRecord,
  PublishPlan,
  PublishPlanRequest,
  PublishRequest,
  PublishRequestRequest,
  PublishRequestResult,
  PublishResult,
  RolloutChangePlan,
  RolloutChangeRequest,
  RolloutChangeResult,
  RolloutList,
  RolloutListQuery,
} from '../backend';
import * as approvals from './approvals';
import { RemoteConnection, type RemoteBackendOptions } from './connection';
import * as consoleCalls from './console';
import type { ConsoleConfig, ConsoleSession, RemoteCapabilities } from './console';
import * as decisions from './decisions';
import { remoteEvidence, remotePackState, remotePublishedPack } from './packState';
import * as policyPacks from './policyPacks';
import * as rollouts from './rollouts';
import { refuseForeignDecision } from './attachCheck';
import { expireOverdueOnServer, refuseOverdue, type OverdueGuardOptions } from './overdueApprovals';

export {
  DEFAULT_AUTH_HINT,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_READ_RETRIES,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_MAX_MS,
  DEFAULT_TIMEOUT_MS,
} from './connection';
export type { RemoteBackendOptions, TokenSource } from './connection';

export interface BackendDescription {
  kind: 'remote';
  /** The server's base URL as configured (no credentials). */
  url: string;
}

export class RemoteBackend implements Backend {
  private readonly connection: RemoteConnection;

  constructor(private readonly options: RemoteBackendOptions & OverdueGuardOptions) {
    this.connection = new RemoteConnection(options);
  }

  /** Which backend answers: shown in the status bar and beside every result. */
  describe(): BackendDescription {
    return { kind: 'remote', url: this.connection.display };
  }

  // Console (console.ts)
  /** GET /console/session: who the token says the caller is, and what they may do. */
  session(): Promise<ConsoleSession> {
    return consoleCalls.session(this.connection);
  }

  /** GET /console/config: the endpoints and modes the server has. */
  consoleConfig(): Promise<ConsoleConfig> {
    return consoleCalls.consoleConfig(this.connection);
  }

  capabilities(): Promise<RemoteCapabilities> {
    return consoleCalls.capabilities(this.connection);
  }

  // Policy packs (policyPacks.ts)
  catalog(): Promise<PolicyPackCatalog> {
    return policyPacks.catalog(this.connection);
  }

  draft(request: DraftRequest): Promise<PolicyPackDraft> {
    return policyPacks.draft(this.connection, request);
  }

  publishPlan(request: PublishPlanRequest): Promise<PublishPlan> {
    return policyPacks.publishPlan(this.connection, request);
  }

  publishRequest(request: PublishRequestRequest): Promise<PublishRequestResult> {
    return policyPacks.publishRequest(this.connection, request);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    if (request.approval_id) await refuseOverdue(this.connection, this.options, String(request.approval_id), 'publish');
    return policyPacks.publish(this.connection, request);
  }

  // Approvals (approvals.ts)
  listApprovals(q?: ApprovalListQuery): Promise<ApprovalList> {
    return approvals.listApprovals(this.connection, q);
  }

  getApproval(approvalId: string): Promise<ApprovalRecord> {
    return approvals.getApproval(this.connection, approvalId);
  }

  createApproval(request: ApprovalCreateRequest): Promise<ApprovalRecord> {
    return approvals.createApproval(this.connection, request);
  }

  async approve(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    await refuseOverdue(this.connection, this.options, approvalId, 'approve');
    return approvals.approve(this.connection, approvalId, request);
  }

  expireOverdueApprovals(): Promise<ApprovalRecord[]> {
    return expireOverdueOnServer(this.connection, this.options);
  }

  async deny(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    await refuseOverdue(this.connection, this.options, approvalId, 'deny');
    return approvals.deny(this.connection, approvalId, request);
  }

  expire(approvalId: string, request?: ApprovalExpireRequest): Promise<ApprovalRecord> {
    return approvals.expire(this.connection, approvalId, request);
  }

  async attachDecision(approvalId: string, decision: Decision): Promise<DecisionWithApproval> {
    await refuseForeignDecision(this.connection, this.options, approvalId, decision);
    return approvals.attachDecision(this.connection, approvalId, decision);
  }

  breakGlass(request: BreakGlassRequest): Promise<ApprovalRecord> {
    return approvals.breakGlass(this.connection, request);
  }

  // Rollouts (rollouts.ts)
  rolloutChangePlan(request: RolloutChangeRequest): Promise<RolloutChangePlan> {
    return rollouts.rolloutChangePlan(this.connection, request);
  }

  rolloutApplyChange(request: RolloutChangeRequest): Promise<RolloutChangeResult> {
    return rollouts.rolloutApplyChange(this.connection, request, this.options);
  }

  listRollouts(q?: RolloutListQuery): Promise<RolloutList> {
    return rollouts.listRollouts(this.connection, q);
  }

  getRollout(rolloutId: string): Promise<PolicyRolloutRecord> {
    return rollouts.getRollout(this.connection, rolloutId);
  }

  // Decisions (decisions.ts)
  evaluate(request: EvaluateRequest): Promise<Decision> {
    return decisions.evaluate(this.connection, request);
  }

  // What the server reports about published packs (packState.ts): the catalog, nothing more.
  packState(request: PackStateRequest): Promise<PackState> {
    return remotePackState(request, () => this.catalog(), this.connection.display);
  }

  async publishedPack(policyId: string): Promise<PublishedPack> {
    return remotePublishedPack(policyId);
  }

  async listEvidence(): Promise<EvidenceList> {
    return remoteEvidence();
  }
}
