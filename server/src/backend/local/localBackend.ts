// The `Backend` over files in the workspace, compatible with CAVRA's own files so that CAVRA's CLI and
// this extension can share a workspace: packs under the policy root, approvals in CAVRA's approval
// store, rollouts in CAVRA's inventory store, plus this project's hash-chained evidence log. Each
// group of endpoints lives in its own file (drafts, publishing, approvals, rollouts, decisions).
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
  DecisionTestReport,
  DecisionTestRequest,
  DecisionWithApproval,
  DraftRequest,
  EvaluateRequest,
  EvidenceList,
  EvidenceListQuery,
  EvidenceVerifyResult,
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
  WorkspaceOperations,
} from '../backend';
import type { EvidenceLog } from '../evidence';
import * as approvals from './approvals';
import type { ApprovalStore } from './approvalStore';
import { runDecisionTests } from './decisionTests';
import * as decisions from './decisions';
import * as drafts from './drafts';
import * as packs from './publishedPacks';
import type { InventoryStore } from './inventoryStore';
import type { LocalBackendOptions, ResolvedPaths } from './options';
import type { PolicyRegistry } from './policyRegistry';
import * as publishing from './publishing';
import * as rollouts from './rollouts';
import { LocalWorkspace } from './workspace';

export { resolvePaths } from './options';
export type { LocalBackendOptions, ResolvedPaths } from './options';

export class LocalBackend implements Backend, WorkspaceOperations {
  readonly paths: ResolvedPaths;
  readonly registry: PolicyRegistry;
  readonly approvals: ApprovalStore;
  readonly inventory: InventoryStore;
  readonly evidence: EvidenceLog;
  private readonly ws: LocalWorkspace;

  constructor(options: LocalBackendOptions) {
    this.ws = new LocalWorkspace(options);
    ({
      paths: this.paths,
      registry: this.registry,
      approvals: this.approvals,
      inventory: this.inventory,
      evidence: this.evidence,
    } = this.ws);
  }

  // Drafts and plans (drafts.ts)
  catalog(): Promise<PolicyPackCatalog> {
    return drafts.catalog(this.ws);
  }

  draft(request: DraftRequest): Promise<PolicyPackDraft> {
    return drafts.draft(this.ws, request);
  }

  publishPlan(request: PublishPlanRequest): Promise<PublishPlan> {
    return drafts.publishPlan(this.ws, request);
  }

  publishRequest(request: PublishRequestRequest): Promise<PublishRequestResult> {
    return drafts.publishRequest(this.ws, request);
  }

  // Publishing (publishing.ts)
  publish(request: PublishRequest): Promise<PublishResult> {
    return publishing.publish(this.ws, request);
  }

  // Approvals (approvals.ts)
  listApprovals(query: ApprovalListQuery = {}): Promise<ApprovalList> {
    return approvals.listApprovals(this.ws, query);
  }

  getApproval(approvalId: string): Promise<ApprovalRecord> {
    return approvals.getApproval(this.ws, approvalId);
  }

  createApproval(request: ApprovalCreateRequest): Promise<ApprovalRecord> {
    return approvals.createApproval(this.ws, request);
  }

  approve(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    return approvals.approve(this.ws, approvalId, request);
  }

  deny(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    return approvals.deny(this.ws, approvalId, request);
  }

  expire(approvalId: string, request: ApprovalExpireRequest = {}): Promise<ApprovalRecord> {
    return approvals.expire(this.ws, approvalId, request);
  }

  attachDecision(approvalId: string, decision: Decision): Promise<DecisionWithApproval> {
    return approvals.attachDecision(this.ws, approvalId, decision);
  }

  expireOverdueApprovals(): Promise<ApprovalRecord[]> {
    return approvals.expireOverdue(this.ws);
  }

  breakGlass(request: BreakGlassRequest): Promise<ApprovalRecord> {
    return approvals.breakGlass(this.ws, request);
  }

  // Rollouts (rollouts.ts)
  rolloutChangePlan(request: RolloutChangeRequest): Promise<RolloutChangePlan> {
    return rollouts.rolloutChangePlan(this.ws, request);
  }

  rolloutApplyChange(request: RolloutChangeRequest): Promise<RolloutChangeResult> {
    return rollouts.rolloutApplyChange(this.ws, request);
  }

  listRollouts(query: RolloutListQuery = {}): Promise<RolloutList> {
    return rollouts.listRollouts(this.ws, query);
  }

  getRollout(rolloutId: string): Promise<PolicyRolloutRecord> {
    return rollouts.getRollout(this.ws, rolloutId);
  }

  // Decisions (decisions.ts)
  evaluate(request: EvaluateRequest): Promise<Decision> {
    return decisions.evaluate(this.ws, request);
  }

  // Workspace-only
  async runDecisionTests(request: DecisionTestRequest = {}): Promise<DecisionTestReport[]> {
    return runDecisionTests(this.registry, request.policy_pack);
  }

  async verifyEvidence(): Promise<EvidenceVerifyResult> {
    return this.evidence.verify();
  }

  // Published packs as the workspace's files show them (publishedPacks.ts)
  packState(request: PackStateRequest): Promise<PackState> {
    return packs.packState(this.ws, request);
  }

  publishedPack(policyId: string): Promise<PublishedPack> {
    return packs.publishedPack(this.ws, policyId);
  }

  listEvidence(query: EvidenceListQuery = {}): Promise<EvidenceList> {
    return packs.listEvidence(this.ws, query);
  }
}

export function createLocalBackend(options: LocalBackendOptions): LocalBackend {
  return new LocalBackend(options);
}
