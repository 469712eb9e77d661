// Runs the built command line (`node dist/cli.js`) as a child process, as CI pipelines do.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';
import { testKeyHome } from './cliProcess';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const FIXTURE_POLICIES = join(repoRoot, 'test', 'fixtures', 'policies');

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    // Never the developer's own key home and pins.
    env: { ...process.env, CAVRA_POLICY_DIR: '', CAVRA_KEY_HOME: testKeyHome(options.cwd ?? repoRoot), ...options.env },
    input: options.input,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fixture pack's policy.yaml, relative to the repository root (what a CI job would pass). */
export const fixture = (pack: string) => `test/fixtures/policies/${pack}/policy.yaml`;
