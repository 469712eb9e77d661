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

/**
 * Whether a pattern matches a target, in linear-ish time: the literal runs between stars are found
 * leftmost-first (which is optimal when the gaps may hold anything but a newline), so no pattern can
 * make matching backtrack. A pattern holding a newline itself falls back to the regular expression.
 */
export function globMatches(pattern: string, target: string): boolean {
  if (!pattern.includes('*')) return pattern === target;
  if (pattern.includes('\n')) return globToRegExp(pattern).test(target);
  const parts = pattern.split(/\*+/);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (target.length < first.length + last.length || !target.startsWith(first) || !target.endsWith(last)) return false;
  const end = target.length - last.length;
  let cur = first.length;
  const gapIsOneLine = (from: number, to: number) => {
    const nl = target.indexOf('\n', from);
    return nl < 0 || nl >= to;
  };
  for (let i = 1; i < parts.length - 1; i++) {
    const seg = parts[i];
    const pos = target.indexOf(seg, cur);
    if (pos < 0 || pos + seg.length > end || !gapIsOneLine(cur, pos)) return false;
    cur = pos + seg.length;
  }
  return gapIsOneLine(cur, end);
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
