// CAVRA's one matching operator (SPEC 2.3): `*` and `**` both match any characters, `/` included
// (but not a newline: Python's `.`), and the pattern must match the whole target. Every other
// character is literal.

const cache = new Map<string, RegExp>();
const STAR = 0x2a;

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split(/\*+/)
      .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
      .join('[^\\n]*');
    re = new RegExp(`^${body}$`);
    if (cache.size > 10000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/**
 * Whether a pattern matches a target, in linear-ish time: the literal runs between stars are found
 * leftmost-first (which is optimal when the gaps may hold anything but a newline), so no pattern can
 * make matching backtrack. A pattern holding a newline itself falls back to the regular expression.
 * Allocates only the middle runs it looks for: the lint asks this for every candidate of every entry.
 */
export function globMatches(pattern: string, target: string): boolean {
  const firstStar = pattern.indexOf('*');
  if (firstStar < 0) return pattern === target;
  if (pattern.includes('\n')) return globToRegExp(pattern).test(target);
  const lastStar = pattern.lastIndexOf('*');
  const lastLength = pattern.length - lastStar - 1;
  const end = target.length - lastLength;
  if (end < firstStar || !sameRun(pattern, 0, target, 0, firstStar) || !sameRun(pattern, lastStar + 1, target, end, lastLength))
    return false;
  // A gap may hold anything but a newline; most targets have none, and then no gap needs a look.
  const lines = target.includes('\n');
  let cur = firstStar;
  for (let p = firstStar + 1; p < lastStar;) {
    if (pattern.charCodeAt(p) === STAR) {
      p++;
      continue;
    }
    const next = pattern.indexOf('*', p);
    const run = pattern.slice(p, next);
    const pos = target.indexOf(run, cur);
    if (pos < 0 || pos + run.length > end || (lines && crossesNewline(target, cur, pos))) return false;
    cur = pos + run.length;
    p = next + 1;
  }
  return !lines || !crossesNewline(target, cur, end);
}

/** Whether `target` holds a newline from `from` to before `to`. */
function crossesNewline(target: string, from: number, to: number): boolean {
  const nl = target.indexOf('\n', from);
  return nl >= 0 && nl < to;
}

/** Whether `a` from `i` and `b` from `j` hold the same `length` characters. */
function sameRun(a: string, i: number, b: string, j: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
}

/** True when the pattern matches every possible target. */
export function matchesEverything(pattern: string): boolean {
  // A loop, not /^\*+$/: the lint asks this of every entry that starts with `*`, several times each.
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) !== STAR) return false;
  return pattern.length > 0;
}

/**
 * True when every target matched by `inner` is also matched by `outer` (`outer` shadows `inner`).
 * With `*` as the only wildcard this holds exactly when `outer` matches `inner` read as a word in
 * which each run of `*` is a symbol that only a `*` of `outer` can absorb. That is plain matching with
 * `inner` as the target: a literal run of `outer` holds no `*`, so it can never match across one of
 * `inner`'s, and a gap absorbs them like any other character but a newline. (The unit test holds this
 * to the textbook dynamic programme over both words.)
 */
export function globCovers(outer: string, inner: string): boolean {
  return globMatches(outer, inner);
}
