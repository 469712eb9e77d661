// Shared helpers for the backend tests: temporary workspaces, CAVRA's recorded responses, a clock and
// id source that make every run identical, and a way to compare shapes with times and ids aside.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLocalBackend, type LocalBackend, type LocalBackendOptions } from '../../../server/src/backend/local';

export function fixturesDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, 'test', 'fixtures');
      if (existsSync(join(candidate, 'cavra-recorded'))) return candidate;
    }
  }
  throw new Error(`test/fixtures not found above ${__dirname} or ${process.cwd()}`);
}

export function recordedText(name: string): string {
  return readFileSync(join(fixturesDir(), 'cavra-recorded', name), 'utf8');
}

export function recorded<T = any>(name: string): T {
  return JSON.parse(recordedText(name)) as T;
}

/** The SPEC 3.2 draft every recorded response was made for. */
export const RECORDED_DRAFT = {
  id: 'cavra-platform-baseline',
  title: 'Platform Baseline',
  description: 'Platform engineering controls.',
  version: '2026.05',
  commands: { block: ['terraform apply -auto-approve'] },
};

export const RECORDED_DIGEST = 'sha256:ffd4dd7d79d86d297af948537f2a0fea8d97488a7c00175d6c7928969b5b05ea';

/** A clock starting at `start` (ISO) that moves `stepMicros` on every reading. */
export function steppingClock(
  start: string | number = '2026-11-23T00:11:03.809986Z',
  stepMicros = 37,
): { clock: () => number; advanceHours(h: number): void; peek(): number } {
  // The recorded start is data (it makes stores identical run to run), not "now": everything that
  // judges expiry against this clock must be given this clock, child processes included (peek()).
  let t =
    typeof start === 'number'
      ? start
      : Date.parse(start.replace(/\.\d+Z$/, 'Z')) + Number((/\.(\d+)Z$/.exec(start)?.[1] ?? '0').padEnd(6, '0')) / 1000;
  return {
    clock: () => {
      t += stepMicros / 1000;
      return t;
    },
    peek: () => t,
    advanceHours(h: number) {
      t += h * 3_600_000;
    },
  };
}

export function counterHex(prefix = ''): (n: number) => string {
  let i = 0;
  return (n) => `${prefix}${(++i).toString(16)}`.padStart(n, '0').slice(-n);
}

export interface Workspace {
  root: string;
  backend: LocalBackend;
  clock: ReturnType<typeof steppingClock>;
  cleanup(): void;
  make(extra?: Partial<LocalBackendOptions>): LocalBackend;
}

/** A temporary workspace, optionally seeded with packs from test/fixtures/policies. */
export function workspace(opts: { packs?: string[]; options?: Partial<LocalBackendOptions> } = {}): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'cavra-backend-'));
  mkdirSync(join(root, 'policies'), { recursive: true });
  for (const pack of opts.packs ?? []) {
    cpSync(join(fixturesDir(), 'policies', pack), join(root, 'policies', pack), { recursive: true });
  }
  const clock = steppingClock();
  const randomHex = counterHex();
  const make = (extra: Partial<LocalBackendOptions> = {}) =>
    createLocalBackend({ root, clock: clock.clock, randomHex, lock: { timeoutMs: 5000 }, ...opts.options, ...extra });
  return { root, backend: make(), clock, make, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function writePack(root: string, id: string, text: string, file = 'policy.yaml'): string {
  const path = join(root, 'policies', id, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?\+00:00$/;

/**
 * The value with what differs on every run replaced: timestamps by "<time>", approval ids by "<apr>",
 * absolute paths to the policy root by "<root>". JSON.stringify of the result compares key order too.
 */
export function stable(value: unknown, root?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => stable(v, root));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stable(v, root)]));
  }
  if (typeof value === 'string') {
    if (TIME.test(value)) return '<time>';
    let s = value.replace(/apr_[0-9a-f]{12}/g, '<apr>');
    if (root) s = s.split(root).join('<root>');
    s = s.replace(/^\/tmp\/cavra-api\.[A-Za-z0-9]+\/root/, '<root>');
    return s;
  }
  return value;
}

export function sameShape(actual: unknown, expected: unknown, root?: string): void {
  const a = JSON.stringify(stable(JSON.parse(JSON.stringify(actual)), root), null, 2);
  const e = JSON.stringify(stable(expected, root), null, 2);
  if (a !== e) {
    const err = new Error('shape differs from the recorded CAVRA response') as Error & {
      actual: string;
      expected: string;
      showDiff: boolean;
    };
    err.actual = a;
    err.expected = e;
    err.showDiff = true;
    throw err;
  }
}
