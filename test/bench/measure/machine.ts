// The machine and runtimes a run measured, for the report header.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramBytes: number;
  benchNode: string;
  date: string;
  /** 1-minute load averages at the start and end of the run: other work on the machine skews timings. */
  loadAtStart: number;
  loadAtEnd: number;
}

export function describeMachine(loadAtStart: number): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramBytes: totalmem(),
    benchNode: process.version,
    date: new Date().toISOString(),
    loadAtStart,
    loadAtEnd: loadavg()[0],
  };
}

export const currentLoad = (): number => loadavg()[0];

/** The commit measured, and whether the working tree differed from it. */
export function sourceRevision(repo: string): string {
  // Set when the bench runs on an exported tree (`git archive`), which has no .git of its own.
  if (process.env.CAVRA_BENCH_SOURCE) return process.env.CAVRA_BENCH_SOURCE;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8', timeout: 10_000 });
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' plus uncommitted changes in the working tree' : ''}`;
}

export function nodeVersion(node: string): string {
  const r = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : `unknown (${node})`;
}

const idleAndTotal = () =>
  cpus().reduce(
    (acc, c) => {
      const t = c.times;
      return { idle: acc.idle + t.idle, total: acc.total + t.user + t.nice + t.sys + t.idle + t.irq };
    },
    { idle: 0, total: 0 },
  );

/**
 * Waits until the machine's CPUs were at least 85% idle over half a second (at most `limitMs`), and
 * returns the busy share of the last half second. A timed CLI run right after a CPU-heavy section (the
 * code-server of the activation samples, a server still exiting) would otherwise measure their tail:
 * the 1-minute load average only shows it, long after.
 */
export async function quietMachine(limitMs = 20_000): Promise<number> {
  const until = performance.now() + limitMs;
  let busy = 1;
  for (;;) {
    const before = idleAndTotal();
    await new Promise((r) => setTimeout(r, 500));
    const after = idleAndTotal();
    const total = after.total - before.total;
    busy = total > 0 ? 1 - (after.idle - before.idle) / total : 0;
    if (busy < 0.15 || performance.now() >= until) return busy;
  }
}
