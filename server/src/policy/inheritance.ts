// CAVRA's inheritance merge (SPEC 2.1; policy_registry.load_policy + policy_engine.compile_policy):
// parents load first (recursively), in the order `metadata.inherits` lists them, the child overlays
// last, and the merged result is normalized. A pack without `inherits` is used exactly as written
// (not normalized), as CAVRA's load_policy returns it.
import { canonicalJson } from './canonicalJson';
import { normalizePolicy } from './policyDiff';
import { isMapping, pyStr, pyTruthy, type PyValue } from './pythonValues';

export type PolicyObject = { [key: string]: PyValue };

export class InheritanceError extends Error {}

function clone<T extends PyValue | undefined>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (isMapping(value)) {
    const out: PolicyObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out as T;
  }
  return value;
}

/** Lists concatenate without JSON-identical repeats (json.dumps(sort_keys=True) identity). */
export function dedupe(items: PyValue[]): PyValue[] {
  const seen = new Set<string>();
  const out: PyValue[] = [];
  for (const item of items) {
    const marker = canonicalJson(item);
    if (seen.has(marker)) continue;
    seen.add(marker);
    out.push(item);
  }
  return out;
}

function mergeSection(base: PolicyObject, override: PolicyObject): PolicyObject {
  const merged = clone(base);
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (Array.isArray(value) && Array.isArray(current)) merged[key] = dedupe([...current, ...value]);
    else if (isMapping(value) && isMapping(current)) merged[key] = mergeSection(current, value);
    else merged[key] = clone(value);
  }
  return merged;
}

/** Metadata: `inherits` always replaced; other keys replaced unless the override is null. */
function mergeMetadata(base: PolicyObject, override: PolicyObject): PolicyObject {
  const merged = clone(base);
  for (const [key, value] of Object.entries(override)) {
    if (key === 'inherits' || value !== null) merged[key] = clone(value);
  }
  return merged;
}

export function mergePolicy(base: PolicyObject, override: PolicyObject): PolicyObject {
  const merged = clone(base);
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (key === 'metadata') merged[key] = mergeMetadata(isMapping(current) ? current : {}, isMapping(value) ? value : {});
    else if (isMapping(value) && isMapping(current)) merged[key] = mergeSection(current, value);
    else merged[key] = clone(value);
  }
  return merged;
}

/** compile_policy: overlays merged onto the first policy in order, then normalized. */
export function compilePolicy(policy: PolicyObject, overlays: PolicyObject[]): PolicyObject {
  let compiled = clone(policy);
  for (const overlay of overlays) compiled = mergePolicy(compiled, overlay);
  return normalizePolicy(compiled);
}

export function inheritsOf(policy: PolicyObject): string[] {
  const meta = isMapping(policy.metadata) ? policy.metadata : {};
  const inherits = meta.inherits;
  if (!pyTruthy(inherits)) return [];
  if (typeof inherits === 'string') return [inherits];
  if (Array.isArray(inherits)) return inherits.map((v) => pyStr(v));
  throw new InheritanceError(`metadata.inherits must be a pack id or a list of pack ids, not ${pyStr(inherits)}`);
}

/**
 * Packs already resolved, shared by several resolutions (a workspace's children of one hub): `get` answers
 * only while the pack and its ancestors are as they were when `set` was given the result. A result is
 * never modified by its users (every merge clones), so one object serves them all.
 */
export interface ResolvedPacks {
  get(packId: string): PolicyObject | undefined;
  set(packId: string, resolved: PolicyObject): void;
}

/**
 * The policy CAVRA evaluates for `packId`: `loadRaw` returns a pack's YAML object as written (or
 * throws when the pack is missing). An inheritance cycle is an error naming the cycle (CAVRA itself
 * would recurse until Python's recursion limit). With `resolved`, a pack already merged is not merged
 * again: only packs whose resolution succeeded are kept, so no cycle or missing pack is ever skipped.
 */
export function resolveInheritance(
  packId: string,
  loadRaw: (id: string) => PolicyObject,
  chain: string[] = [],
  resolved?: ResolvedPacks,
): PolicyObject {
  if (chain.includes(packId)) {
    throw new InheritanceError(`policy pack inheritance cycle: ${[...chain.slice(chain.indexOf(packId)), packId].join(' -> ')}`);
  }
  const known = resolved?.get(packId);
  if (known) return known;
  const policy = loadRaw(packId);
  const parents = inheritsOf(policy);
  if (parents.length === 0) return policy;
  const overlays = parents.map((parent) => resolveInheritance(parent, loadRaw, [...chain, packId], resolved));
  overlays.push(policy);
  const merged = compilePolicy(overlays[0], overlays.slice(1));
  resolved?.set(packId, merged);
  return merged;
}
