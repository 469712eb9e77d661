// An approver's inbox: which approvals wait for me, which of them are new since I last looked, and
// when a remote server may be asked again. Pure, so that the Approvals view, its notifications and
// the remote poller share one rule, and tests can run it on any clock.
import { isOverdue, type ExpiringApproval } from './approvalExpiry';

/** The fields the inbox reads (an ApprovalRecord has them). */
export interface InboxApproval extends ExpiringApproval {
  approval_id: string;
  approver_group: string;
}

/** The poll interval's default and floor (setting `cavra.approvals.pollSeconds`). */
export const DEFAULT_POLL_SECONDS = 60;
export const MIN_POLL_SECONDS = 15;
/** A failing server is asked at most this rarely (unless the interval itself is longer). */
export const MAX_BACKOFF_SECONDS = 15 * 60;

/**
 * My approver groups: a verified token's groups when there is one (they are what CAVRA checks),
 * else the setting's list and the older single-group setting, trimmed, empty ones dropped, each once.
 */
export function myApproverGroups(settingGroups: unknown, settingGroup: unknown, tokenGroups?: readonly string[]): string[] {
  if (tokenGroups && tokenGroups.length) return [...new Set(tokenGroups.map((g) => g.trim()).filter(Boolean))];
  if (settingGroups !== undefined && settingGroups !== null && !Array.isArray(settingGroups))
    throw new Error(`cavra.approvals.myApproverGroups must be a list of group names, not ${JSON.stringify(settingGroups)}`);
  const listed = (settingGroups ?? []) as unknown[];
  listed.forEach((g, i) => {
    if (typeof g !== 'string')
      throw new Error(`cavra.approvals.myApproverGroups[${i}] must be a group name (text), not ${JSON.stringify(g)}`);
  });
  const single = typeof settingGroup === 'string' ? [settingGroup] : [];
  return [...new Set([...(listed as string[]), ...single].map((g) => g.trim()).filter(Boolean))];
}

/** Waiting for me: pending, not past its time, routed to one of my groups (CAVRA compares names exactly). */
export function waitingForMe<T extends InboxApproval>(
  approvals: readonly T[],
  groups: readonly string[],
  nowMs: number,
  skewMs = 0,
): T[] {
  const mine = new Set(groups);
  return approvals.filter((a) => a.state === 'pending' && mine.has(a.approver_group) && !isOverdue(a, nowMs, skewMs));
}

export interface InboxLook<T> {
  /** Approvals to announce: waiting now, not waiting at the last look. */
  fresh: T[];
  /** What to remember for the next look. */
  seen: Set<string>;
}

/**
 * What is new since the last look. The first look (`seen` undefined) announces nothing: the
 * approvals already waiting when the editor starts are in the badge, not a burst of notifications.
 * An approval that stops waiting and waits again (a new request reusing nothing) is new again.
 */
export function newSinceLastLook<T extends InboxApproval>(
  waiting: readonly T[],
  seen: ReadonlySet<string> | undefined,
): InboxLook<T> {
  const ids = new Set(waiting.map((a) => a.approval_id));
  return { fresh: seen ? waiting.filter((a) => !seen.has(a.approval_id)) : [], seen: ids };
}

/** The configured interval in seconds: default 60, never below 15; anything but a number is an error. */
export function pollSeconds(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_POLL_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`cavra.approvals.pollSeconds must be a number of seconds, not ${JSON.stringify(value)}`);
  return Math.max(MIN_POLL_SECONDS, value);
}

/**
 * Seconds to wait before the next poll after `failures` failed polls in a row: the interval, doubled
 * per failure, capped at MAX_BACKOFF_SECONDS (or the interval when that is longer). Never less than
 * the interval: the server is never asked more than once per interval.
 */
export function pollDelaySeconds(intervalSeconds: number, failures: number): number {
  const interval = Math.max(MIN_POLL_SECONDS, intervalSeconds);
  const backedOff = interval * 2 ** Math.max(0, Math.min(failures, 30));
  return Math.max(interval, Math.min(backedOff, Math.max(MAX_BACKOFF_SECONDS, interval)));
}

/**
 * When a poll may run, in ms: the last poll plus its delay. A window focused again polls at once only
 * if that time has passed; otherwise it waits for it, so focusing back and forth never polls faster.
 */
export function nextPollAt(lastPollMs: number | undefined, intervalSeconds: number, failures: number): number {
  if (lastPollMs === undefined) return 0;
  return lastPollMs + pollDelaySeconds(intervalSeconds, failures) * 1000;
}
