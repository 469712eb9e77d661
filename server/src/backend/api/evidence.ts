// The evidence log (backend/evidence): this project's hash-chained record of every mutation.
import type { ActorContext } from './actor';
import type { STUDIO_SCHEMA_VERSIONS } from './schemaVersions';

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

export interface EvidenceListQuery {
  /** The newest `limit` records; default 500. */
  limit?: number;
}

/** The newest records of the evidence log, oldest first. */
export interface EvidenceList {
  items: EvidenceRecord[];
  /** Set when the backend cannot list the log (a CAVRA server keeps no such log): why, in words. */
  unavailable: string | null;
}
