// The draft digest that binds an approval to one exact policy (SPEC 3.3).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonicalJson';
import type { PyValue } from './pythonValues';

export function policyDigest(policyPack: PyValue): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(policyPack))))}`;
}

/** The 12 hex characters CAVRA uses in decision ids and evidence refs. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
