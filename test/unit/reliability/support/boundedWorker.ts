// Runs a synchronous job (a fuzz batch, one nasty input) in a worker thread of this same test file, so
// that a hang becomes a failed test instead of a frozen CI job, and runaway memory hits the worker's
// heap cap instead of the machine. The limits are bounds on waiting, not timing assertions: they are
// set far above what the job needs.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface BoundedJob {
  /** Which job the worker side runs (the test file maps names to functions). */
  name: string;
  input?: unknown;
}

export interface BoundedLimits {
  /** Give up and terminate the worker after this long. */
  waitMs: number;
  /** The worker's heap cap (V8 old generation). */
  heapMb: number;
  /**
   * Keep the worker's stdout to itself. A bundle that contains the CLI runs its `require.main === module`
   * entry in a worker too; it is given `--help` and its output is dropped.
   */
  bundlesCli?: boolean;
}

export class BoundExceeded extends Error {}

/** True inside a worker started by `runBounded`: the test file runs its job instead of defining tests. */
export const inBoundedWorker = !isMainThread && (workerData as { boundedJob?: BoundedJob } | undefined)?.boundedJob !== undefined;

/** Worker side: runs the job named in workerData with `jobs[name]` and posts its result. */
export function serveBoundedJob(jobs: { [name: string]: (input: unknown) => unknown }): void {
  const job = (workerData as { boundedJob: BoundedJob }).boundedJob;
  const fn = jobs[job.name];
  try {
    if (!fn) throw new Error(`no job named ${job.name}`);
    parentPort!.postMessage({ ok: true, value: fn(job.input) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: (error as Error)?.stack ?? String(error) });
  }
}

/** Main side: runs `job` in a worker of `file` (pass __filename) within the limits. */
export function runBounded<T>(file: string, job: BoundedJob, limits: BoundedLimits): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(file, {
      workerData: { boundedJob: job },
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
      stderr: true,
      ...(limits.bundlesCli ? { stdout: true, argv: ['--help'] } : {}),
    });
    worker.stderr.resume();
    if (limits.bundlesCli) worker.stdout.resume();
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new BoundExceeded(`${job.name} did not finish within ${limits.waitMs / 1000} s (the worker was stopped)`)),
        ),
      limits.waitMs,
    );
    worker.on('message', (m: { ok: boolean; value?: T; message?: string }) =>
      finish(() => (m.ok ? resolve(m.value as T) : reject(new Error(m.message)))),
    );
    worker.on('error', (e: Error & { code?: string }) =>
      finish(() =>
        reject(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new BoundExceeded(`${job.name} needed more than the ${limits.heapMb} MB heap cap`)
            : e,
        ),
      ),
    );
    worker.on('exit', (code) => finish(() => reject(new Error(`${job.name}: the worker exited with ${code} before answering`))));
  });
}
