// A lock file that serializes writers across processes (VS Code windows, the CLI in a loop).
// Taking it is an exclusive create (O_EXCL) of `<target>.lock` holding {pid, host, acquired_at, token}.
// A lock whose owner is gone (same host, pid not running) or that is older than `staleMs` is stale:
// it is broken under a short second lock (`.lock.break`) so that two waiters cannot both break it
// and then remove each other's fresh lock. Waiting is bounded; the error names the holder and the fix.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BackendError } from '../backend';
import { diskFailure, isDiskError } from './diskError';

export interface LockOptions {
  /** How long to wait for a held lock before giving up; default 15 s. */
  timeoutMs?: number;
  /** A lock older than this is stale even if its pid runs (pid reuse, hung process); default 60 s. */
  staleMs?: number;
  /** For tests: the clock in ms; default Date.now. */
  now?: () => number;
}

interface LockContent {
  pid: number;
  host: string;
  acquired_at: string;
  token: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_STALE_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string, content: LockContent): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(content));
  } catch (error) {
    // A lock that could not be written (disk full) must not be left behind as an empty file.
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return true;
}

function readLock(path: string): { content?: LockContent; mtimeMs: number; raw: string } | undefined {
  try {
    const raw = readFileSync(path, 'utf8');
    const mtimeMs = statSync(path).mtimeMs;
    try {
      return { content: JSON.parse(raw) as LockContent, mtimeMs, raw };
    } catch {
      return { mtimeMs, raw }; // being written right now, or garbage
    }
  } catch {
    return undefined; // released meanwhile
  }
}

function isStale(lock: { content?: LockContent; mtimeMs: number }, now: number, staleMs: number): boolean {
  const age = now - lock.mtimeMs;
  if (age > staleMs) return true;
  const c = lock.content;
  // A lock file that is not yet readable JSON is given a moment to be written.
  if (!c) return age > 2_000;
  return c.host === hostname() && typeof c.pid === 'number' && !pidRunning(c.pid);
}

/** Breaks `path` if it still holds the stale `raw` content; true when it was removed. */
function breakStale(path: string, raw: string, now: number): boolean {
  const breaker = `${path}.break`;
  const me: LockContent = { pid: process.pid, host: hostname(), acquired_at: new Date(now).toISOString(), token: randomBytes(8).toString('hex') };
  if (!tryCreate(breaker, me)) {
    // Someone else is breaking it; their breaker lock is itself stale after a few seconds.
    const other = readLock(breaker);
    if (other && now - other.mtimeMs > 5_000) rmSync(breaker, { force: true });
    return false;
  }
  try {
    const again = readLock(path);
    if (again && again.raw === raw) {
      rmSync(path, { force: true });
      return true;
    }
    return false;
  } finally {
    rmSync(breaker, { force: true });
  }
}

export interface HeldLock {
  readonly path: string;
  release(): void;
}

/** Takes `<target>.lock`, waiting (bounded) while another live process holds it. */
export async function acquireLock(target: string, opts: LockOptions = {}): Promise<HeldLock> {
  const path = `${target}.lock`;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const started = now();
  let delay = 2;
  const created = (content: LockContent) => {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return tryCreate(path, content);
    } catch (error) {
      if (isDiskError(error)) throw diskFailure(path, 'create the lock file', error, 'nothing was changed');
      throw error;
    }
  };
  for (;;) {
    const content: LockContent = { pid: process.pid, host: hostname(), acquired_at: new Date(now()).toISOString(), token: randomBytes(8).toString('hex') };
    if (created(content)) {
      return {
        path,
        release: () => {
          // Only remove our own lock: if it was (wrongly) broken and retaken, leave the new owner's.
          const current = readLock(path);
          if (current?.content?.token === content.token) rmSync(path, { force: true });
        },
      };
    }
    const held = readLock(path);
    if (held && isStale(held, now(), staleMs)) {
      if (breakStale(path, held.raw, now())) continue;
    }
    if (now() - started >= timeoutMs) {
      const who = held?.content ? `process ${held.content.pid} on ${held.content.host} since ${held.content.acquired_at}` : 'another process';
      throw new BackendError(423, `${path}: the store is locked by ${who}; waited ${Math.round(timeoutMs / 1000)} s. If no CAVRA Policy Studio or cavra-policy process is running, delete the lock file.`);
    }
    await sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** Runs `fn` while holding the lock of `target`. */
export async function withLock<T>(target: string, fn: () => T | Promise<T>, opts?: LockOptions): Promise<T> {
  const lock = await acquireLock(target, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

export function lockExists(target: string): boolean {
  return existsSync(`${target}.lock`);
}
