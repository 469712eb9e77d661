// Rollouts — /policy-rollouts.
import type { ActorContext, ActorCredentials } from './actor';
import type { ApprovalRecord } from './approvals';
import type { SCHEMA_VERSIONS } from './schemaVersions';
import type { Risk, RolloutMode, RolloutState } from './vocabulary';

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
  /**
   * apply-change, the studio's field: the approval of this change (policy/rolloutApproval.ts). CAVRA's
   * apply-change takes no approval id: the remote backend checks it before sending and does not send it.
   */
  approval_id?: string;
}

/** The studio's account of the approval an apply ran under (not part of CAVRA's result). */
export type RolloutApplyApproval =
  | { approval_id: string; state: string; decided_by: string | null; recorded_in: string }
  | { approval_id: null; approval_required: boolean; note: string | null };

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
  /** Added by the studio when applied with `approval_id`: which approval, and where that is recorded (absent otherwise: CAVRA's result). */
  approval?: RolloutApplyApproval;
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

/** The studio's "request an approval bound to this change": the change as for a plan, plus POST /approvals' fields. */
export interface RolloutApprovalRequest extends RolloutChangeRequest {
  requested_by?: string;
  approver_group?: string;
  ttl_hours?: number;
}

export interface RolloutApprovalRequested {
  /** The pending approval, created through POST /approvals from a `policy_rollout` decision. */
  approval: ApprovalRecord;
  /** The plan it was requested for. */
  plan: RolloutChangePlan;
  /** What binds it to this change (policy/rolloutApproval.ts). */
  change_digest: string;
}
