// Where two versions of a text differ, as whole lines: the region of the old text an edit replaced,
// and what replaced it.

export interface LineChange {
  /** Start of the first changed line (the same in both texts). */
  from: number;
  /** End of the changed lines in the old text (the start of the next line, or the text's end). */
  to: number;
  /** The same end in the new text. */
  newTo: number;
  /** Length difference, new minus old. */
  delta: number;
}

const NEWLINE = 0x0a;

/** Common prefix and suffix lengths, as found (see alignToLines for where whole lines come or go). */
function commonEnds(a: string, b: string): [number, number] {
  const min = Math.min(a.length, b.length);
  let p = 0;
  // Whole chunks first: string comparison runs natively.
  for (const step of [4096, 256, 16]) while (p + step <= min && a.substr(p, step) === b.substr(p, step)) p += step;
  while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  const room = min - p;
  for (const step of [4096, 256, 16])
    while (s + step <= room && a.substr(a.length - s - step, step) === b.substr(b.length - s - step, step)) s += step;
  while (s < room && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return [p, s];
}

/**
 * An insertion or a deletion can often be placed at several offsets (typing Enter then spaces at the
 * end of a line reads as well as spaces then Enter at the start of the next one). Prefer the place
 * where whole lines come or go, so the lines around are not touched.
 */
function alignToLines(a: string, b: string, p: number, s: number): [number, number] {
  const inserted = b.length - s - p;
  const deleted = a.length - s - p;
  if (inserted > 0 === deleted > 0) return [p, s];
  const longer = inserted > 0 ? b : a;
  const k = inserted > 0 ? inserted : deleted;
  for (let x = p, steps = 0; x >= 0 && steps < 1000; x--, steps++) {
    if ((x === 0 || a.charCodeAt(x - 1) === NEWLINE) && longer.charCodeAt(x + k - 1) === NEWLINE)
      return [x, a.length - x - deleted];
    // Sliding one character left changes nothing while the character before is the last one moved.
    if (x === 0 || a.charCodeAt(x - 1) !== longer.charCodeAt(x + k - 1)) break;
  }
  return [p, s];
}

/** The characters an edit replaced: old `[start, oldEnd)` became new `[start, newEnd)` (the texts differ). */
export interface CharChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export function changedChars(old: string, text: string): CharChange {
  const [p, s] = commonEnds(old, text);
  return { start: p, oldEnd: old.length - s, newEnd: text.length - s };
}

const atLineStart = (t: string, at: number) => at === 0 || t.charCodeAt(at - 1) === NEWLINE;

/** The lines an edit from `old` to `text` touched (the texts differ); `chars`: changedChars of the two, when made already. */
export function changedLines(old: string, text: string, chars = changedChars(old, text)): LineChange {
  const [p, s] = alignToLines(old, text, chars.start, old.length - chars.oldEnd);
  const delta = text.length - old.length;
  const changedOldEnd = old.length - s;
  const from = old.lastIndexOf('\n', p - 1) + 1;
  let to: number;
  if (atLineStart(old, changedOldEnd) && atLineStart(text, text.length - s)) to = changedOldEnd;
  else {
    const nl = old.indexOf('\n', changedOldEnd);
    to = nl < 0 ? old.length : nl + 1;
  }
  return { from, to, newTo: to + delta, delta };
}
