// A parent's reach in the CLI's text: which inheriting packs get a different effective policy, and how.
import type { DescendantReach, PublishReach } from '../backend/backend';

function packWord(n: number): string {
  return `${n} pack${n === 1 ? '' : 's'}`;
}

/** One line for an approver: how many inheriting packs change, and which. */
export function reachSummary(reach: PublishReach): string {
  const changed = reach.changed.map((d) => d.policy_id).join(', ');
  return `${reach.changed.length} of ${packWord(reach.descendants)} inheriting it change${changed ? `: ${changed}` : ''}`;
}

function descendantLines(d: DescendantReach): string[] {
  const parent = d.via.at(-1);
  const how = d.via.length === 2 ? `inherits ${parent}` : `via ${d.via.slice(1).join(' → ')}`;
  return [
    `  ${d.policy_id} (${how})`,
    ...(d.error_before ? [`    ! does not load today: ${d.error_before}`] : []),
    ...(d.error_after ? [`    ! would not load once published: ${d.error_after}`] : []),
    ...d.entries_added.map((e) => `    + ${e.list}: ${e.entry}`),
    ...d.entries_removed.map((e) => `    - ${e.list}: ${e.entry}`),
    ...d.scalars_changed.map((c) => `    ~ ${c.path}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`),
  ];
}

/** The plan's reach section: each changed descendant with its entries; unchanged ones only counted. */
export function reachLines(reach: PublishReach): string[] {
  const unchanged = reach.unchanged ? `; ${packWord(reach.unchanged)} unchanged (not listed)` : '';
  return [
    `Reach: ${packWord(reach.descendants)} inherit${reach.descendants === 1 ? 's' : ''} this one; ${reach.changed.length} get a different effective policy${unchanged}`,
    ...reach.changed.flatMap(descendantLines),
  ];
}
