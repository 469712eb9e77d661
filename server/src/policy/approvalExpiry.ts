// When an approval is past its time: the one rule the local store, the remote pre-checks, the CLI's
// listing and the editor's views all apply. CAVRA stamps `expires_at` but only moves an approval to
// `expired` on an explicit `expire` action (SPEC 4.5); until someone takes it, a stored `pending` or
// `approved` record looks usable though its time is up. "Overdue" names that gap.
//
// The clock skew tolerance is a documented setting (`cavra.approvals.clockSkewSeconds`,
// $CAVRA_APPROVAL_CLOCK_SKEW_SECONDS): an approval stamped by another machine's clock (a CAVRA server,
// a teammate's laptop) counts as overdue only once this machine's clock is past `expires_at` by more
// than the tolerance. The default is 0: the store's own clock stamped it.
import { parseIsoTimestamp } from './isoTimestamp';

export const CLOCK_SKEW_ENV = 'CAVRA_APPROVAL_CLOCK_SKEW_SECONDS';

/** The fields the rule reads (an ApprovalRecord has them; so does CAVRA's approval summary). */
export interface ExpiringApproval {
  state: string;
  expires_at?: unknown;
}

export type ApprovalTime =
  /** Not past its time, or in a final state where time no longer matters. */
  | { kind: 'current' }
  /** `pending`, `approved` or `break_glass` with `expires_at` in the past (beyond the tolerance). */
  | { kind: 'overdue'; expiresAt: string; overdueMs: number }
  /** Pending or usable but `expires_at` is missing or unreadable: treated as overdue, never as forever. */
  | { kind: 'unreadable'; expiresAt: unknown };

const LIVE_STATES = new Set(['pending', 'approved', 'break_glass']);

export function approvalTime(approval: ExpiringApproval, nowMs: number, skewMs = 0): ApprovalTime {
  if (!LIVE_STATES.has(approval.state)) return { kind: 'current' };
  const expires = parseIsoTimestamp(approval.expires_at);
  if (expires === undefined) return { kind: 'unreadable', expiresAt: approval.expires_at };
  const overdueMs = nowMs - expires;
  return overdueMs > skewMs ? { kind: 'overdue', expiresAt: String(approval.expires_at), overdueMs } : { kind: 'current' };
}

/** True when the approval's time is up (or cannot be read) while it still looks usable. */
export function isOverdue(approval: ExpiringApproval, nowMs: number, skewMs = 0): boolean {
  return approvalTime(approval, nowMs, skewMs).kind !== 'current';
}

/** The state a person should see: a pending approval past its time is shown as expired. */
export function displayedState(approval: ExpiringApproval, nowMs: number, skewMs = 0): string {
  return approval.state === 'pending' && isOverdue(approval, nowMs, skewMs) ? 'expired' : approval.state;
}

/** "3 h 5 min", "2 days": how long ago, for messages. */
export function overdueFor(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} days`;
}

/** The reason recorded by the `expire` action the studio takes for an overdue approval. */
export function overdueReason(expiresAt: string, nowIso: string): string {
  return `expired at ${expiresAt} (found overdue at ${nowIso})`;
}

/** Seconds of tolerance from a setting or the environment; a bad value is an error naming it. */
export function clockSkewMs(value: unknown, source: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`${source} must be a number of seconds, 0 or more (it is ${JSON.stringify(value)})`);
  }
  return n * 1000;
}
