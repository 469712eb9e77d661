// Our own lock file rather than an npm package: proper-lockfile and lockfile judge staleness by mtime
// against the clock (what this lock must not do), and an OS lock that dies with its process (flock)
// needs a native addon (fs-ext, fs-native-extensions, os-lock) built for every platform.
//
// A lock file that serializes writers across processes (VS Code windows, the CLI in a loop, CI jobs).
// `<target>.lock` holds its holder's identity (pid, host, boot, process start time, token; see
// processIdentity.ts). It is written to a temporary file first and hard-linked into place, which fails
// when the lock exists, so a lock file is never seen half written; where the file system has no hard
// links it is an exclusive create (O_EXCL) and a write.
//
// Whether a held lock may be broken is decided without comparing any clock or mtime (another host's
// clock, a faked clock or a clock set forward would make that comparison say anything):
// - held on this host: its holder is alive or dead by pid and start time. A live holder's lock is never
//   broken, however long it is held (a debugger, SIGSTOP, a laptop lid); a dead holder's (or one from a
//   previous boot, or a pid since reused by another process) is recovered at once.
// - held from another host, container or OS sharing the folder: its liveness cannot be checked from
//   here. It is broken only once this process has seen the same lock content, unchanged, for
//   `foreignStaleMs` (10 min; $CAVRA_LOCK_FOREIGN_STALE_MS) on its own monotonic clock.
// - not readable as a lock (empty, garbage, hand-edited): removed once seen unchanged for 2 s.
// Breaking happens under a short second lock (`.lock.break`, judged the same way) so that two waiters
// cannot both break a lock and then remove each other's fresh one. Waiting is bounded; the error names
// the file, the holder and the fix.
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BackendError } from '../backend';
import { tempPathFor } from './atomicFile';
import { diskFailure, isDiskError } from './diskError';
import { ownIdentity, pidRunning, processStartTime } from './processIdentity';

export interface LockOptions {
  /** How long to wait for a held lock before giving up; default 15 s. */
  timeoutMs?: number;
  /**
   * A lock held from another host (or container, or OS sharing the folder), whose holder cannot be
   * checked, is broken once this process has seen it unchanged this long (monotonic clock). Default:
   * $CAVRA_LOCK_FOREIGN_STALE_MS, else 10 min.
   */
  foreignStaleMs?: number;
  /** A lock file that cannot be read as a lock is removed once seen unchanged this long; default 2 s. */
  unreadableStaleMs?: number;
}

/** What a lock file holds. Fields after `token` are absent in locks written by older versions. */
interface LockContent {
  pid: number;
  host: string;
  /** The holder's wall clock when it took the lock: for people reading messages, never compared. */
  acquired_at: string;
  token: string;
  platform?: string;
  machine_id?: string;
  boot_id?: string;
  pid_ns?: string;
  start_time?: string;
}

export const FOREIGN_STALE_ENV = 'CAVRA_LOCK_FOREIGN_STALE_MS';
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_FOREIGN_STALE_MS = 10 * 60_000;
const DEFAULT_UNREADABLE_STALE_MS = 2_000;

interface Limits {
  timeoutMs: number;
  foreignStaleMs: number;
  unreadableStaleMs: number;
}

function foreignStaleFromEnv(): number {
  const text = process.env[FOREIGN_STALE_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_FOREIGN_STALE_MS;
  if (!/^\d+$/.test(text.trim())) {
    throw new BackendError(
      500,
      `${FOREIGN_STALE_ENV} must be a whole number of milliseconds (600000 is 10 min); it is "${text}". Fix or unset it.`,
    );
  }
  return Number(text.trim());
}

function limitsOf(opts: LockOptions): Limits {
  return {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    foreignStaleMs: opts.foreignStaleMs ?? foreignStaleFromEnv(),
    unreadableStaleMs: opts.unreadableStaleMs ?? DEFAULT_UNREADABLE_STALE_MS,
  };
}

/** Milliseconds on a clock that only moves forward and that no one can set (not Date.now). */
const monotonicNow = (): number => performance.now();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function ownContent(): LockContent {
  return {
    pid: process.pid,
    host: hostname(),
    acquired_at: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...ownIdentity(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Creating and reading lock files

/** Errors of link() that mean "this file system has no hard links" (FAT, exFAT, some shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EISDIR', 'EINVAL', 'EXDEV']);

function writeNew(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    // A lock that could not be written (disk full) must not be left behind as an empty file.
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
}

function linkCount(path: string): number {
  try {
    return statSync(path).nlink;
  } catch {
    return 0;
  }
}

/** Creates `path` holding `content` unless it exists; true when created (this process holds it). */
function createLockFile(path: string, content: LockContent): boolean {
  const text = JSON.stringify(content);
  const temp = tempPathFor(path);
  writeNew(temp, text);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    // On NFS a link whose reply was lost can be reported failed (EEXIST on the retry) though it was
    // made: then the temporary has two names (open(2), O_EXCL).
    if (linkCount(temp) === 2) return true;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    // The temporary was removed as a dead process's (another host's pid looked gone here): try again.
    if (code === 'ENOENT') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  try {
    writeNew(path, text);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

interface SeenLock {
  raw: string;
  /** Undefined when `raw` is not a lock this code can judge (empty, garbage, fields missing). */
  content?: LockContent;
}

function parseLock(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as LockContent;
    if (
      value &&
      typeof value === 'object' &&
      Number.isInteger(value.pid) &&
      typeof value.host === 'string' &&
      typeof value.token === 'string'
    )
      return value;
  } catch {
    // fall through
  }
  return undefined;
}

function readLock(path: string): SeenLock | undefined {
  try {
    const raw = readFileSync(path, 'utf8');
    return { raw, content: parseLock(raw) };
  } catch {
    return undefined; // released meanwhile (or unreadable: then we wait and the timeout says so)
  }
}

/**
 * Removes the temporaries of lock files whose writer died between writing and linking them (their
 * name carries the writer's pid). Run while holding the lock, so it costs nothing to anyone waiting.
 */
function removeDeadTemporaries(path: string): void {
  for (const name of deadTemporaries(path)) rmSync(join(dirname(path), name), { force: true });
}

/** The names of temporaries beside lock file `path` whose writer (the pid in the name) is gone. */
function deadTemporaries(path: string): string[] {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const match = /^(?:break\.)?(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    return !!match && !pidRunning(Number(match[1]));
  });
}

/**
 * True when a writer killed while taking `<target>.lock` left its temporary behind (cheap, no lock): a
 * reader that settles interrupted work takes the lock then, and taking it removes them.
 */
export function hasDeadLockTemporaries(target: string): boolean {
  return deadTemporaries(`${target}.lock`).length > 0;
}

// ---------------------------------------------------------------------------------------------------
// Judging a held lock

/**
 * How long this process has seen each lock file hold the same bytes, on its monotonic clock. The
 * token is random, so the same bytes mean the same holding, even across calls of acquireLock in a
 * long-running process (the language server): time passed unobserved still counts, and no clock of
 * another host or of the file system can make it count faster.
 */
const sightings = new Map<string, { raw: string; since: number }>();

function observedFor(path: string, raw: string): number {
  const now = monotonicNow();
  const seen = sightings.get(path);
  if (seen && seen.raw === raw) return now - seen.since;
  sightings.set(path, { raw, since: now });
  return 0;
}

type Verdict =
  /** On this host and running: wait, never break. */
  | { kind: 'alive' }
  /** On this host and gone: break at once. */
  | { kind: 'dead'; why: string }
  /** Liveness cannot be checked from here: break after foreignStaleMs of observation. */
  | { kind: 'foreign'; why: string }
  /** Not readable as a lock: break after unreadableStaleMs of observation. */
  | { kind: 'unreadable' };

function judge(content: LockContent | undefined): Verdict {
  if (!content) return { kind: 'unreadable' };
  const me = ownIdentity();
  const differs = (mine: string | undefined, theirs: string | undefined) =>
    mine !== undefined && theirs !== undefined && mine !== theirs;
  if (content.host !== hostname()) return { kind: 'foreign', why: `${content.host} is another host` };
  if (differs(me.platform, content.platform)) {
    return {
      kind: 'foreign',
      why: `it was taken under another operating system sharing this folder (${content.platform}, as Windows and WSL do)`,
    };
  }
  if (differs(me.machine_id, content.machine_id))
    return { kind: 'foreign', why: `it is another machine with the same host name (machine id ${content.machine_id})` };
  if (differs(me.boot_id, content.boot_id)) return { kind: 'dead', why: 'it was taken before this machine last started' };
  if (differs(me.pid_ns, content.pid_ns))
    return { kind: 'foreign', why: `it runs in another container of this host (pid namespace ${content.pid_ns})` };
  if (!pidRunning(content.pid)) return { kind: 'dead', why: `process ${content.pid} is no longer running` };
  // Without a recorded start time (an older lock, or a platform without one) a running pid counts as
  // the holder.
  if (content.start_time !== undefined) {
    const now = processStartTime(content.pid);
    if (now !== undefined && now !== content.start_time)
      return { kind: 'dead', why: `process ${content.pid} ended and its pid now belongs to another process` };
  }
  return { kind: 'alive' };
}

function mayBreak(path: string, seen: SeenLock, verdict: Verdict, limits: Limits): boolean {
  switch (verdict.kind) {
    case 'alive':
      return false;
    case 'dead':
      return true;
    case 'foreign':
      return observedFor(path, seen.raw) >= limits.foreignStaleMs;
    case 'unreadable':
      return observedFor(path, seen.raw) >= limits.unreadableStaleMs;
  }
}

/** Breaks `path` if it still holds the `raw` content judged breakable; true when it was removed. */
function breakLock(path: string, raw: string, limits: Limits): boolean {
  const breaker = `${path}.break`;
  if (!createLockFile(breaker, ownContent())) {
    // Someone else is breaking it. Their breaker lock is judged like any lock: removed at once when
    // its holder died while holding it, after the observation limits when it cannot be checked.
    const other = readLock(breaker);
    if (other && mayBreak(breaker, other, judge(other.content), limits) && readLock(breaker)?.raw === other.raw) {
      rmSync(breaker, { force: true });
      sightings.delete(breaker);
    }
    return false;
  }
  try {
    if (readLock(path)?.raw !== raw) return false;
    rmSync(path, { force: true });
    sightings.delete(path);
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Messages

function duration(ms: number): string {
  if (ms >= 60_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  if (ms >= 1_000) return `${Math.round(ms / 1_000)} s`;
  return `${Math.round(ms)} ms`;
}

function preview(raw: string): string {
  if (raw.trim() === '') return 'it is empty';
  const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
  return `it holds ${JSON.stringify(shown)}`;
}

function lockedError(path: string, seen: SeenLock | undefined, verdict: Verdict | undefined, limits: Limits): BackendError {
  const waited = `waited ${duration(limits.timeoutMs)}`;
  const deleteIt = (where: string) =>
    `If no CAVRA Policy Studio or cavra-policy process is running${where}, delete the lock file.`;
  const c = seen?.content;
  if (!seen || !verdict)
    return new BackendError(423, `${path}: the store is locked by another process; ${waited}. ${deleteIt('')}`);
  if (!c || verdict.kind === 'unreadable') {
    return new BackendError(
      423,
      `${path}: the store is locked by a lock file that is not readable as a lock (${preview(seen.raw)}); ${waited}. ` +
        `It is removed once it has stayed unchanged for ${duration(limits.unreadableStaleMs)}. ${deleteIt('')}`,
    );
  }
  const who = `process ${c.pid} on ${c.host} since ${c.acquired_at}`;
  if (verdict.kind === 'foreign') {
    const seenFor = duration(observedFor(path, seen.raw));
    return new BackendError(
      423,
      `${path}: the store is locked by ${who} (by that process's clock); ${verdict.why}, so whether that process still runs cannot be checked from here; ${waited}. ` +
        `The lock is broken once this process has seen it unchanged for ${duration(limits.foreignStaleMs)} (${FOREIGN_STALE_ENV}; seen so far: ${seenFor}). ${deleteIt(` on ${c.host}`)}`,
    );
  }
  if (verdict.kind === 'dead') {
    // Only when another waiter kept breaking it at the same moment, until the time was up.
    return new BackendError(
      423,
      `${path}: the store is locked by ${who}, which is gone (${verdict.why}) but its lock could not be removed in time; ${waited}. Try again. ${deleteIt('')}`,
    );
  }
  return new BackendError(
    423,
    `${path}: the store is locked by ${who}, which is still running; ${waited}. Let it finish, or stop it: its lock is released when it ends. ${deleteIt('')}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// The lock

export interface HeldLock {
  readonly path: string;
  release(): void;
}

function take(path: string, content: LockContent): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return createLockFile(path, content);
  } catch (error) {
    if (isDiskError(error)) throw diskFailure(path, 'create the lock file', error, 'nothing was changed');
    throw error;
  }
}

/** Takes `<target>.lock`, waiting (bounded) while another live process holds it. */
export async function acquireLock(target: string, opts: LockOptions = {}): Promise<HeldLock> {
  const path = `${target}.lock`;
  const limits = limitsOf(opts);
  const started = monotonicNow();
  let delay = 2;
  let lastLook = false;
  for (;;) {
    const content = ownContent();
    if (take(path, content)) {
      sightings.delete(path);
      removeDeadTemporaries(path);
      return {
        path,
        release: () => {
          // Only remove our own lock: if it was broken (from another host, after the limit) and
          // retaken, leave the new owner's.
          if (readLock(path)?.content?.token === content.token) rmSync(path, { force: true });
        },
      };
    }
    const seen = readLock(path);
    const verdict = seen ? judge(seen.content) : undefined;
    if (seen && verdict && mayBreak(path, seen, verdict, limits)) {
      try {
        if (breakLock(path, seen.raw, limits)) continue;
      } catch (error) {
        if (isDiskError(error)) throw diskFailure(path, 'break the lock of a process that is gone', error, 'nothing was changed');
        throw error;
      }
    }
    if (monotonicNow() - started >= limits.timeoutMs) {
      // Released between our attempt and our look: the time is up, but a free lock is taken, not
      // reported as held (once, so that a lock that keeps coming and going still ends the wait).
      if (!seen && !lastLook) {
        lastLook = true;
        continue;
      }
      throw lockedError(path, seen, verdict, limits);
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
