// A parent's reach: publishing a pack that others inherit changes what their agents get. For each
// descendant (direct or through other packs) the effective policy is merged with CAVRA's inheritance
// (resolveInheritance) twice, over the published parent and over the draft, and compared entry by
// entry: string-list entries added or removed, other values changed (CAVRA's flatten of both).
import { canonicalJson, compareCodePoints } from './canonicalJson';
import { inheritsOf, resolveInheritance, type PolicyObject } from './inheritance';
import { flattenPolicy, pyEquals } from './policyDiff';
import type { PyValue } from './pythonValues';

export interface ReachEntry {
  /** The list's dotted path, e.g. `commands.block`. */
  list: string;
  entry: string;
}

export interface ReachValueChange {
  /** Dotted path, e.g. `metadata.mode` or `git.require_pull_request`. */
  path: string;
  /** The value as JSON text; null where there was none. */
  before: string | null;
  after: string | null;
}

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

const isStringList = (v: PyValue | undefined): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const json = (v: PyValue | undefined) => (v === undefined ? null : canonicalJson(v));

function compare(policyId: string, via: string[], before: PolicyObject | undefined, after: PolicyObject): DescendantReach {
  const b = flattenPolicy(before ?? {});
  const a = flattenPolicy(after);
  const out: DescendantReach = { policy_id: policyId, via, entries_added: [], entries_removed: [], scalars_changed: [] };
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
