// CAVRA's one matching operator (SPEC 2.3): `*` and `**` both match any characters, `/` included
// (but not a newline: Python's `.`), and the pattern must match the whole target. Every other
// character is literal.

const cache = new Map<string, RegExp>();

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

export function globMatches(pattern: string, target: string): boolean {
  return globToRegExp(pattern).test(target);
}

/** True when the pattern matches every possible target. */
export function matchesEverything(pattern: string): boolean {
  return pattern.length > 0 && /^\*+$/.test(pattern);
}

/**
 * True when every target matched by `inner` is also matched by `outer` (`outer` shadows `inner`).
 * With `*` as the only wildcard this holds exactly when `outer` matches `inner` read as a word in
 * which each run of `*` is a symbol that only a `*` of `outer` can absorb.
 */
export function globCovers(outer: string, inner: string): boolean {
  const a = outer.replace(/\*+/g, '*');
  const b = inner.replace(/\*+/g, '*');
  // Dynamic programming over (position in a, position in b); rows are reused to keep memory linear.
  let prev = new Uint8Array(b.length + 1);
  let cur = new Uint8Array(b.length + 1);
  prev[0] = 1;
  for (let j = 1; j <= b.length; j++) prev[j] = 0;
  for (let i = 1; i <= a.length; i++) {
    const ca = a[i - 1];
    cur[0] = ca === '*' ? prev[0] : 0;
    for (let j = 1; j <= b.length; j++) {
      const cb = b[j - 1];
      // A `*` of outer absorbs anything inner can produce except a literal newline, which `.` skips.
      if (ca === '*') cur[j] = prev[j] | (cb === '\n' ? 0 : cur[j - 1]);
      else cur[j] = cb !== '*' && ca === cb ? prev[j - 1] : 0;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] === 1;
}
