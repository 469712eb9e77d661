// Python's `json.dumps(value, indent=2, sort_keys=True)` (ensure_ascii on), the text CAVRA writes its
// JSON stores in, so CAVRA's CLI and this extension can take turns on one file without churn.
import { compareCodePoints } from '../../policy/policyDiff';
import { pyFloatRepr } from '../../policy/pythonValues';

function escapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

function number(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pyFloatRepr(x);
}

function dump(value: unknown, indent: string, step: string): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return escapeString(value);
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return dump((value as { toJSON: () => unknown }).toJSON(), indent, step);
  }
  const inner = indent + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + dump(v, inner, step)).join(',\n')}\n${indent}]`;
  }
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort(compareCodePoints);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${escapeString(k)}: ${dump(obj[k], inner, step)}`).join(',\n')}\n${indent}}`;
}

/** `json.dumps(value, indent=2, sort_keys=True) + "\n"` — CAVRA's store file text. */
export function pythonStoreJson(value: unknown): string {
  return `${dump(value, '', '  ')}\n`;
}
