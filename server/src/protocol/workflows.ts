// Every workflow request (draft, publish, approvals, rollouts, evidence): one typed RequestType per
// method, rust-analyzer style. The same methods are `workspace/executeCommand` commands named
// `cavra.server.<method>` for other editors. Params name the policy file by URI; the server reads
// the open document's text (or the file) so a draft is exactly what the editor shows. Every request
// may also name the workspace folder it acts on (`FolderParams`): each folder has its own store and settings.
import { RequestType, type RequestParam } from 'vscode-languageserver-protocol';
import type { ActorAuth, ActorRefusal, VerifiedActor, VerifyActorParams } from './actorAuth';
import type { ExportEvidenceBundleParams, ExportEvidenceBundleResult } from './evidenceBundle';
import type { PackHistory, PackHistoryParams } from './packHistory';
import type { ImpactParams, ImpactResult, RolloutImpactParams, RolloutImpactResult } from './impact';
import type {
  ApprovalCreateRequest,
  ApprovalDecisionRequest,
  ApprovalList,
  ApprovalListQuery,
  ApprovalRecord,
  BreakGlassRequest,
  Decision,
  DecisionTestReport,
  DecisionTestRequest,
  DecisionWithApproval,
  EvaluateRequest,
  EvidenceList,
  EvidenceListQuery,
  FilteredApprovals,
  FilteredApprovalsQuery,
  EvidenceVerifyResult,
  PackState,
  PolicyPackCatalog,
  PolicyPackDraft,
  PublishedPack,
  PublishPlan,
  PublishRequestResult,
  PublishResult,
  RolloutApprovalRequest,
  RolloutApprovalRequested,
  RolloutChangePlan,
  RolloutChangeRequest,
  RolloutChangeResult,
  RolloutList,
  RolloutListQuery,
} from './types';

/** A request without parameters (send `{}`). */
export type NoParams = Record<string, never>;

/**
 * Which workspace folder a request acts on (its policy root, store, keys and settings). Without it: the
 * folder holding the request's `uri`, else the first folder. A value that is not a workspace folder is refused.
 */
export interface FolderParams {
  /** The workspace folder's URI, as the editor sent it in `workspaceFolders`. */
  folder?: string;
}

/** A request's own params plus the folder it acts on (a request without params takes just the folder). */
type InFolder<P> = (P extends NoParams ? unknown : P) & FolderParams;

export interface PolicyFileParams {
  /** The policy file (an open document's URI, or a file URI on disk). */
  uri: string;
}

export interface PublishRequestParams extends PolicyFileParams {
  requested_by?: string;
  approver_group?: string;
  ttl_hours?: number;
  /** The verified actor's OIDC token (CAVRA's `actor_token`), when the folder needs one (`actorAuth`). */
  actor_token?: string;
}

export interface PublishParams extends PolicyFileParams {
  approval_id: string;
  signer?: string;
  /**
   * Key id of `<keyId>.private.pem` in the key directory, else in the user's key home; without it (and
   * without external_signer) the local backend signs HS256/SHA256.
   */
  key_id?: string;
  /** Sign through the user's `cavra.signing.externalSigner` (never a workspace setting; refused in Restricted Mode). */
  external_signer?: boolean;
  /** The verified actor's OIDC token (CAVRA's `actor_token`), when the folder needs one (`actorAuth`). */
  actor_token?: string;
}

/** A private key file found under the workspace (the `private-key-in-workspace` warning). */
export interface MovePrivateKeyParams {
  uri: string;
}

export interface MovedPrivateKey {
  from: string;
  /** In the user's key home, outside every workspace. */
  to: string;
}

export interface ApprovalIdParams {
  approval_id: string;
}

export type ApprovalDecisionParams = ApprovalIdParams & ApprovalDecisionRequest;

export interface AttachDecisionParams extends ApprovalIdParams {
  decision: Decision;
}

/** The approval to review and, optionally, the draft file to review it against. */
export interface ApprovalChangesParams extends ApprovalIdParams {
  uri?: string;
}

/** What a publish approval changes, entry by entry, when its draft is in the workspace (workflows/approvalChanges.ts). */
export interface ApprovalChanges {
  approval_id: string;
  /** `shown`: a draft with the approval's digest was found and planned; otherwise `message` says what can be shown. */
  kind: 'shown' | 'not_a_publish' | 'draft_not_found';
  message: string;
  policy_digest?: string;
  /** The file of the draft that matches the approval's digest. */
  draft_file?: string;
  /** That draft's publish plan (CAVRA's `diff`, and `entries` from the local backend). */
  plan?: PublishPlan;
  /** The files looked at, each with its digest or why it could not be read. */
  tried?: { file: string; digest?: string; error?: string }[];
}

export interface PublishedPackParams {
  policy_id: string;
}

export interface BackendInfo {
  kind: 'local' | 'remote';
  /** Local: the workspace folder; remote: the server URL. */
  location: string;
  /** Remote: who the server says we are (GET /console/session), when known. */
  actor: string | null;
  /** Mutations refused in an untrusted workspace, and why. */
  restricted: string | null;
  /** Local: the approval store file (the client's inbox watches it); absent for a remote backend. */
  approval_store?: string;
}

/** The error `data` of a failed workflow request: CAVRA's HTTP status and detail. */
export interface WorkflowErrorData {
  status: number;
  detail: string;
  backend: 'local' | 'remote';
  /** A refusal for the actor (no token, expired, wrong audience, not in the group): why, and the fix. */
  actor?: ActorRefusal;
}

const requests = {
  backendInfo: new RequestType<NoParams, BackendInfo, WorkflowErrorData>('cavra/backendInfo'),
  catalog: new RequestType<NoParams, PolicyPackCatalog, WorkflowErrorData>('cavra/catalog'),
  packState: new RequestType<PolicyFileParams, PackState | null, WorkflowErrorData>('cavra/packState'),
  publishedPack: new RequestType<PublishedPackParams, PublishedPack, WorkflowErrorData>('cavra/publishedPack'),
  draftPreview: new RequestType<PolicyFileParams, PolicyPackDraft, WorkflowErrorData>('cavra/draftPreview'),
  publishPlan: new RequestType<PolicyFileParams, PublishPlan, WorkflowErrorData>('cavra/publishPlan'),
  publishRequest: new RequestType<PublishRequestParams, PublishRequestResult, WorkflowErrorData>('cavra/publishRequest'),
  publish: new RequestType<PublishParams, PublishResult, WorkflowErrorData>('cavra/publish'),
  listApprovals: new RequestType<ApprovalListQuery, ApprovalList, WorkflowErrorData>('cavra/approvals/list'),
  findApprovals: new RequestType<FilteredApprovalsQuery, FilteredApprovals, WorkflowErrorData>('cavra/approvals/find'),
  getApproval: new RequestType<ApprovalIdParams, ApprovalRecord, WorkflowErrorData>('cavra/approvals/get'),
  approvalChanges: new RequestType<ApprovalChangesParams, ApprovalChanges, WorkflowErrorData>('cavra/approvals/changes'),
  createApproval: new RequestType<ApprovalCreateRequest, ApprovalRecord, WorkflowErrorData>('cavra/approvals/create'),
  approve: new RequestType<ApprovalDecisionParams, ApprovalRecord, WorkflowErrorData>('cavra/approvals/approve'),
  deny: new RequestType<ApprovalDecisionParams, ApprovalRecord, WorkflowErrorData>('cavra/approvals/deny'),
  expire: new RequestType<ApprovalDecisionParams, ApprovalRecord, WorkflowErrorData>('cavra/approvals/expire'),
  expireOverdue: new RequestType<NoParams, ApprovalRecord[], WorkflowErrorData>('cavra/approvals/expireOverdue'),
  attachDecision: new RequestType<AttachDecisionParams, DecisionWithApproval, WorkflowErrorData>(
    'cavra/approvals/attachDecision',
  ),
  breakGlass: new RequestType<BreakGlassRequest, ApprovalRecord, WorkflowErrorData>('cavra/approvals/breakGlass'),
  rolloutPlan: new RequestType<RolloutChangeRequest, RolloutChangePlan, WorkflowErrorData>('cavra/rollouts/plan'),
  rolloutApply: new RequestType<RolloutChangeRequest, RolloutChangeResult, WorkflowErrorData>('cavra/rollouts/apply'),
  rolloutRequestApproval: new RequestType<RolloutApprovalRequest, RolloutApprovalRequested, WorkflowErrorData>(
    'cavra/rollouts/requestApproval',
  ),
  listRollouts: new RequestType<RolloutListQuery, RolloutList, WorkflowErrorData>('cavra/rollouts/list'),
  evaluate: new RequestType<EvaluateRequest, Decision, WorkflowErrorData>('cavra/evaluate'),
  decisionTests: new RequestType<DecisionTestRequest, DecisionTestReport[], WorkflowErrorData>('cavra/decisionTests'),
  listEvidence: new RequestType<EvidenceListQuery, EvidenceList, WorkflowErrorData>('cavra/evidence/list'),
  verifyEvidence: new RequestType<NoParams, EvidenceVerifyResult, WorkflowErrorData>('cavra/evidence/verify'),
  packHistory: new RequestType<InFolder<PackHistoryParams>, PackHistory, WorkflowErrorData>('cavra/packHistory'),
  exportEvidenceBundle: new RequestType<ExportEvidenceBundleParams, ExportEvidenceBundleResult, WorkflowErrorData>(
    'cavra/evidence/exportBundle',
  ),
  actorAuth: new RequestType<NoParams, ActorAuth, WorkflowErrorData>('cavra/actorAuth'),
  verifyActor: new RequestType<VerifyActorParams, VerifiedActor, WorkflowErrorData>('cavra/actorAuth/verify'),
  movePrivateKey: new RequestType<MovePrivateKeyParams, MovedPrivateKey, WorkflowErrorData>('cavra/keys/movePrivateKey'),
  impact: new RequestType<ImpactParams, ImpactResult, WorkflowErrorData>('cavra/impact'),
  rolloutImpact: new RequestType<RolloutImpactParams, RolloutImpactResult, WorkflowErrorData>('cavra/rollouts/impact'),
} as const;

export type WorkflowMethod = keyof typeof requests;
type OwnParams<M extends WorkflowMethod> = (typeof requests)[M] extends RequestType<infer P, infer _R, infer _E> ? P : never;
/** What a request declares, with the folder every request may name. */
type DeclaredParams<M extends WorkflowMethod> = InFolder<OwnParams<M>>;
/** A request's params (in jsonrpc's words, `RequestParam`: what `sendRequest` takes for that type). */
export type ParamsOf<M extends WorkflowMethod> = RequestParam<DeclaredParams<M>>;
export type ResultOf<M extends WorkflowMethod> =
  (typeof requests)[M] extends RequestType<infer _P, infer R, infer _E> ? R : never;
export type WorkflowRequest<M extends WorkflowMethod> = RequestType<DeclaredParams<M>, ResultOf<M>, WorkflowErrorData>;

/**
 * The contract. Typed as a mapped type so that `WorkflowRequests[method]` keeps its types for a generic
 * method, and so that every request's params include the `folder` (the table above lists each request's own).
 */
export const WorkflowRequests: { readonly [M in WorkflowMethod]: WorkflowRequest<M> } = requests;

export const WORKFLOW_METHODS = Object.keys(WorkflowRequests) as readonly WorkflowMethod[];

export function isWorkflowMethod(name: string): name is WorkflowMethod {
  return Object.prototype.hasOwnProperty.call(WorkflowRequests, name);
}

/**
 * What the server implements: one handler per request, with the request's params and result. A
 * request declared without a handler, or a handler of the wrong types, does not compile.
 */
export type WorkflowHandlers = { readonly [M in WorkflowMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

/** Methods that change state: refused in Restricted Mode, never retried. */
export const MUTATING_METHODS: ReadonlySet<WorkflowMethod> = new Set<WorkflowMethod>([
  'publishRequest',
  'publish',
  'createApproval',
  'approve',
  'deny',
  'expire',
  'expireOverdue',
  'attachDecision',
  'breakGlass',
  'rolloutApply',
  'rolloutRequestApproval',
  'movePrivateKey',
]);

/**
 * Mutations CAVRA guards with a verified actor (SPEC 3.8): with an OIDC config or RBAC file, the editor
 * sends the actor's token (`actor_token`) with each of them.
 */
export const ACTOR_GUARDED_METHODS: ReadonlySet<WorkflowMethod> = new Set<WorkflowMethod>([
  'publishRequest',
  'publish',
  'approve',
  'deny',
  'expire',
  'breakGlass',
  'rolloutApply',
]);
