// The hash-chained evidence log every mutation appends to, and its verification.
export { EvidenceLog, GENESIS_HASH, headPathFor, recordHash, verifyEvidenceLog } from './evidenceLog';
export type { EvidenceEntry, EvidenceLogOptions } from './evidenceLog';
