// Published packs and the evidence list as the workspace's files show them: what the editor's Packs
// view, status bar and diff read through `Backend` (the remote backend answers from the server).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BackendError,
  type EvidenceList,
  type EvidenceListQuery,
  type EvidenceRecord,
  type PackState,
  type PackStateRequest,
  type PublishedPack,
} from '../backend';
import { packState as statePack } from './packState';
import { isSafePackId } from './policyRegistry';
import { POLICY_FILE } from './publishPair';
import type { LocalWorkspace } from './workspace';

export async function packState(ws: LocalWorkspace, request: PackStateRequest): Promise<PackState> {
  const path = request.policy_path ?? join(ws.paths.policyDir, request.policy_id, POLICY_FILE);
  const bytes = request.text !== undefined ? Buffer.from(request.text, 'utf8') : existsSync(path) ? readFileSync(path) : null;
  const evidence = evidenceRecords(ws);
  return statePack(request.policy_id, path, bytes, {
    signatures: ws.signatures,
    keyDirectory: ws.paths.keyDirectory,
    hmacKey: ws.options.signingKey,
    evidence,
    chain: () => ({
      evidence,
      approval: (id) => ws.approvals.get(id),
      approverVerificationRequired: ws.options.actorVerifier !== undefined,
    }),
  });
}

export async function publishedPack(ws: LocalWorkspace, policyId: string): Promise<PublishedPack> {
  if (!isSafePackId(policyId)) throw new BackendError(400, 'policy id is not safe for write-back');
  const path = join(ws.paths.policyDir, policyId, POLICY_FILE);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : null;
  return { policy_id: policyId, path: text === null ? null : path, text, unavailable: null };
}

export async function listEvidence(ws: LocalWorkspace, query: EvidenceListQuery = {}): Promise<EvidenceList> {
  const limit = typeof query.limit === 'number' && query.limit > 0 ? query.limit : 500;
  return { items: evidenceRecords(ws).slice(-limit), unavailable: null };
}

/** The log as far as it reads; an unreadable log shows as empty here (verifyEvidence reports it). */
function evidenceRecords(ws: LocalWorkspace): EvidenceRecord[] {
  try {
    return ws.evidence.read();
  } catch {
    return [];
  }
}
