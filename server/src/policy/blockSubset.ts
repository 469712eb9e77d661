// The block subset of YAML that policies are written in, as both line readers see it: which characters
// leave the subset, the line kinds, the indicator and key tables, and how a plain scalar resolves (PyYAML).
// One place for these rules: language/parse/blockYaml.ts (the tree) and blockPolicyValue.ts (the value).
import { resolvePlainPy } from './pyyamlSchema';
import type { PyValue } from './pythonValues';

/** Characters only `yaml` reads correctly here: control characters, tabs, a CR not before LF, Unicode line breaks, BOM. */
export const OUTSIDE_SUBSET = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|\r(?!\n)/;

/** Whether a text (or a part of one made of whole lines) has characters the block reader leaves to `yaml`. */
export function outsideSubset(text: string): boolean {
  return OUTSIDE_SUBSET.test(text);
}

/** Line kinds in a LineTable. */
export const BLANK = 0;
export const COMMENT = 1;
export const CONTENT = 2;

export const SPACE = 0x20;
export const CR = 0x0d;
export const HASH = 0x23;
export const DASH = 0x2d;
export const COLON = 0x3a;
export const QUOTE = 0x22;
export const APOSTROPHE = 0x27;
export const BACKSLASH = 0x5c;

/** First characters of a plain scalar that are YAML indicators (or `-`, `?`, `:` that may be). */
export const INDICATOR = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;

/** Only these first characters can start a plain scalar that YAML 1.1 reads as something other than a string. */
const MAYBE_NOT_STRING = new Uint8Array(128);
for (const c of '-+.0123456789~yYnNoOtTfF') MAYBE_NOT_STRING[c.charCodeAt(0)] = 1;

/** Characters of a plain key the reader accepts; anything else is left to `yaml`. */
export const KEY_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) KEY_CHAR[c] = /[A-Za-z0-9_ ./()-]/.test(String.fromCharCode(c)) ? 1 : 0;

/** Implicit keys longer than this are a `yaml` error (1024), so they are left to it. */
export const MAX_KEY = 1000;

/** How CAVRA (PyYAML) reads a plain scalar. */
export function plainValue(source: string): PyValue {
  const c = source.charCodeAt(0);
  if (source.length && c < 128 && !MAYBE_NOT_STRING[c]) return source;
  return resolvePlainPy(source) as PyValue;
}
