// What a backend can tell about a published pack: is it published, is its signature good, under which
// approval was it published, and its published text. Not CAVRA endpoints: the local backend reads the
// workspace's files; a remote backend answers from what the server reports and says what it cannot.
import type { Provenance } from '../../policy/publishProvenance';

export interface PackStateRequest {
  policy_id: string;
  /** The published file to check, when it is not `<policy root>/<policy_id>/policy.yaml` (local backend). */
  policy_path?: string;
  /** The file as the editor shows it, when it is open: the user sees that text, so it is what is checked. */
  text?: string;
}

/** What a backend knows about a published pack: published, signed, and whether the bytes still match. */
export interface PackState {
  policy_id: string;
  policy_path: string;
  published: boolean;
  signature_path: string | null;
  /**
   * `verified`, `modified` (bytes changed since signing), `invalid` (signature fails), `unsigned`, or
   * `unknown` (a remote CAVRA server does not report signatures; `signature_message` says so).
   */
  signature: 'verified' | 'modified' | 'invalid' | 'unsigned' | 'unknown';
  signature_message: string;
  /** Why verification failed (signing's VerifyProblem, e.g. `digest-mismatch`), when it did. */
  signature_problem?: string;
  signed_at: string | null;
  signer: string | null;
  /** From the evidence log: the approval and digest of the latest publish of this pack. */
  published_under: { approval_id: string; policy_digest: string; published_at: string } | null;
  /**
   * Whether the bytes in force are the ones an approver approved (policy/publishProvenance.ts): the
   * whole chain from the signature to the approval. Absent when the backend cannot follow it (a CAVRA
   * server keeps no publish log) or the pack is not published.
   */
  provenance?: Provenance;
}

export interface PublishedPack {
  policy_id: string;
  /** The published policy.yaml text, or null when the pack was never published or the backend cannot show it. */
  text: string | null;
  path: string | null;
  /** Why `text` is null when the pack may well be published: the backend cannot show it (a CAVRA server). */
  unavailable: string | null;
}
