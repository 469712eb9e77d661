// Export Evidence Bundle: the published version of a pack, with its whole provenance, in one file
// (written by the server, where the workspace's stores are; checked with `cavra-policy bundle verify`).

export interface ExportEvidenceBundleParams {
  policy_id: string;
  /** Absolute path of the file to write (the client asks with a save dialog). */
  output_path: string;
}

export interface ExportEvidenceBundleResult {
  file: string;
  pack_id: string;
  policy_file_digest: string;
  approval_id: string;
  approval_state: string;
  /** SHA-256 of the raw Ed25519 signing key, hex: the pin `bundle verify --trusted-key-fingerprint` takes. */
  key_fingerprint: string | null;
  signature_algorithm: string | null;
  /** The evidence records the bundle carries, by seq, and the chain's last seq. */
  evidence_records: number[];
  chain_head: number;
}
