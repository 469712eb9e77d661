// What an approver approves, entry by entry: CAVRA's diff (policyDiff.ts) names dotted paths
// ("~ filesystem.block_read"); this says which patterns were added to or removed from each list and
// which other values changed from what to what. Both sides are flattened as CAVRA flattens them, so
// every path here is one CAVRA's diff names. The one copy of this rule: the publish plan and a
// parent's reach (publishReach.ts) both use it.
import { canonicalJson, compareCodePoints } from './canonicalJson';
import { flattenPolicy, normalizePolicy, pyEquals } from './policyDiff';
import type { PyValue } from './pythonValues';

export interface ListEntryChange {
  /** The list's dotted path, e.g. `commands.block`. */
  list: string;
  entry: string;
}

export interface ValueChange {
  /** Dotted path, e.g. `metadata.mode` or `git.require_pull_request`. */
  path: string;
  /** The value as JSON text; null where there was none. */
  before: string | null;
  after: string | null;
}

export interface PolicyEntryDiff {
  entries_added: ListEntryChange[];
  entries_removed: ListEntryChange[];
  scalars_changed: ValueChange[];
}

type PolicyObject = { [key: string]: PyValue };

const isStringList = (v: PyValue | undefined): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const json = (v: PyValue | undefined) => (v === undefined ? null : canonicalJson(v));

/** The changes from `before` (none: an empty policy) to `after`, paths in code-point order. */
export function policyEntryDiff(before: PolicyObject | undefined, after: PolicyObject): PolicyEntryDiff {
  const b = flattenPolicy(before ?? {});
  const a = flattenPolicy(after);
  const out: PolicyEntryDiff = { entries_added: [], entries_removed: [], scalars_changed: [] };
  for (const path of [...new Set([...b.keys(), ...a.keys()])].sort(compareCodePoints)) {
    const x = b.get(path);
    const y = a.get(path);
    if (isStringList(x) || isStringList(y)) {
      const was = new Set(isStringList(x) ? x : []);
      const is = new Set(isStringList(y) ? y : []);
      for (const entry of is) if (!was.has(entry)) out.entries_added.push({ list: path, entry });
      for (const entry of was) if (!is.has(entry)) out.entries_removed.push({ list: path, entry });
      // A value that became a list (or stopped being one) is a change of its own.
      if ((x !== undefined && !isStringList(x)) || (y !== undefined && !isStringList(y)))
        out.scalars_changed.push({ path, before: json(x), after: json(y) });
    } else if (!pyEquals(x, y)) out.scalars_changed.push({ path, before: json(x), after: json(y) });
  }
  return out;
}

/**
 * A publish plan's entries: the published pack against the draft, both normalized as CAVRA's diff
 * normalizes them (list items as `str(item)`), so each path is one that CAVRA's `diff` lists.
 */
export function publishEntryDiff(published: PolicyObject, draft: PolicyObject): PolicyEntryDiff {
  return policyEntryDiff(normalizePolicy(published), normalizePolicy(draft));
}

/** True when the diff names no change at all. */
export function isEmptyEntryDiff(diff: PolicyEntryDiff): boolean {
  return !diff.entries_added.length && !diff.entries_removed.length && !diff.scalars_changed.length;
}

/** One line per change, as the CLI and the approval's review show them: `+ list: entry`, `~ path: a → b`. */
export function entryDiffLines(diff: PolicyEntryDiff): string[] {
  return [
    ...diff.entries_added.map((e) => `+ ${e.list}: ${e.entry}`),
    ...diff.entries_removed.map((e) => `- ${e.list}: ${e.entry}`),
    ...diff.scalars_changed.map((c) => `~ ${c.path}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`),
  ];
}
