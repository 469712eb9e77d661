// The `Backend`: CAVRA's policy-pack, approval, rollout and decision API as TypeScript types.
// Every method is one CAVRA HTTP endpoint (named in its comment); request fields are CAVRA's JSON body
// fields, results are CAVRA's response bodies, key order included. `local/` implements it over files in
// the workspace, `remote/` over HTTP; both fail with `BackendError` carrying CAVRA's status and detail.
import type {
  ApprovalCreateRequest,
  ApprovalDecisionRequest,
  ApprovalExpireRequest,
  ApprovalList,
  ApprovalListQuery,
  ApprovalRecord,
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
} from './api';

export * from './api';
export { BackendError } from './backendError';

export interface Backend {
  /** GET /policy-pack-catalog */
  catalog(): Promise<PolicyPackCatalog>;
  /** POST /policy-packs/draft — read-only. */
  draft(request: DraftRequest): Promise<PolicyPackDraft>;
  /** POST /policy-packs/publish-plan */
  publishPlan(request: PublishPlanRequest): Promise<PublishPlan>;
  /** POST /policy-packs/publish-request */
  publishRequest(request: PublishRequestRequest): Promise<PublishRequestResult>;
  /** POST /policy-packs/publish */
  publish(request: PublishRequest): Promise<PublishResult>;

  /** GET /approvals */
  listApprovals(query?: ApprovalListQuery): Promise<ApprovalList>;
  /** GET /approvals/{approval_id} */
  getApproval(approvalId: string): Promise<ApprovalRecord>;
  /** POST /approvals */
  createApproval(request: ApprovalCreateRequest): Promise<ApprovalRecord>;
  /** POST /approvals/{approval_id}/approve */
  approve(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord>;
  /** POST /approvals/{approval_id}/deny */
  deny(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord>;
  /** POST /approvals/{approval_id}/expire */
  expire(approvalId: string, request?: ApprovalExpireRequest): Promise<ApprovalRecord>;
  /**
   * `expire` (actor `system`) on every pending approval past its `expires_at` by this machine's clock
   * and the clock skew tolerance (policy/approvalExpiry.ts); the records expired. Local: one locked write
   * of the store. Remote: CAVRA's expire endpoint per approval (CAVRA never expires on its own).
   */
  expireOverdueApprovals(): Promise<ApprovalRecord[]>;
  /** POST /approvals/{approval_id}/attach-decision */
  attachDecision(approvalId: string, decision: Decision): Promise<DecisionWithApproval>;
  /** POST /approvals/break-glass */
  breakGlass(request: BreakGlassRequest): Promise<ApprovalRecord>;

  /** POST /policy-rollouts/change-plan */
  rolloutChangePlan(request: RolloutChangeRequest): Promise<RolloutChangePlan>;
  /** POST /policy-rollouts/apply-change */
  rolloutApplyChange(request: RolloutChangeRequest): Promise<RolloutChangeResult>;
  /** GET /policy-rollouts */
  listRollouts(query?: RolloutListQuery): Promise<RolloutList>;
  /** GET /policy-rollouts/{rollout_id} */
  getRollout(rolloutId: string): Promise<PolicyRolloutRecord>;

  /** POST /decisions */
  evaluate(request: EvaluateRequest): Promise<Decision>;

  // What a workflow shows about published packs. Not CAVRA endpoints: the local backend reads the
  // workspace's files; a remote backend answers from what the server reports and says what it cannot.
  /** Published? Signature verified, modified, invalid, unsigned, or unknown (remote). */
  packState(request: PackStateRequest): Promise<PackState>;
  /** The published policy.yaml text, for a diff against the draft. */
  publishedPack(policyId: string): Promise<PublishedPack>;
  /** The newest records of this project's evidence log. */
  listEvidence(query?: EvidenceListQuery): Promise<EvidenceList>;
}

/** Workspace-only operations (this project's; the local backend has them, CAVRA's API does not). */
export interface WorkspaceOperations {
  /** Runs the decision test cases kept next to packs. */
  runDecisionTests(request?: DecisionTestRequest): Promise<DecisionTestReport[]>;
  /** Checks the hash chain of the evidence log. */
  verifyEvidence(): Promise<EvidenceVerifyResult>;
}
