// The `Backend`: CAVRA's policy-pack, approval, rollout and decision API as TypeScript types.
// Every method is one CAVRA HTTP endpoint (named in its comment); request fields are CAVRA's JSON body
// fields, results are CAVRA's response bodies, key order included. `local/` implements it over files in
// the workspace, `remote/` over HTTP; both fail with `BackendError` carrying CAVRA's status and detail.
import type { RepositoryPermission } from '../policy/approvalRouting';
import type { ActorContext } from './actor/actorContext';

export const PRODUCT = 'CAVRA';

/** CAVRA's `schema_version` values. */
export const SCHEMA_VERSIONS = {
  catalog: 'cavra.policy_pack.catalog.v1',
  draft: 'cavra.policy_pack.draft.v1',
  publishPlan: 'cavra.policy_pack.publish_plan.v1',
  publishRequest: 'cavra.policy_pack.publish_request.v1',
  publishResult: 'cavra.policy_pack.publish_result.v1',
  approval: 'cavra.approval.v1',
  rollout: 'cavra.policy_rollout.v1',
  rolloutChangePlan: 'cavra.policy_rollout.change_plan.v1',
  rolloutChangeResult: 'cavra.policy_rollout.change_result.v1',
} as const;

/** Versions of this project's own documents (not CAVRA's; CAVRA has no such endpoint). */
export const STUDIO_SCHEMA_VERSIONS = {
  decisionTests: 'cavra-studio.decision_tests.v1',
  decisionTestReport: 'cavra-studio.decision_test_report.v1',
  evidenceRecord: 'cavra-studio.evidence.v1',
  evidenceVerify: 'cavra-studio.evidence_verify.v1',
} as const;

// ---------------------------------------------------------------------------------------------------
// Errors

/**
 * A failed operation as CAVRA reports it: FastAPI's `{"detail": "..."}` with an HTTP status.
 * `detail` is CAVRA's exact message where CAVRA has one. Local-only failures (store locked, store
 * unreadable) use 409/423/500 with a message naming the file, place and fix.
 */
export class BackendError extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(detail);
    this.name = 'BackendError';
  }

  /** The HTTP body CAVRA sends. */
  toJSON(): { detail: string } {
    return { detail: this.detail };
  }
}

// ---------------------------------------------------------------------------------------------------
// Shared shapes

export type Risk = 'low' | 'medium' | 'high' | 'critical';
export type Severity = Risk;
export type DecisionValue = 'allow' | 'block' | 'require_approval' | 'warn' | 'audit_only' | 'allow_with_attestation';
export type ActionType = 'read_file' | 'write_file' | 'execute_command' | 'git_operation' | 'mcp_tool_call';
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'break_glass';
export type RolloutMode = 'audit_only' | 'enforce' | 'strict' | 'break_glass';
export type RolloutState = 'planned' | 'active' | 'paused' | 'retired';

/** A draft as CAVRA's authoring API takes it (SPEC 3.2): metadata fields top level or under `metadata`. */
export type DraftPayload = { [key: string]: unknown };

/** The normalized policy (`policy_pack`): metadata {id,title,description,version[,inherits][,mode]} + sections. */
export type PolicyPackContent = { metadata: { [key: string]: unknown } } & { [section: string]: unknown };

/** SPEC 3.1 policy summary. */
export interface PolicySummary {
  policy_id: unknown;
  title: unknown;
  version: unknown;
  inherits: unknown;
  mode: unknown;
  rule_counts: {
    filesystem: number;
    commands: number;
    git: number;
    mcp: number;
    approvals: number;
    evidence: number;
    compliance: number;
  };
}

export interface PolicyDiffPaths {
  added: string[];
  removed: string[];
  changed: string[];
}

// ---------------------------------------------------------------------------------------------------
// Verified actor (SPEC 3.8). The verifier itself (jose JWT + RBAC file) lives in backend/actor.

/** Credentials a mutation may carry: CAVRA's body fields `actor_claims` / `actor_token` and the header. */
export interface ActorCredentials {
  /** Claims object. CAVRA trusts it unverified; a verifier here decides (see backend/actor). */
  actor_claims?: { [claim: string]: unknown };
  /** A compact RS256 JWT, checked against the OIDC config. */
  actor_token?: string;
  /** The HTTP `Authorization` header value (`Bearer <token>`); a header, not a body field, over HTTP. */
  authorization?: string;
}

export type { ActorContext } from './actor/actorContext';
export type { RepositoryPermission } from '../policy/approvalRouting';

/**
 * Turns credentials into a verified actor. The local backend calls it for every mutation.
 * - `required`: OIDC or RBAC is configured, so a mutation without a verified actor fails with
 *   401 "console action requires verified actor context".
 * - `verify`: null when no credentials were presented; throws an error with `status` and `detail`
 *   (CAVRA's: 400 "approval OIDC config is not configured", 401 "OIDC token is expired", …) when
 *   credentials were presented and do not verify. Unverified claims never come back as an actor.
 * - `repositoryPermissions`: the RBAC file's repository permissions, used by actor_can_decide.
 */
export interface ActorVerifier {
  readonly required: boolean;
  verify(credentials: ActorCredentials): Promise<ActorContext | null>;
  readonly repositoryPermissions?: readonly RepositoryPermission[];
}

// ---------------------------------------------------------------------------------------------------
// Catalog — GET /policy-pack-catalog

export interface PolicyPackCatalogItem {
  id: unknown;
  title: unknown;
  description: unknown;
  version: unknown;
  summary: PolicySummary;
}

export interface PolicyPackCatalog {
  schema_version: typeof SCHEMA_VERSIONS.catalog;
  product: 'CAVRA';
  total: number;
  items: PolicyPackCatalogItem[];
}

// ---------------------------------------------------------------------------------------------------
// Draft, plan, request, publish — POST /policy-packs/{draft,publish-plan,publish-request,publish}

/**
 * Where a draft comes from. Exactly one of:
 * - `draft`: the JSON payload CAVRA takes (HTTP: the body itself for /draft, `draft` for the others);
 * - `draft_yaml`: a policy.yaml text, read as CAVRA reads YAML (PyYAML safe_load). A remote backend
 *   parses it and sends `draft`; the local backend also keeps the text so that publish can write the
 *   author's bytes (comments, order) when they load to exactly the approved policy.
 * `draft_file` names the file for messages only.
 */
export interface DraftInput {
  draft?: DraftPayload;
  draft_yaml?: string;
  draft_file?: string;
}

export type DraftRequest = DraftInput;

export interface PolicyPackDraft {
  schema_version: typeof SCHEMA_VERSIONS.draft;
  product: 'CAVRA';
  valid: boolean;
  errors: string[];
  policy_pack: PolicyPackContent;
  summary: PolicySummary;
  operator_notes: string[];
}

export type PublishPlanRequest = DraftInput;

export interface PublishPlan {
  schema_version: typeof SCHEMA_VERSIONS.publishPlan;
  product: 'CAVRA';
  generated_at: string;
  operation: 'create' | 'update';
  valid: boolean;
  errors: string[];
  approval_required: true;
  risk: Risk;
  policy_id: string;
  policy_digest: string;
  /** Always `policies/<id>/policy.yaml`, whatever the real policy root. */
  target_path: string;
  summary: PolicySummary;
  diff: PolicyDiffPaths;
  operator_notes: string[];
}

export interface PublishRequestRequest extends DraftInput, ActorCredentials {
  /** Default "policy-authoring-console"; a verified actor replaces it. */
  requested_by?: string;
  /** Default "Platform Security". */
  approver_group?: string;
  /** Default "policy-catalog". */
  repository?: string;
  /** Default 24. */
  ttl_hours?: number;
}

export interface PublishRequestResult {
  schema_version: typeof SCHEMA_VERSIONS.publishRequest;
  product: 'CAVRA';
  plan: PublishPlan;
  approval: ApprovalRecord;
}

/**
 * How the local backend signs what it publishes (CLI `--private-key`, `--key-id`, `--key`). A CAVRA
 * server signs with its own key (`$CAVRA_POLICY_SIGNING_KEY`), so a remote backend ignores this.
 * Ed25519 when a private key is given, else HS256 with an HMAC key, else the digest-keyed SHA256 form.
 */
export interface PublishSigning {
  private_key_pem?: string;
  key_id?: string;
  hmac_key?: string;
  /** Replace the pack's Ed25519 signature with a weaker one (HS256, SHA256); refused (409) without it. */
  allow_weaker_signature?: boolean;
}

export interface PublishRequest extends DraftInput, ActorCredentials {
  approval_id: string;
  /** sig.json `signer`; default the verified actor, else "policy-authoring-api". */
  signer?: string;
  /** `published_by` when no verified actor; default "policy-authoring-api". */
  actor?: string;
  signing?: PublishSigning;
}

/** SPEC 4.6 approval summary (publish result, attach-decision). */
export interface ApprovalSummary {
  approval_id: string;
  decision_id: string;
  session_id: string;
  state: ApprovalState;
  approver_group: string;
  requested_by: string;
  requested_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  external_ref: string | null;
  break_glass: boolean;
  evidence_refs: string[];
}

export interface PublishResult {
  schema_version: typeof SCHEMA_VERSIONS.publishResult;
  product: 'CAVRA';
  status: 'published';
  published_at: string;
  published_by: string;
  policy_id: string;
  policy_digest: string;
  policy_path: string;
  signature_path: string;
  signature_verified: boolean;
  signature_message: string;
  approval: ApprovalSummary;
  summary: PolicySummary;
  operator_notes: string[];
}

// ---------------------------------------------------------------------------------------------------
// Decisions — POST /decisions (the local backend evaluates without persisting)

/** SPEC 4.8 decision (`ActionDecision.to_dict`), plus whatever else a producer added. */
export interface Decision {
  decision_id: string;
  session_id?: string;
  agent_id?: string;
  actor?: string;
  action_type?: string;
  target?: string;
  requested_operation?: string;
  policy_pack?: string;
  policy_id?: string;
  rule_id?: string;
  decision?: string;
  severity?: string;
  reason?: string | null;
  evidence_refs?: string[];
  approver_group?: string | null;
  timestamp?: string;
  correlation_id?: string | null;
  repository?: string;
  [field: string]: unknown;
}

export interface EvaluateRequest {
  action_type: ActionType | string;
  target?: string;
  /** Default "cavra-ai-agent-baseline". */
  policy_pack?: string;
  session_id?: string;
  agent_id?: string;
  actor?: string;
  repository?: string;
  /** git_operation; default "push". */
  operation?: string;
  /** mcp_tool_call; default "unknown" (the local backend also reads `server:tool` from `target`). */
  server?: string;
  tool?: string;
  capability?: string;
}

// ---------------------------------------------------------------------------------------------------
// Approvals — /approvals

export interface ApprovalHistoryEntry {
  event: 'requested' | 'approved' | 'denied' | 'expired' | 'break_glass';
  actor: string;
  timestamp: string;
  reason: string | null;
  external_ref?: string | null;
}

/** SPEC 4.2. Key order is CAVRA's: creation order when new, sorted (as stored) when read back. */
export interface ApprovalRecord {
  schema_version: typeof SCHEMA_VERSIONS.approval;
  product: 'CAVRA';
  approval_id: string;
  decision_id: string;
  session_id: string;
  correlation_id: string | null;
  state: ApprovalState;
  approver_group: string;
  requested_by: string;
  requested_at: string;
  expires_at: string;
  decision: Decision;
  history: ApprovalHistoryEntry[];
  evidence_refs: string[];
  decided_by?: string;
  decided_at?: string;
  decision_reason?: string;
  external_ref?: string;
  break_glass?: boolean;
  break_glass_reason?: string;
  [field: string]: unknown;
}

export interface ApprovalListQuery {
  state?: ApprovalState | string;
  approver_group?: string;
  /** Default 50, clamped to 1..500. */
  limit?: number;
  /** Default 0, negative becomes 0. */
  offset?: number;
}

/** Sorted by requested_at, newest first. */
export interface ApprovalList {
  items: ApprovalRecord[];
  total: number;
  limit: number;
  offset: number;
}

/** POST /approvals: `{decision, approver_group?, requested_by?, ttl_hours?}`. */
export interface ApprovalCreateRequest {
  decision: Decision;
  /** Wins over routing rules and the decision's own approver_group. */
  approver_group?: string;
  /** Default "ai-agent". */
  requested_by?: string;
  /** Default 24; at least 1 hour. */
  ttl_hours?: number;
}

/** POST /approvals/{id}/approve and /deny. */
export interface ApprovalDecisionRequest extends ActorCredentials {
  actor?: string;
  reason?: string;
  external_ref?: string;
}

/** POST /approvals/{id}/expire; actor defaults to "system", reason to "approval expired". */
export type ApprovalExpireRequest = ApprovalDecisionRequest;

/** POST /approvals/break-glass. */
export interface BreakGlassRequest extends ActorCredentials {
  decision: Decision;
  actor?: string;
  reason?: string;
  /** Default "Change Advisory Board". */
  approver_group?: string;
  external_ref?: string;
  /** Default 4; at least 1 hour. */
  ttl_hours?: number;
}

/** POST /approvals/{id}/attach-decision: the decision with `approval` summary and merged evidence_refs. */
export type DecisionWithApproval = Decision & { approval: ApprovalSummary; evidence_refs: string[] };

// ---------------------------------------------------------------------------------------------------
// Rollouts — /policy-rollouts

/** Fields a rollout change may carry (SPEC 3.7); unknown fields are dropped by normalization. */
export interface RolloutFields {
  rollout_id?: string;
  repository?: string;
  repository_id?: string;
  policy_pack?: string;
  policy_version?: string;
  mode?: RolloutMode | string;
  state?: RolloutState | string;
  owner?: string;
  coverage_percent?: number | string;
  last_evaluated_at?: string | null;
  created_at?: string;
  evidence_refs?: string[] | string;
}

/** SPEC 3.7 normalized rollout record, in CAVRA's key order. */
export interface PolicyRolloutRecord {
  schema_version: typeof SCHEMA_VERSIONS.rollout;
  rollout_id: string;
  repository: string;
  policy_pack: string;
  policy_version: string;
  mode: RolloutMode;
  state: RolloutState;
  owner: string;
  coverage_percent: number;
  last_evaluated_at: string | null;
  created_at: string;
  updated_at: string;
  evidence_refs: string[];
}

/**
 * POST /policy-rollouts/change-plan and /apply-change: the fields top level, or under `changes`;
 * a top-level `rollout_id` selects the current record (CAVRA looks it up only when given).
 */
export interface RolloutChangeRequest extends RolloutFields, ActorCredentials {
  changes?: RolloutFields;
  /** apply-change: who applies it when there is no verified actor (recorded in the evidence, not in the rollout). */
  actor?: string;
}

export interface RolloutFieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface RolloutChangePlan {
  schema_version: typeof SCHEMA_VERSIONS.rolloutChangePlan;
  product: 'CAVRA';
  generated_at: string;
  operation: 'create' | 'update';
  risk: Risk;
  approval_required: boolean;
  before: PolicyRolloutRecord | null;
  after: PolicyRolloutRecord;
  changes: RolloutFieldChange[];
  operator_notes: string[];
}

export interface RolloutChangeResult {
  schema_version: typeof SCHEMA_VERSIONS.rolloutChangeResult;
  product: 'CAVRA';
  actor: ActorContext | null;
  plan: RolloutChangePlan;
  rollout: PolicyRolloutRecord;
}

export interface RolloutListQuery {
  repository?: string;
  policy_pack?: string;
  state?: string;
  mode?: string;
  owner?: string;
}

/** Sorted by rollout_id. */
export interface RolloutList {
  items: PolicyRolloutRecord[];
  total: number;
}

// ---------------------------------------------------------------------------------------------------
// The interface

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
}

// ---------------------------------------------------------------------------------------------------
// Workspace-only operations (this project's; the local backend has them, CAVRA's API does not)

/** One decision test case (file format: backend/local/decisionTests.ts). */
export interface DecisionTestCase {
  name?: string;
  action: ActionType | string;
  target: string;
  /** mcp_tool_call server / git operation, when not taken from `target`. */
  server?: string;
  tool?: string;
  operation?: string;
  expect: { decision?: string; rule_id?: string; severity?: string; approver_group?: string | null };
}

export interface DecisionTestCaseResult {
  name: string;
  action: string;
  target: string;
  passed: boolean;
  expected: DecisionTestCase['expect'];
  actual: { decision: string; rule_id: string; severity: string; approver_group: string | null } | null;
  /** Why it failed, in words (mismatched fields, or the evaluation error). */
  message?: string;
  /** 1-based line of the case in its file, when known. */
  line?: number;
}

export interface DecisionTestReport {
  schema_version: typeof STUDIO_SCHEMA_VERSIONS.decisionTestReport;
  policy_pack: string;
  file: string;
  passed: number;
  failed: number;
  cases: DecisionTestCaseResult[];
}

export interface DecisionTestRequest {
  /** Pack id; default every pack with a test file. */
  policy_pack?: string;
}

/** One line of the evidence log (backend/evidence). */
export interface EvidenceRecord {
  schema_version: typeof STUDIO_SCHEMA_VERSIONS.evidenceRecord;
  seq: number;
  recorded_at: string;
  /** publish_request, approval_create, approve, deny, expire, break_glass, attach_decision, publish, rollout_apply. */
  event: string;
  actor: string | null;
  /** Verified actor context, when there was one. */
  actor_context: ActorContext | null;
  approval_ids: string[];
  /** e.g. {policy_digest, policy_file_digest, signature_digest} */
  digests: { [name: string]: string };
  /** What happened, briefly (ids, paths, states). */
  details: { [key: string]: unknown };
  /** `record_hash` of the previous line, or "sha256:0…0" for the first. */
  prev_hash: string;
  /** sha256 over the canonical JSON of this record without record_hash. */
  record_hash: string;
}

export interface EvidenceVerifyResult {
  schema_version: typeof STUDIO_SCHEMA_VERSIONS.evidenceVerify;
  ok: boolean;
  file: string;
  records: number;
  /** The first record that was altered, removed or reordered (1-based line), when not ok. */
  first_bad_line?: number;
  first_bad_seq?: number;
  message: string;
}

export interface WorkspaceOperations {
  /** Runs the decision test cases kept next to packs. */
  runDecisionTests(request?: DecisionTestRequest): Promise<DecisionTestReport[]>;
  /** Checks the hash chain of the evidence log. */
  verifyEvidence(): Promise<EvidenceVerifyResult>;
}
