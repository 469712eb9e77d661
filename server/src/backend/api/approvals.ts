// Approvals — /approvals.
import type { ImpactSummary } from '../../policy/impactSummary';
import type { ActorCredentials } from './actor';
import type { Decision } from './decisions';
import type { SCHEMA_VERSIONS } from './schemaVersions';
import type { ApprovalState } from './vocabulary';

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
  /** Decisions attached locally (this project's field; CAVRA's approval schema allows extra fields). */
  attached_decisions?: AttachedDecision[];
  /** A publish request's impact on recorded activity (this project's field, local backend; policy/impactSummary.ts). */
  impact_summary?: ImpactSummary;
  [field: string]: unknown;
}

/** A decision kept with its approval by attach-decision, with the rule that let it in (policy/decisionMatch.ts). */
export interface AttachedDecision {
  decision_id: string;
  matched_by: 'decision_id' | 'action_and_target';
  why: string;
  attached_at: string;
  decision: Decision;
}

export interface ApprovalListQuery {
  state?: ApprovalState | string;
  approver_group?: string;
  /** Default 50, clamped to 1..500. */
  limit?: number;
  /** Default 0, negative becomes 0. */
  offset?: number;
}

/**
 * The studio's filtered listing (backend/approvalPages.ts): CAVRA's `state` and `approver_group`, plus
 * `requested_by` and `text`, which CAVRA's API does not filter (policy/approvalFilter.ts).
 */
export interface FilteredApprovalsQuery {
  state?: string;
  approver_group?: string;
  requested_by?: string;
  text?: string;
  /** How many matching approvals to return; default all. */
  limit?: number;
  /** Skip this many matching approvals; default 0. */
  offset?: number;
}

export interface FilteredApprovals {
  /** Newest first, as CAVRA sorts. */
  items: ApprovalRecord[];
  /** How many match the whole filter. */
  total: number;
  offset: number;
  /** How many records CAVRA returned for its part of the filter, and in how many pages. */
  fetched: number;
  pages: number;
  /** Set when requester or text were applied by the studio after fetching, saying so. */
  note: string | null;
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

/** POST /approvals/{id}/attach-decision: the decision with `approval` summary and merged evidence_refs. */
export type DecisionWithApproval = Decision & { approval: ApprovalSummary; evidence_refs: string[] };
