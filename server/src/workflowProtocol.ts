// Every workflow request (draft, publish, approvals, rollouts, evidence): one typed RequestType per
// method, rust-analyzer style. The same methods are `workspace/executeCommand` commands named
// `cavra.server.<method>` for other editors. Params name the policy file by URI; the server reads
// the open document's text (or the file) so a draft is exactly what the editor shows.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type {
  ApprovalCreateRequest, ApprovalDecisionRequest, ApprovalList, ApprovalListQuery, ApprovalRecord, BreakGlassRequest,
  Decision, DecisionTestReport, DecisionWithApproval, EvaluateRequest, EvidenceRecord, EvidenceVerifyResult, PolicyPackCatalog,
  PolicyPackDraft, PublishPlan, PublishRequestResult, PublishResult, RolloutChangePlan, RolloutChangeRequest, RolloutChangeResult,
  RolloutList, RolloutListQuery,
} from './backend/backend';

export interface PolicyFileParams {
  /** The policy file (an open document's URI, or a file URI on disk). */
  uri: string;
}

export interface PublishRequestParams extends PolicyFileParams {
  requested_by?: string;
  approver_group?: string;
  ttl_hours?: number;
}

export interface PublishParams extends PolicyFileParams {
  approval_id: string;
  signer?: string;
  /** Key id of `<keyDirectory>/<keyId>.private.pem`; without it the local backend signs HS256/SHA256. */
  key_id?: string;
}

export interface ApprovalIdParams {
  approval_id: string;
}

export type ApprovalDecisionParams = ApprovalIdParams & ApprovalDecisionRequest;

export interface AttachDecisionParams extends ApprovalIdParams {
  decision: Decision;
}

/** What the editor knows about a pack on disk: published, signed, and whether the bytes still match. */
export interface PackState {
  policy_id: string;
  policy_path: string;
  published: boolean;
  signature_path: string | null;
  /** `verified`, `modified` (bytes changed since signing), `invalid` (signature fails), `unsigned`. */
  signature: 'verified' | 'modified' | 'invalid' | 'unsigned';
  signature_message: string;
  /** Why verification failed (signing's VerifyProblem, e.g. `digest-mismatch`), when it did. */
  signature_problem?: string;
  signed_at: string | null;
  signer: string | null;
  /** From the evidence log: the approval and digest of the latest publish of this pack. */
  published_under: { approval_id: string; policy_digest: string; published_at: string } | null;
}

export interface PublishedPackParams {
  policy_id: string;
}

export interface PublishedPack {
  policy_id: string;
  /** The published policy.yaml text, or null when the pack was never published. */
  text: string | null;
  path: string | null;
}

export interface BackendInfo {
  kind: 'local' | 'remote';
  /** Local: the workspace folder; remote: the server URL. */
  location: string;
  /** Remote: who the server says we are (GET /console/session), when known. */
  actor: string | null;
  /** Mutations refused in an untrusted workspace, and why. */
  restricted: string | null;
}

export interface CredentialsParams {
  /** The remote bearer token, kept in memory only; null clears it. */
  token: string | null;
}

export const WorkflowRequests = {
  backendInfo: new RequestType<Record<string, never>, BackendInfo, void>('cavra/backendInfo'),
  catalog: new RequestType<Record<string, never>, PolicyPackCatalog, void>('cavra/catalog'),
  packState: new RequestType<PolicyFileParams, PackState | null, void>('cavra/packState'),
  publishedPack: new RequestType<PublishedPackParams, PublishedPack, void>('cavra/publishedPack'),
  draftPreview: new RequestType<PolicyFileParams, PolicyPackDraft, void>('cavra/draftPreview'),
  publishPlan: new RequestType<PolicyFileParams, PublishPlan, void>('cavra/publishPlan'),
  publishRequest: new RequestType<PublishRequestParams, PublishRequestResult, void>('cavra/publishRequest'),
  publish: new RequestType<PublishParams, PublishResult, void>('cavra/publish'),
  listApprovals: new RequestType<ApprovalListQuery, ApprovalList, void>('cavra/approvals/list'),
  getApproval: new RequestType<ApprovalIdParams, ApprovalRecord, void>('cavra/approvals/get'),
  createApproval: new RequestType<ApprovalCreateRequest, ApprovalRecord, void>('cavra/approvals/create'),
  approve: new RequestType<ApprovalDecisionParams, ApprovalRecord, void>('cavra/approvals/approve'),
  deny: new RequestType<ApprovalDecisionParams, ApprovalRecord, void>('cavra/approvals/deny'),
  expire: new RequestType<ApprovalDecisionParams, ApprovalRecord, void>('cavra/approvals/expire'),
  attachDecision: new RequestType<AttachDecisionParams, DecisionWithApproval, void>('cavra/approvals/attachDecision'),
  breakGlass: new RequestType<BreakGlassRequest, ApprovalRecord, void>('cavra/approvals/breakGlass'),
  rolloutPlan: new RequestType<RolloutChangeRequest, RolloutChangePlan, void>('cavra/rollouts/plan'),
  rolloutApply: new RequestType<RolloutChangeRequest, RolloutChangeResult, void>('cavra/rollouts/apply'),
  listRollouts: new RequestType<RolloutListQuery, RolloutList, void>('cavra/rollouts/list'),
  evaluate: new RequestType<EvaluateRequest, Decision, void>('cavra/evaluate'),
  decisionTests: new RequestType<{ policy_pack?: string }, DecisionTestReport[], void>('cavra/decisionTests'),
  listEvidence: new RequestType<{ limit?: number }, EvidenceRecord[], void>('cavra/evidence/list'),
  verifyEvidence: new RequestType<Record<string, never>, EvidenceVerifyResult, void>('cavra/evidence/verify'),
} as const;

export type WorkflowMethod = keyof typeof WorkflowRequests;

/** Methods that change state: refused in Restricted Mode, never retried. */
export const MUTATING_METHODS: ReadonlySet<WorkflowMethod> = new Set<WorkflowMethod>([
  'publishRequest', 'publish', 'createApproval', 'approve', 'deny', 'expire', 'attachDecision', 'breakGlass', 'rolloutApply',
]);

/** Sent by the client when the remote token changes (SecretStorage stays in the client). */
export const CredentialsNotification = new NotificationType<CredentialsParams>('cavra/credentials');

/** Sent by the server after any mutation so views refresh. */
export const StoreChangedNotification = new NotificationType<{ method: WorkflowMethod }>('cavra/storeChanged');

/** The error `data` of a failed workflow request: CAVRA's HTTP status and detail. */
export interface WorkflowErrorData {
  status: number;
  detail: string;
  backend: 'local' | 'remote';
}
