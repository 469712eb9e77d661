// Draft, plan, request, publish — POST /policy-packs/{draft,publish-plan,publish-request,publish}.
import type { ImpactSummary } from '../../policy/impactSummary';
import type { PolicyEntryDiff } from '../../policy/policyEntryDiff';
import type { PublishReach } from '../../policy/publishReach';
import type { ActorCredentials } from './actor';
import type { ApprovalRecord, ApprovalSummary } from './approvals';
import type { SCHEMA_VERSIONS } from './schemaVersions';
import type { DraftPayload, PolicyDiffPaths, PolicyPackContent, PolicySummary, Risk } from './vocabulary';

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
  /**
   * This project's addition, absent from CAVRA's answer: the packs under the policy root that inherit
   * this one and how their effective policy changes. Present only when some pack inherits it, and
   * only from the local backend (a CAVRA server does not report it).
   */
  reach?: PublishReach;
  /**
   * This project's addition too: `diff` entry by entry (list entries added and removed, values changed
   * from what to what; policy/policyEntryDiff.ts). Present only for an update that changes something;
   * from a CAVRA server it is computed from the server's own draft and registry answers. CAVRA's
   * `diff` stays as CAVRA returns it.
   */
  entries?: PolicyEntryDiff;
  /** Why a CAVRA server's plan has no `entries` although it is an update (a read failed). */
  entries_unavailable?: string;
}

export type { ListEntryChange, PolicyEntryDiff, ValueChange } from '../../policy/policyEntryDiff';
export type { DescendantReach, PublishReach, ReachEntry, ReachValueChange } from '../../policy/publishReach';

export interface PublishRequestRequest extends DraftInput, ActorCredentials {
  /** Default "policy-authoring-console"; a verified actor replaces it. */
  requested_by?: string;
  /** Default "Platform Security". */
  approver_group?: string;
  /** Default "policy-catalog". */
  repository?: string;
  /** Default 24. */
  ttl_hours?: number;
  /**
   * This project's addition: the draft's impact on recorded activity (policy/impactSummary.ts), kept by the
   * local backend on the approval (`impact_summary`) and in the request's evidence record, so the approver
   * sees it beside the decision. Never sent to a CAVRA server (its publish request has no such field).
   */
  impact?: ImpactSummary;
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
  /**
   * Local backend only (never sent to a CAVRA server): sign through a command that holds the key
   * (signing/externalSigner). Only the user chooses it: a CLI flag, the environment, a user setting.
   */
  external_signer?: { command: string; public_key_pem: string; cwd: string };
}

export interface PublishRequest extends DraftInput, ActorCredentials {
  approval_id: string;
  /** sig.json `signer`; default the verified actor, else "policy-authoring-api". */
  signer?: string;
  /** `published_by` when no verified actor; default "policy-authoring-api". */
  actor?: string;
  signing?: PublishSigning;
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
