// CAVRA expires an approval only on an explicit action (SPEC 4.5): a server still accepts approving,
// denying or publishing under an approval whose `expires_at` has passed. The studio does not send such
// a request; it reads the approval first and refuses with what CAVRA would have done and the way out
// (expire it on the server). The rule of "overdue" is policy/approvalExpiry.ts, shared with the local store.
import { approvalTime, overdueFor, overdueReason } from '../../policy/approvalExpiry';
import { pyIsoformat } from '../../policy/isoTimestamp';
import { BackendError } from '../backend';
import type { RemoteConnection } from './connection';
import type { ApprovalRecord } from '../backend';
import { expire, getApproval, listApprovals } from './approvals';

export interface OverdueGuardOptions {
  /**
   * Read the approval before approve, deny, publish and attach-decision, and refuse what CAVRA would
   * accept but the studio does not (an approval past its time, a decision of another request). Off by
   * default so that the client sends exactly CAVRA's calls; the CLI and the editor turn it on.
   */
  checkBeforeSending?: boolean;
  /** This machine's clock (epoch ms); default Date.now. */
  clock?: () => number;
  /** Clock skew tolerance (policy/approvalExpiry.ts); default 0. */
  approvalClockSkewMs?: number;
}

/**
 * The approval a check before sending reads, or undefined when checks are off or it cannot be read
 * (unknown id, no permission, server down): then the server's answer to the request itself says it.
 */
export async function approvalToCheck(
  connection: RemoteConnection,
  options: OverdueGuardOptions,
  approvalId: string,
): Promise<ApprovalRecord | undefined> {
  if (!options.checkBeforeSending) return undefined;
  try {
    return await getApproval(connection, approvalId);
  } catch {
    return undefined;
  }
}

export async function refuseOverdue(
  connection: RemoteConnection,
  options: OverdueGuardOptions,
  approvalId: string,
  action: 'approve' | 'deny' | 'publish',
): Promise<void> {
  const approval = await approvalToCheck(connection, options, approvalId);
  if (!approval) return;
  // Only what can still change: a decided approval gets CAVRA's own answer.
  if (action !== 'publish' && approval.state !== 'pending') return;
  const time = approvalTime(approval, (options.clock ?? Date.now)(), options.approvalClockSkewMs ?? 0);
  if (time.kind === 'current') return;
  const when =
    time.kind === 'overdue'
      ? `expired at ${time.expiresAt} (${overdueFor(time.overdueMs)} ago by this machine's clock)`
      : `has no readable expires_at (${JSON.stringify(time.expiresAt ?? null)})`;
  const verb = action === 'publish' ? 'publish under it' : `${action} it`;
  throw new BackendError(
    409,
    `approval ${approvalId} ${when}. The server would still let you ${verb}: CAVRA expires an approval only when someone ` +
      `expires it (SPEC 4.5), so the studio did not send the request. Expire it on the server (VS Code: "CAVRA: Expire Approval"; ` +
      `CLI: cavra-policy approval expire ${approvalId}) and request a new approval. ` +
      `Clock skew tolerance: cavra.approvals.clockSkewSeconds / $CAVRA_APPROVAL_CLOCK_SKEW_SECONDS.`,
  );
}

/**
 * The explicit "expire overdue approvals" on a CAVRA server: every pending approval past its time
 * (by this machine's clock and tolerance) gets CAVRA's own `expire` call, reason naming the time.
 * Pages through the list (CAVRA caps a page at 500); a failure stops at that approval and says how
 * many were expired before it.
 */
export async function expireOverdueOnServer(
  connection: RemoteConnection,
  options: OverdueGuardOptions,
): Promise<ApprovalRecord[]> {
  const now = (options.clock ?? Date.now)();
  const overdue: ApprovalRecord[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await listApprovals(connection, { state: 'pending', limit: 500, offset });
    for (const r of page.items) if (approvalTime(r, now, options.approvalClockSkewMs ?? 0).kind !== 'current') overdue.push(r);
    if (page.items.length < 500 || offset + 500 >= page.total) break;
  }
  const done: ApprovalRecord[] = [];
  for (const r of overdue) {
    try {
      done.push(
        await expire(connection, r.approval_id, {
          actor: 'system',
          reason: overdueReason(String(r.expires_at ?? 'an unreadable time'), pyIsoformat(now)),
        }),
      );
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new BackendError(
        (e as { status?: number }).status ?? 500,
        `expired ${done.length} of ${overdue.length} overdue approvals; ${r.approval_id} failed: ${why}`,
      );
    }
  }
  return done;
}
