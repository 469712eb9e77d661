// How many recorded actions each published list entry decided: the replay of a decision log against the
// published packs (policy/impact.ts counts the deciding entry of every record, with the pack that lists it).
// The editor shows it on a rule's hover and marks enforced entries that decided nothing in the log
// (language/ruleActivity.ts); the counting is the replay's, the data travels between them as this shape.

/** The lists whose entries decide a recorded action (CAVRA's evaluator: evaluate.ts). */
export const RULE_ACTIVITY_LISTS: readonly string[] = [
  'filesystem.block_read',
  'filesystem.block_write',
  'filesystem.require_approval_write',
  'commands.block',
  'commands.allow',
  'mcp.allowed_servers',
  'mcp.blocked_servers',
];

/** pack id -> list (`commands.block`) -> entry as CAVRA compares it (str()) -> recorded actions it decided. */
export type RuleCounts = Record<string, Record<string, Record<string, number>>>;

export interface RuleActivity {
  /** The log as the setting names it. */
  decision_log: string;
  /** Records replayed (the denominator). */
  replayed: number;
  /** The span of the log's timestamps, as written; absent when no record has one. */
  first_timestamp?: string;
  last_timestamp?: string;
  counts: RuleCounts;
}

export function countRule(counts: RuleCounts, pack: string, list: string, entry: string): void {
  const lists = (counts[pack] ??= {});
  const entries = (lists[list] ??= {});
  entries[entry] = (entries[entry] ?? 0) + 1;
}

export function ruleCount(activity: RuleActivity, pack: string, list: string, entry: string): number {
  return activity.counts[pack]?.[list]?.[entry] ?? 0;
}

/** `2026-11-26 .. 2026-12-03` from the log's first and last timestamps (their dates), or `no timestamps`. */
export function activitySpan(activity: RuleActivity): string {
  if (!activity.first_timestamp) return 'no timestamps';
  const day = (t: string) => t.slice(0, 10);
  return `${day(activity.first_timestamp)} .. ${day(activity.last_timestamp ?? activity.first_timestamp)}`;
}
