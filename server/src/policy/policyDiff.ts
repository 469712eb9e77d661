// CAVRA's policy diff (SPEC 3.3, policy_engine.diff_policies): both policies normalized, flattened to
// dotted key paths, then compared. Lists of strings are leaf values compared sorted.
import { compareCodePoints } from './canonicalJson';
import { isMapping, PyFloat, PyTimestamp, pyStr, type PyValue } from './pythonValues';

export { compareCodePoints };

export interface PolicyDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

function sortedStrings(values: string[]): string[] {
  return [...values].sort(compareCodePoints);
}

/**
 * CAVRA's normalize_policy: every list under `filesystem.*` and `commands.*` and the MCP server lists
 * become sorted lists of `str(item)`. Nothing else changes.
 */
export function normalizePolicy(policy: { [key: string]: PyValue }): { [key: string]: PyValue } {
  const out: { [key: string]: PyValue } = { ...policy };
  for (const section of ['filesystem', 'commands']) {
    const value = out[section];
    if (isMapping(value)) {
      const copy: { [key: string]: PyValue } = { ...value };
      for (const [key, v] of Object.entries(copy)) if (Array.isArray(v)) copy[key] = sortedStrings(v.map(pyStr));
      out[section] = copy;
    }
  }
  const mcp = out.mcp;
  if (isMapping(mcp)) {
    const copy: { [key: string]: PyValue } = { ...mcp };
    for (const key of ['allowed_servers', 'blocked_servers']) {
      const v = copy[key];
      if (Array.isArray(v)) copy[key] = sortedStrings(v.map(pyStr));
    }
    out.mcp = copy;
  }
  return out;
}

/** CAVRA's flatten: dotted paths to leaves; an empty mapping has no paths; string lists sorted. */
export function flattenPolicy(
  value: PyValue | undefined,
  prefix = '',
  out = new Map<string, PyValue | undefined>(),
): Map<string, PyValue | undefined> {
  if (isMapping(value)) {
    for (const key of Object.keys(value).sort(compareCodePoints)) {
      flattenPolicy(value[key], prefix ? `${prefix}.${key}` : key, out);
    }
    return out;
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    out.set(prefix, sortedStrings(value));
    return out;
  }
  out.set(prefix, value);
  return out;
}

function numeric(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

/** Python `==`: 1 == 1.0 == True, containers compared element-wise, dict key order ignored. */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof PyTimestamp || b instanceof PyTimestamp) {
    return a instanceof PyTimestamp && b instanceof PyTimestamp && a.pyStr === b.pyStr;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

export function diffPolicies(left: { [key: string]: PyValue }, right: { [key: string]: PyValue }): PolicyDiff {
  const l = flattenPolicy(normalizePolicy(left));
  const r = flattenPolicy(normalizePolicy(right));
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [key, value] of r) {
    if (!l.has(key)) added.push(key);
    else if (!pyEquals(l.get(key), value)) changed.push(key);
  }
  for (const key of l.keys()) if (!r.has(key)) removed.push(key);
  return {
    added: added.sort(compareCodePoints),
    removed: removed.sort(compareCodePoints),
    changed: changed.sort(compareCodePoints),
  };
}
