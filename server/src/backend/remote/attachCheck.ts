// CAVRA's attach-decision accepts any decision object. The studio reads the approval first and sends
// only a decision of the approval's own request (policy/decisionMatch.ts); CAVRA's API keeps no
// attached decision, which the result says (the local store keeps them with the approval).
import { decisionMatchesApproval } from '../../policy/decisionMatch';
import { BackendError, type Decision } from '../backend';
import type { RemoteConnection } from './connection';
import { approvalToCheck, type OverdueGuardOptions } from './overdueApprovals';

export async function refuseForeignDecision(
  connection: RemoteConnection,
  options: OverdueGuardOptions,
  approvalId: string,
  decision: Decision,
): Promise<void> {
  const approval = await approvalToCheck(connection, options, approvalId);
  if (!approval) return;
  const match = decisionMatchesApproval(decision, approval);
  if (!match.matches) throw new BackendError(400, `${match.why}; the studio did not send it (CAVRA would accept any decision)`);
}
