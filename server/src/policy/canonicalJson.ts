// Python's json.dumps(value, sort_keys=True, separators=(",", ":")) with ensure_ascii=True: the text
// CAVRA hashes for a draft's policy_digest. Byte-for-byte compatibility is the point of this file.
import { PyFloat, PyTimestamp, pyFloatRepr, type PyValue } from './pythonValues';

/** A JSON string as Python writes it with ensure_ascii (non-ASCII and DEL as \\uXXXX). */
export function escapeString(s: string): string {
  // Runs of characters written as they are go in as one slice: most strings are all such characters.
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(run, i) + escapeUnit(c);
    run = i + 1;
  }
  return `${out}${s.slice(run)}"`;
}

function escapeUnit(c: number): string {
  if (c === 0x22) return '\\"';
  if (c === 0x5c) return '\\\\';
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  if (c === 0x08) return '\\b';
  if (c === 0x0c) return '\\f';
  // Python escapes everything outside ' '..'~' (DEL included). UTF-16 code units are exactly the
  // \uXXXX units Python writes (astral characters become surrogate pairs).
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

/**
 * Python sorts str keys by code point, not by UTF-16 unit. The two orders differ only where a surrogate
 * is involved, so units are compared until the first difference and only a difference at or above
 * U+D800 goes the slow way (the inheritance merge and the diff sort every list entry of every pack).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogates a unit is its code point, whatever came before (an equal lone high surrogate stays lone).
    if (x < 0xd800 && y < 0xd800) return x - y;
    return byCodePoint(a, b);
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** compareCodePoints by its definition: each string's code points in turn (a lone surrogate is its own). */
export function byCodePoint(a: string, b: string): number {
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
