// The targets of issue 7, judged against one run's numbers. A target that could not be measured is
// said to be so, never passed.
import type { ServerResults } from './editorSession';
import { formatBytes, formatMs, type Samples } from './samples';

export type Verdict = 'PASS' | 'FAIL' | 'NOT MEASURED' | 'MEASURED IN E2E';

export interface Judgement {
  target: string;
  measured: string;
  verdict: Verdict;
}

/** How many times faster `ours` is than `theirs`, by medians, with bounds when one side timed out. */
export function speedup(ours: Samples, theirs: Samples): { text: string; atLeast?: number; atMost?: number } {
  const o = ours.median;
  const t = theirs.median;
  if (o === undefined || t === undefined || (o === Infinity && t === Infinity)) return { text: '—' };
  if (t === Infinity) {
    const v = theirs.limitMs / o;
    return { text: `≥ ${v.toFixed(1)}x`, atLeast: v };
  }
  if (o === Infinity) {
    const v = t / ours.limitMs;
    return { text: `< ${v.toFixed(2)}x`, atMost: v };
  }
  const v = t / o;
  return { text: `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}x`, atLeast: v, atMost: v };
}

export function under(s: Samples, limitMs: number, target: string): Judgement {
  const m = s.median;
  if (m === undefined) return { target, measured: s.failure ?? s.skipped ?? 'no samples', verdict: 'NOT MEASURED' };
  return { target, measured: `median ${formatMs(m, s.limitMs)}`, verdict: m < limitMs ? 'PASS' : 'FAIL' };
}

export function fasterBy(ours: Samples, theirs: Samples, factor: number, target: string): Judgement {
  const r = speedup(ours, theirs);
  if (r.atLeast !== undefined && r.atLeast >= factor) return { target, measured: r.text, verdict: 'PASS' };
  if (r.atMost !== undefined && r.atMost < factor) return { target, measured: r.text, verdict: 'FAIL' };
  return { target, measured: r.text === '—' ? 'both timed out or missing' : `${r.text} (a bound only)`, verdict: 'NOT MEASURED' };
}

/** `floor` is the stricter warm parse; `coldFloor` (a fresh-process parse) is shown beside it. */
export function withinFactorOf(ours: Samples, floor: Samples, coldFloor: Samples, factor: number, target: string): Judgement {
  const o = ours.median;
  const f = floor.median;
  const c = coldFloor.median;
  if (o === undefined || f === undefined || f === Infinity) return { target, measured: 'no samples', verdict: 'NOT MEASURED' };
  const cold = c !== undefined && c !== Infinity ? `; a fresh-process parse takes ${formatMs(c)}` : '';
  if (o === Infinity) return { target, measured: `> ${(ours.limitMs / f).toFixed(1)}x the parser${cold}`, verdict: 'FAIL' };
  const r = o / f;
  return {
    target,
    measured: `${r.toFixed(2)}x the parser (${formatMs(o)} vs ${formatMs(f)}${cold})`,
    verdict: r <= factor ? 'PASS' : 'FAIL',
  };
}

export function rssUnder(r: ServerResults, limitBytes: number, target: string): Judgement {
  const sorted = [...r.rssAfterOpen].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median !== undefined)
    return { target, measured: `${formatBytes(median)} after open`, verdict: median < limitBytes ? 'PASS' : 'FAIL' };
  if (r.rssAtTimeout !== undefined && r.rssAtTimeout >= limitBytes) {
    return { target, measured: `${formatBytes(r.rssAtTimeout)} when the open timed out (still analysing)`, verdict: 'FAIL' };
  }
  return {
    target,
    measured: r.rssAtTimeout !== undefined ? `open never finished (${formatBytes(r.rssAtTimeout)} at the timeout)` : 'no samples',
    verdict: 'NOT MEASURED',
  };
}

export function sizeUnder(bytes: number | undefined, limitBytes: number, target: string): Judgement {
  if (bytes === undefined) return { target, measured: 'file missing', verdict: 'NOT MEASURED' };
  return { target, measured: formatBytes(bytes), verdict: bytes < limitBytes ? 'PASS' : 'FAIL' };
}
