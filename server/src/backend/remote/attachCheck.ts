// CAVRA's attach-decision accepts any decision object. The studio reads the approval first and sends
// only a decision of the approval's own request (policy/decisionMatch.ts); CAVRA's API keeps no
// attached decision, which the result says (the local store keeps them with the approval).
import { decisionMatchesApproval } from '../../policy/decisionMatch';
import { BackendError, type ApprovalRecord, type Decision } from '../backend';
import { getApproval } from './approvals';
import type { RemoteConnection } from './connection';
import type { OverdueGuardOptions } from './overdueApprovals';

export async function refuseForeignDecision(
  connection: RemoteConnection,
  options: OverdueGuardOptions,
  approvalId: string,
  decision: Decision,
): Promise<void> {
  if (!options.checkBeforeSending) return;
  let approval: ApprovalRecord;
  try {
    approval = await getApproval(connection, approvalId);
  } catch {
    return; // the server's own answer to attach-decision says what is wrong
  }
  const match = decisionMatchesApproval(decision, approval);
  if (!match.matches) throw new BackendError(400, `${match.why}; the studio did not send it (CAVRA would accept any decision)`);
}
