// The CAVRA API payloads that cross the wire. Declared once, in backend/api, and shared with the
// `Backend` interface; re-exported here so the client reaches them through the contract only.
export type {
  ActionType, ApprovalCreateRequest, ApprovalDecisionRequest, ApprovalHistoryEntry, ApprovalList, ApprovalListQuery,
  ApprovalRecord, ApprovalState, ApprovalSummary, BreakGlassRequest, Decision, DecisionTestReport, DecisionTestRequest,
  DecisionWithApproval, EvaluateRequest, EvidenceList, EvidenceListQuery, EvidenceRecord, EvidenceVerifyResult, PackState, PolicyPackCatalog,
  PolicyPackCatalogItem, PolicyPackDraft, PolicyRolloutRecord, PolicySummary, PublishedPack, PublishPlan, PublishRequestResult,
  PublishResult, Risk, RolloutChangePlan, RolloutChangeRequest, RolloutChangeResult, RolloutList, RolloutListQuery,
} from '../backend/api';
