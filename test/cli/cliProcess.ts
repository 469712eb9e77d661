// Runs `node dist/cli.js` as a child process in a throwaway workspace, with CAVRA's environment
// variables cleared so the developer's own settings never leak into a test.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const CLI = join(repoRoot, 'dist', 'cli.js');

let keyHomes: string | undefined;

/**
 * The key home (private keys, pins) of a test's commands: one per working folder, so each throwaway
 * workspace has its own user, and never the developer's real ~/.config (removed when the run ends).
 */
export function testKeyHome(cwd: string): string {
  if (!keyHomes) {
    const dir = (keyHomes = mkdtempSync(join(tmpdir(), 'cavra-key-homes-')));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(keyHomes, cwd.replace(/[^A-Za-z0-9]+/g, '_'));
}

/** The environment of a test's CLI process: CAVRA's variables cleared but the run's code cache, a key home of its own. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}, cwd = repoRoot): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^CAVRA_/.test(k)) env[k] = v;
  // The run's code cache stays (scripts/test.mjs): a cache makes a process faster, never different.
  const codeCache = process.env.CAVRA_CODE_CACHE ? { CAVRA_CODE_CACHE: process.env.CAVRA_CODE_CACHE } : {};
  return { ...env, ...codeCache, CAVRA_KEY_HOME: testKeyHome(cwd), ...extra };
}

export function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env, cwd), encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the event loop (for tests that also run an HTTP server in-process). */
export function cliAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env, cwd) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs and parses stdout as JSON, failing with the process's output when it is not. */
export function cliJson<T = Record<string, unknown>>(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): T {
  const r = cli(cwd, [...args, '--json'], env);
  if (r.status !== 0) throw new Error(`cavra-policy ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`cavra-policy ${args.join(' ')} printed no JSON: ${r.stdout}`);
  }
}

export function hasOpenssl(): boolean {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0;
}
