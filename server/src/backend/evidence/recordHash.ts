// The evidence chain's hashing rule, apart from the log's file handling, so that a verifier holding
// only records (an evidence bundle) checks them by the same rule the log wrote them with.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../../policy/canonicalJson';
import type { PyValue } from '../../policy/pythonValues';
import type { EvidenceRecord } from '../api/evidence';

export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/** sha256 over the canonical JSON of a record without its record_hash. */
export function recordHash(record: Omit<EvidenceRecord, 'record_hash'> | { [key: string]: unknown }): string {
  const { record_hash: _ignored, ...rest } = record as { [key: string]: unknown };
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(rest as PyValue))))}`;
}
