// Python's `json.dumps(value, indent=2, sort_keys=True)` (ensure_ascii on), the text CAVRA writes its
// JSON stores in, so CAVRA's CLI and this extension can take turns on one file without churn.
import { compareCodePoints, escapeString } from '../../policy/canonicalJson';
import { pyFloatRepr } from '../../policy/pythonValues';

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
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(compareCodePoints);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${escapeString(k)}: ${dump(obj[k], inner, step)}`).join(',\n')}\n${indent}}`;
}

/** `json.dumps(value, indent=2, sort_keys=True) + "\n"` — CAVRA's store file text. */
export function pythonStoreJson(value: unknown): string {
  return `${dump(value, '', '  ')}\n`;
}
