// What differs between two runs of the same request: times, generated ids and the server's own
// directory. `withoutStamps` replaces them with placeholders; `assertSameOrderedJson` then compares
// fields, order (Object.keys, recursively) and values, and shows the first place they differ.
import assert from 'node:assert/strict';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:\+00:00|Z)$/;
const IDS: [RegExp, string][] = [
  [/apr_[0-9a-f]{12}/g, '<apr>'],
  [/dec_[0-9a-f]{12}/g, '<dec>'],
  [/corr_[0-9a-f]{12}/g, '<corr>'],
];

/** The value with times → "<time>", apr_/dec_/corr_ ids → "<apr>"…, each root prefix → "<root>". */
export function withoutStamps(value: unknown, roots: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutStamps(v, roots));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutStamps(v, roots)]));
  }
  if (typeof value === 'string') {
    if (TIME.test(value)) return '<time>';
    let s = value;
    for (const [pattern, placeholder] of IDS) s = s.replace(pattern, placeholder);
    for (const root of [...roots].sort((a, b) => b.length - a.length)) if (root) s = s.split(root).join('<root>');
    // The directory CAVRA ran in when the responses were recorded.
    return s.replace(/^\/tmp\/cavra-api\.[A-Za-z0-9]+\/root\/policies/, '<root>/policies');
  }
  return value;
}

/** The first path where two JSON values differ in keys, key order, type or value; undefined if none. */
export function firstDifference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual))
      return `${path}: expected an object, got ${JSON.stringify(actual)}`;
    const ek = Object.keys(expected);
    const ak = Object.keys(actual);
    if (ek.join('\u0000') !== ak.join('\u0000')) return `${path}: keys [${ak.join(', ')}] where CAVRA has [${ek.join(', ')}]`;
    for (const k of ek) {
      const d = firstDifference(
        (actual as { [k: string]: unknown })[k],
        (expected as { [k: string]: unknown })[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(actual, expected)
    ? undefined
    : `${path}: ${JSON.stringify(actual)} where expected ${JSON.stringify(expected)}`;
}

/** Same fields, same order, same values (after `withoutStamps` on both). */
export function assertSameOrderedJson(actual: unknown, expected: unknown, roots: readonly string[] = [], what = 'answer'): void {
  const a = withoutStamps(JSON.parse(JSON.stringify(actual)), roots);
  const e = withoutStamps(JSON.parse(JSON.stringify(expected)), roots);
  const difference = firstDifference(a, e);
  if (difference) {
    assert.fail(
      `${what} differs at ${difference}\n--- actual\n${JSON.stringify(a, null, 2)}\n--- expected\n${JSON.stringify(e, null, 2)}`,
    );
  }
}
