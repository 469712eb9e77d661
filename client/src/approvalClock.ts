// This window's view of approval time: the shared rule (server/src/policy/approvalExpiry.ts, through the
// protocol) with this machine's clock and the user's clock skew tolerance. The server applies the same
// rule before any change, so what is hidden or greyed out here is also refused there.
import * as vscode from 'vscode';
import { approvalTime, displayedState, overdueFor, type ApprovalRecord, type ApprovalTime } from '../../server/src/protocol';

function skewMs(): number {
  const seconds = vscode.workspace.getConfiguration('cavra').get<number>('approvals.clockSkewSeconds') ?? 0;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : 0;
}

export function timeOf(a: ApprovalRecord): ApprovalTime {
  return approvalTime(a, Date.now(), skewMs());
}

export function isOverdueNow(a: ApprovalRecord): boolean {
  return timeOf(a).kind !== 'current';
}

/** The state to show: an overdue pending approval is shown as expired. */
export function shownState(a: ApprovalRecord): string {
  return displayedState(a, Date.now(), skewMs());
}

/** "expired at T (3 h ago); not yet recorded in the store", or undefined when current. */
export function overdueNote(a: ApprovalRecord): string | undefined {
  const t = timeOf(a);
  if (t.kind === 'current') return undefined;
  if (t.kind === 'unreadable')
    return vscode.l10n.t('its expires_at ({0}) cannot be read, so it counts as expired', JSON.stringify(t.expiresAt ?? null));
  return vscode.l10n.t(
    'expired at {0} ({1} ago); the store still says {2} until it is expired',
    t.expiresAt,
    overdueFor(t.overdueMs),
    a.state,
  );
}
