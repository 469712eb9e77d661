// Child processes for the reliability suites: the real CLI (`node dist/cli.js`) with a bounded wait
// (killed and reported when it does not end), CAVRA's environment variables cleared.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv as cliEnv } from '../../../cli/cliProcess';
import { repoRoot } from '../../../lsp/repoRoot';

export const CLI = join(repoRoot, 'dist', 'cli.js');

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the wait limit ended it (SIGKILL). */
  timedOut: boolean;
}

/** The CLI tests' environment (cliProcess.ts: CAVRA's variables cleared, a key home of the test's own), without NODE_OPTIONS. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}, cwd: string = repoRoot): NodeJS.ProcessEnv {
  const env = cliEnv({}, cwd);
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** Waits for a started child, killing it after `waitMs`. */
export function finished(child: ChildProcess, waitMs: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, waitMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  waitMs?: number;
  /** Extra node flags, e.g. a heap cap. */
  nodeArgs?: string[];
}

/** `node dist/cli.js ...args` with a bounded wait (default 30 s). */
export function runCli(args: string[], o: CliOptions): Promise<Finished> {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), CLI, ...args], {
    cwd: o.cwd,
    env: cleanEnv(o.env, o.cwd),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child, o.waitMs ?? 30_000);
}

/** Runs `jobs` with at most `width` at a time, in order of start. */
export async function pool<T>(width: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}
