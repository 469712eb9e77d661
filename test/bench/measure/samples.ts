// Timings of one measurement, with the ones that timed out or failed kept as such: a timed-out
// sample counts as slower than every finished one, so a median that lands on it reads "> limit".

export class Samples {
  readonly values: number[] = [];
  timeouts = 0;
  limitMs = 0;
  failure: string | undefined;
  skipped: string | undefined;

  add(ms: number): void {
    this.values.push(ms);
  }

  timedOut(limitMs: number): void {
    this.timeouts++;
    this.limitMs = limitMs;
  }

  fail(reason: string): void {
    this.failure ??= reason;
  }

  get count(): number {
    return this.values.length + this.timeouts;
  }

  /** Nearest-rank quantile; Infinity when it falls on a timed-out sample, undefined with no samples. */
  quantile(q: number): number | undefined {
    if (!this.count) return undefined;
    const all = [...this.values].sort((a, b) => a - b).concat(Array(this.timeouts).fill(Infinity));
    return all[Math.max(0, Math.ceil(q * all.length) - 1)];
  }

  get median(): number | undefined {
    return this.quantile(0.5);
  }

  get p95(): number | undefined {
    return this.quantile(0.95);
  }
}

/** "12.3 ms", "1.24 s", "> 60 s". */
export function formatMs(ms: number | undefined, limitMs = 0): string {
  if (ms === undefined) return '—';
  if (ms === Infinity) return `> ${formatMs(limitMs)}`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '—';
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Median and p95 as one table cell, with the sample count and any failure. */
export function describe(s: Samples | undefined): string {
  if (!s) return '—';
  if (s.failure && !s.count) return `failed: ${s.failure}`;
  if (s.skipped && !s.count) return `not measured: ${s.skipped}`;
  if (!s.count) return '—';
  const timedOut = s.timeouts ? `, ${s.timeouts} timed out` : '';
  return `${formatMs(s.median, s.limitMs)} / ${formatMs(s.p95, s.limitMs)} (n=${s.count}${timedOut})`;
}
