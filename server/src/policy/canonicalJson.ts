// Python's json.dumps(value, sort_keys=True, separators=(",", ":")) with ensure_ascii=True: the text
// CAVRA hashes for a draft's policy_digest. Byte-for-byte compatibility is the point of this file.
import { PyFloat, PyTimestamp, pyFloatRepr, type PyValue } from './pythonValues';

/** A JSON string as Python writes it with ensure_ascii (non-ASCII and DEL as \\uXXXX). */
export function escapeString(s: string): string {
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
    // Python escapes everything outside ' '..'~' (DEL included). UTF-16 code units are exactly the
    // \uXXXX units Python writes (astral characters become surrogate pairs).
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

/** Python sorts str keys by code point, not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloatRepr(x);
}

export function canonicalJson(value: PyValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatJson(value);
  if (typeof value === 'string') return escapeString(value);
  if (value instanceof PyFloat) return floatJson(value.value);
  if (value instanceof PyTimestamp) return escapeString(value.pyStr);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${escapeString(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}
