// The editor's pack history (an auditor's view of one pack): the records the folder's backend holds,
// put in time order by policy/packHistory.ts. A CAVRA server answers approvals and rollouts; it exposes
// no signature file and keeps no policy write-back log, and the history says so instead of guessing.
import { listFilteredApprovals } from '../backend/approvalPages';
import { packTimeline, type PackHistory } from '../policy/packHistory';
import { WorkflowError, type WorkflowEnvironment } from './workflowEnvironment';

/** The evidence log's newest records read for one pack's history (a log longer than that is cut, and said). */
const EVIDENCE_LIMIT = 100_000;

export async function packHistory(e: WorkflowEnvironment, packId: unknown): Promise<PackHistory> {
  if (typeof packId !== 'string' || !packId)
    throw new WorkflowError(400, `policy_id must be a pack id, got ${JSON.stringify(packId ?? null)}`);
  const b = e.backend;
  const remote = e.settings.backend === 'remote';
  const limits: string[] = [];
  const [approvals, rollouts, evidence] = await Promise.all([
    listFilteredApprovals(b, {}),
    b.listRollouts({ policy_pack: packId }),
    remote ? Promise.resolve(null) : b.listEvidence({ limit: EVIDENCE_LIMIT }),
  ]);
  if (remote)
    limits.push(
      "From a CAVRA server: its approvals and rollouts. CAVRA's API exposes no signature file and keeps no policy write-back log, so publishes, signatures and the chain of the bytes in force cannot be shown here.",
    );
  if (evidence && evidence.items.length >= EVIDENCE_LIMIT)
    limits.push(`Only the newest ${EVIDENCE_LIMIT} evidence records were read.`);
  const state = remote ? null : await b.packState({ policy_id: packId }).catch(() => null);
  const verified = !remote && b.verifyEvidence ? await b.verifyEvidence().catch(() => null) : null;
  return {
    pack_id: packId,
    events: packTimeline(packId, {
      approvals: approvals.items,
      rollouts: rollouts.items,
      evidence: evidence?.items ?? [],
    }),
    provenance: state?.provenance ?? null,
    chain: verified ? { ok: verified.ok, records: verified.records, message: verified.message } : null,
    limits,
  };
}
