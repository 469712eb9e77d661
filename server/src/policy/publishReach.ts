// A parent's reach: publishing a pack that others inherit changes what their agents get. For each
// descendant (direct or through other packs) the effective policy is merged with CAVRA's inheritance
// (resolveInheritance) twice, over the published parent and over the draft, and compared entry by
// entry (policyEntryDiff.ts): string-list entries added or removed, other values changed.
import { compareCodePoints } from './canonicalJson';
import { inheritsOf, resolveInheritance, type PolicyObject } from './inheritance';
import { policyEntryDiff, type ListEntryChange, type ValueChange } from './policyEntryDiff';

export type ReachEntry = ListEntryChange;
export type ReachValueChange = ValueChange;

export interface DescendantReach {
  policy_id: string;
  /** How it inherits the published pack: itself, its parent, ..., the published pack. */
  via: string[];
  entries_added: ReachEntry[];
  entries_removed: ReachEntry[];
  scalars_changed: ReachValueChange[];
  /** Why CAVRA cannot load it today (missing pack, cycle); its entries then all count as added. */
  error_before?: string;
  /** Why CAVRA could not load it once the draft is published; nothing else is compared then. */
  error_after?: string;
}

export interface PublishReach {
  /** Packs that inherit the published one, directly or through others. */
  descendants: number;
  /** Those whose effective policy changes, each with its changes. */
  changed: DescendantReach[];
  /** Those whose effective policy stays the same: counted, not listed. */
  unchanged: number;
}

function parentsOf(policy: PolicyObject): string[] {
  try {
    return inheritsOf(policy);
  } catch {
    return [];
  }
}

/** Each pack that inherits `root`, with the shortest inheritance path up to it. */
function descendantsOf(root: string, packs: ReadonlyMap<string, PolicyObject>): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const [id, policy] of packs) {
    for (const parent of parentsOf(policy)) children.set(parent, [...(children.get(parent) ?? []), id]);
  }
  const found = new Map<string, string[]>();
  const queue: string[][] = [[root]];
  while (queue.length) {
    const path = queue.shift()!;
    for (const child of children.get(path[0]) ?? []) {
      if (child === root || found.has(child)) continue;
      const via = [child, ...path];
      found.set(child, via);
      queue.push(via);
    }
  }
  return found;
}

function compare(policyId: string, via: string[], before: PolicyObject | undefined, after: PolicyObject): DescendantReach {
  return { policy_id: policyId, via, ...policyEntryDiff(before, after) };
}

/**
 * The reach of publishing `draft` as `policyId` over the published `packs` (pack id -> the YAML
 * object as written). Undefined when no pack inherits it.
 */
export function publishReach(
  policyId: string,
  draft: PolicyObject,
  packs: ReadonlyMap<string, PolicyObject>,
): PublishReach | undefined {
  const descendants = descendantsOf(policyId, packs);
  if (!descendants.size) return undefined;
  const published = (id: string): PolicyObject => {
    const p = packs.get(id);
    if (!p) throw new Error(`Policy pack '${id}' not found.`);
    return p;
  };
  const drafted = (id: string): PolicyObject => (id === policyId ? draft : published(id));
  const changed: DescendantReach[] = [];
  for (const id of [...descendants.keys()].sort(compareCodePoints)) {
    const via = descendants.get(id)!;
    let before: PolicyObject | undefined;
    let errorBefore: string | undefined;
    try {
      before = resolveInheritance(id, published);
    } catch (e) {
      errorBefore = (e as Error).message;
    }
    let after: PolicyObject;
    try {
      after = resolveInheritance(id, drafted);
    } catch (e) {
      if (errorBefore === undefined) {
        changed.push({
          policy_id: id,
          via,
          entries_added: [],
          entries_removed: [],
          scalars_changed: [],
          error_after: (e as Error).message,
        });
      }
      continue;
    }
    const reach = compare(id, via, before, after);
    if (errorBefore !== undefined) reach.error_before = errorBefore;
    if (errorBefore !== undefined || reach.entries_added.length || reach.entries_removed.length || reach.scalars_changed.length)
      changed.push(reach);
  }
  return { descendants: descendants.size, changed, unchanged: descendants.size - changed.length };
}
