// The policy CAVRA evaluates for a pack (SPEC 2.1) with, for every list entry it keeps, the pack it comes
// from. The merge itself is inheritance.ts (CAVRA's); this only adds origins, so lint, the effective-policy
// view and hover read one answer and can never disagree with the merge.
import { canonicalJson } from './canonicalJson';
import { compilePolicy, inheritsOf, resolveInheritance, type PolicyObject, type ResolvedPacks } from './inheritance';
import { isMapping, pyStr, type PyValue } from './pythonValues';

/** Where a merged entry comes from: the first pack in CAVRA's load order that lists it, and its index there. */
export interface EntryOrigin {
  pack: string;
  index: number;
}

export interface EffectiveEntry {
  value: PyValue;
  origin: EntryOrigin;
}

export interface EffectivePolicy {
  /** The merged policy exactly as resolveInheritance builds it. */
  policy: PolicyObject;
  /** The packs merged, in CAVRA's load order (parents first; a pack reached twice in a diamond once). */
  packs: string[];
  /** Per list (`commands.block`): the merged list's entries in its order, each with its origin. */
  lists: Map<string, EffectiveEntry[]>;
  /** Per metadata key: the pack whose value the merge kept (metadata is overwritten, last writer wins). */
  metadata: Map<string, string>;
}

/** Lists that CAVRA's normalization turns into sorted `str(item)` lists: their entries compare by str(). */
const NORMALIZED = /^(filesystem|commands)\.|^mcp\.(allowed|blocked)_servers$/;

/** How a list's entries are told apart: str() where CAVRA normalizes, else JSON identity (the merge's de-duplication). */
const markerOf = (key: string): ((value: PyValue) => string) =>
  NORMALIZED.test(key) ? (v) => (typeof v === 'string' ? v : pyStr(v)) : canonicalJson;

/** resolveInheritance's load order, repeats kept: each pack after its parents, recursively. */
function loadOrder(ids: string[], load: (id: string) => PolicyObject, out: string[] = []): string[] {
  for (const id of ids) {
    loadOrder(inheritsOf(load(id)), load, out);
    out.push(id);
  }
  return out;
}

/** The `[section, key]` lists of a policy (metadata's `inherits` is replaced, never merged). */
function listsOf(policy: PolicyObject): [string, PyValue[]][] {
  const out: [string, PyValue[]][] = [];
  for (const [section, value] of Object.entries(policy)) {
    if (section === 'metadata' || !isMapping(value)) continue;
    for (const [key, list] of Object.entries(value)) if (Array.isArray(list)) out.push([`${section}.${key}`, list]);
  }
  return out;
}

function withOrigins(policy: PolicyObject, order: string[], load: (id: string) => PolicyObject): EffectivePolicy {
  // A merged entry comes from the first pack in load order listing it: the merge keeps first occurrences.
  const first = new Map<string, Map<string, EntryOrigin>>();
  const metadata = new Map<string, string>();
  for (const pack of order) {
    const raw = load(pack);
    for (const [key, list] of listsOf(raw)) {
      let seen = first.get(key);
      if (!seen) first.set(key, (seen = new Map<string, EntryOrigin>()));
      const marker = markerOf(key);
      for (let index = 0; index < list.length; index++) {
        const m = marker(list[index]);
        if (!seen.has(m)) seen.set(m, { pack, index });
      }
    }
    const meta = isMapping(raw.metadata) ? raw.metadata : {};
    for (const [key, value] of Object.entries(meta)) if (value !== null || key === 'inherits') metadata.set(key, pack);
  }
  const lists = new Map<string, EffectiveEntry[]>();
  for (const [key, list] of listsOf(policy)) {
    const seen = first.get(key);
    const marker = markerOf(key);
    const entries: EffectiveEntry[] = [];
    for (const value of list) {
      const origin = seen?.get(marker(value));
      if (origin) entries.push({ value, origin });
    }
    lists.set(key, entries);
  }
  return { policy, packs: [...new Set(order)], lists, metadata };
}

/** The policy CAVRA evaluates for `packId`, with origins. Throws what resolveInheritance throws (cycle, missing pack). */
export function effectivePolicy(packId: string, load: (id: string) => PolicyObject): EffectivePolicy {
  const policy = resolveInheritance(packId, load);
  return withOrigins(policy, loadOrder([packId], load), load);
}

/**
 * What a pack inherits: its parents merged as CAVRA merges them before it overlays the pack itself.
 * Throws on a cycle among the parents' ancestors or a missing pack, as resolveInheritance does.
 * `known`: ancestors already resolved (see {@link ResolvedPacks}).
 */
export function inheritedPolicy(parents: string[], load: (id: string) => PolicyObject, known?: ResolvedPacks): EffectivePolicy {
  const resolved = parents.map((p) => resolveInheritance(p, load, [], known));
  const policy = resolved.length ? compilePolicy(resolved[0], resolved.slice(1)) : {};
  return withOrigins(policy, loadOrder(parents, load), load);
}
