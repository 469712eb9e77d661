// Who a process is, in terms another process on the same machine can check without any clock: its pid
// together with its start time (a pid alone is reused once its process ends), the boot it belongs to,
// and the pid namespace (container) its pid is counted in. The store lock records these for its holder
// so that a waiter can tell a live holder (wait, however long it holds the lock) from a dead one
// (recover the lock at once). Every reader here answers `undefined` when it cannot tell; callers then
// fall back to less (pid alive only), never to a guess that would break a live lock.
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Field 22 (`starttime`, clock ticks after boot) of a `/proc/<pid>/stat` text. Field 2 is the command
 * name in parentheses, and may itself contain spaces and parentheses (`(a) (b)`), so the fields are
 * counted from the text after the LAST `)`; that text starts with field 3.
 */
export function startTimeFromProcStat(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const value = fields[22 - 3];
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

/** BSD and macOS: `ps -o lstart=` in UTC and the C locale, so that every reader formats it alike. */
function psStartTime(pid: number): string | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
      windowsHide: true,
    });
    return out.trim().replace(/\s+/g, ' ') || undefined;
  } catch {
    return undefined; // no ps, or no such process (exit 1)
  }
}

/**
 * When `pid` started, as an opaque text that differs between two processes that had the same pid.
 * Linux: `/proc/<pid>/stat` (read through /proc/<pid>, never /proc/self, so the holder records what
 * its waiters will read). BSD and macOS: `ps`. Windows has neither without a native call, so there is
 * no start time and the lock falls back to "pid alive" (a reused pid then looks like the holder until
 * the lock's timeout names it).
 */
export function processStartTime(pid: number): string | undefined {
  if (process.platform === 'linux' || process.platform === 'android') {
    const stat = readTrimmed(`/proc/${pid}/stat`);
    return stat === undefined ? undefined : startTimeFromProcStat(stat);
  }
  if (process.platform === 'win32') return undefined;
  return psStartTime(pid);
}

/** True while a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ProcessIdentity {
  platform: string;
  /** Linux: /etc/machine-id, which tells apart two machines given the same host name. */
  machine_id?: string;
  /**
   * Linux: changes at every boot, so a lock from before a restart is known dead even if its pid and
   * start time happen to match a process of this boot. (macOS and BSD need none: their `ps` start
   * time is a date, which does not repeat across boots.)
   */
  boot_id?: string;
  /** Linux: the pid namespace; another one (a container sharing the folder) counts its pids apart. */
  pid_ns?: string;
  start_time?: string;
}

function readPidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

let machineWide: Omit<ProcessIdentity, 'start_time'> | undefined;
let ownStartTime: { value: string | undefined } | undefined;

/** This process, read once (none of it changes while the process runs). */
export function ownIdentity(): ProcessIdentity {
  machineWide ??=
    process.platform === 'linux' || process.platform === 'android'
      ? {
          platform: process.platform,
          machine_id: readTrimmed('/etc/machine-id') ?? readTrimmed('/var/lib/dbus/machine-id'),
          boot_id: readTrimmed('/proc/sys/kernel/random/boot_id'),
          pid_ns: readPidNamespace(),
        }
      : { platform: process.platform };
  ownStartTime ??= { value: processStartTime(process.pid) };
  const identity: ProcessIdentity = { ...machineWide };
  if (ownStartTime.value !== undefined) identity.start_time = ownStartTime.value;
  return identity;
}
