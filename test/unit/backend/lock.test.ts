// The store lock judges its holder without any clock: a live holder on this host is never broken,
// whatever the age or mtime of its lock; a dead one (pid gone, pid reused, previous boot) is recovered
// at once; a lock from another host, whose liveness cannot be checked, only after this process has
// seen it unchanged for the (injectable) limit, and a lock file that is not a lock likewise. Limits
// are set to a few hundred milliseconds here so that each case takes well under a second.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../../server/src/backend/backend';
import { acquireLock, withLock } from '../../../server/src/backend/store';
import { ownIdentity, processStartTime, startTimeFromProcStat } from '../../../server/src/backend/store/processIdentity';

/** A pid that was just used and has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A lock file as this version writes it, for `pid`, with `extra` fields replaced. */
function lockText(pid: number, extra: { [key: string]: unknown } = {}): string {
  return JSON.stringify({
    pid,
    host: hostname(),
    acquired_at: new Date().toISOString(),
    token: 'feedfacecafebeef',
    ...ownIdentity(),
    start_time: processStartTime(pid),
    ...extra,
  });
}

async function rejectsLocked(p: Promise<unknown>, check: (detail: string) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.equal(e.status, 423, e.detail);
    check(e.detail);
    return true;
  });
}

/** Another process that takes the real lock of `target` and holds it until its stdin closes. */
function holder(target: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [__filename], {
    env: { ...process.env, CAVRA_LOCK_TEST_HOLD: target },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the holder did not take the lock within 10 s: ${err}`));
    }, 10_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('held\n')) {
        clearTimeout(limit);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`the holder exited (${code}) before taking the lock: ${err}`));
    });
  });
}

function ended(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve()),
  );
}

if (process.env.CAVRA_LOCK_TEST_HOLD) {
  // The holder side of `holder()`.
  void acquireLock(process.env.CAVRA_LOCK_TEST_HOLD, { timeoutMs: 5_000 }).then((lock) => {
    process.stdout.write('held\n');
    process.stdin.resume();
    process.stdin.on('end', () => {
      lock.release();
      process.exit(0);
    });
  });
} else {
  describe('store lock: judged by liveness, never by a clock', function () {
    this.timeout(20_000);
    let dir: string;
    let target: string;
    let lock: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'cavra-lock-'));
      target = join(dir, 'store.json');
      lock = `${target}.lock`;
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('recovers the lock of a pid that is gone at once (no waiting: timeout 0)', async () => {
      writeFileSync(lock, lockText(deadPid()));
      (await acquireLock(target, { timeoutMs: 0 })).release();
      assert.equal(existsSync(lock), false);
    });

    it('recovers at once a lock whose pid runs but started at another time (the pid was reused)', async function () {
      if (processStartTime(process.pid) === undefined) this.skip(); // Windows: no start time, pid alive only
      writeFileSync(lock, lockText(process.pid, { start_time: 'another process' }));
      (await acquireLock(target, { timeoutMs: 0 })).release();
    });

    it('recovers at once a lock from a previous boot of this machine', async function () {
      if (ownIdentity().boot_id === undefined) this.skip(); // boot ids are read on Linux only
      writeFileSync(lock, lockText(process.pid, { boot_id: '00000000-0000-0000-0000-000000000000' }));
      (await acquireLock(target, { timeoutMs: 0 })).release();
    });

    it('never breaks a live holder, whatever the mtime of its lock (far past, far future) and however small the limits', async () => {
      const child = await holder(target);
      try {
        const before = readFileSync(lock, 'utf8');
        assert.equal(JSON.parse(before).pid, child.pid);
        for (const when of [new Date('1971-01-01T00:00:00Z'), new Date('2199-01-01T00:00:00Z')]) {
          utimesSync(lock, when, when);
          await rejectsLocked(acquireLock(target, { timeoutMs: 300, foreignStaleMs: 0, unreadableStaleMs: 0 }), (detail) => {
            assert.ok(detail.startsWith(`${lock}: the store is locked by process ${child.pid} on ${hostname()} since `), detail);
            assert.match(
              detail,
              /, which is still running; waited 300 ms\. Let it finish, or stop it: its lock is released when it ends\. If no CAVRA Policy Studio or cavra-policy process is running, delete the lock file\.$/,
            );
          });
          assert.equal(readFileSync(lock, 'utf8'), before, "the live holder's lock was changed");
        }
        // Once it ends without releasing (killed), its lock is recovered at once.
        child.kill('SIGKILL');
        await ended(child);
        (await acquireLock(target, { timeoutMs: 0 })).release();
      } finally {
        child.kill('SIGKILL');
      }
    });

    it("does not break another host's lock before the limit, however old its mtime, and says its liveness cannot be checked", async () => {
      const text = JSON.stringify({ pid: 4242, host: 'build-agent-7', acquired_at: '2020-01-01T00:00:00.000Z', token: 'old' });
      writeFileSync(lock, text);
      const old = new Date(Date.now() - 365 * 86_400_000);
      utimesSync(lock, old, old);
      const started = performance.now();
      await rejectsLocked(acquireLock(target, { timeoutMs: 300, foreignStaleMs: 60_000 }), (detail) => {
        assert.equal(
          detail,
          `${lock}: the store is locked by process 4242 on build-agent-7 since 2020-01-01T00:00:00.000Z (by that process's clock); ` +
            'build-agent-7 is another host, so whether that process still runs cannot be checked from here; waited 300 ms. ' +
            `The lock is broken once this process has seen it unchanged for 1 min (CAVRA_LOCK_FOREIGN_STALE_MS; seen so far: ${/seen so far: ([^)]*)\)/.exec(detail)?.[1]}). ` +
            'If no CAVRA Policy Studio or cavra-policy process is running on build-agent-7, delete the lock file.',
        );
      });
      assert.equal(readFileSync(lock, 'utf8'), text);
      // With a shorter limit it is broken, but only once this process has watched it that long in all
      // (its observation goes on across calls, as in the language server).
      (await acquireLock(target, { timeoutMs: 5_000, foreignStaleMs: 500 })).release();
      assert.ok(performance.now() - started >= 500, 'broken before the limit');
    });

    it("keeps waiting while another host's lock changes (a live holder there takes it again and again)", async () => {
      let n = 0;
      const write = () =>
        writeFileSync(
          lock,
          JSON.stringify({ pid: 4242, host: 'build-agent-7', acquired_at: new Date().toISOString(), token: `t${n++}` }),
        );
      write();
      const churn = setInterval(write, 60);
      try {
        await rejectsLocked(acquireLock(target, { timeoutMs: 700, foreignStaleMs: 200 }), (detail) =>
          assert.match(detail, /build-agent-7 is another host/),
        );
      } finally {
        clearInterval(churn);
      }
      assert.ok(n >= 5, `the lock changed ${n} times`);
    });

    it('takes the foreign limit from CAVRA_LOCK_FOREIGN_STALE_MS, and refuses a value that is not a number', async () => {
      const saved = process.env.CAVRA_LOCK_FOREIGN_STALE_MS;
      try {
        writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'build-agent-7', acquired_at: 'x', token: 'env' }));
        process.env.CAVRA_LOCK_FOREIGN_STALE_MS = 'ten minutes';
        await assert.rejects(
          acquireLock(target, { timeoutMs: 100 }),
          (e: BackendError) =>
            e.status === 500 && /^CAVRA_LOCK_FOREIGN_STALE_MS must be a whole number of milliseconds/.test(e.detail),
        );
        process.env.CAVRA_LOCK_FOREIGN_STALE_MS = '150';
        const started = performance.now();
        (await acquireLock(target, { timeoutMs: 5_000 })).release();
        assert.ok(performance.now() - started >= 150);
      } finally {
        if (saved === undefined) delete process.env.CAVRA_LOCK_FOREIGN_STALE_MS;
        else process.env.CAVRA_LOCK_FOREIGN_STALE_MS = saved;
      }
    });

    for (const [what, text] of [
      ['garbage', '}{ not a lock'],
      ['an empty file', ''],
      ['JSON without a pid', '{"host": "x"}'],
    ] as const) {
      it(`recovers a lock file holding ${what} after it stayed unchanged for the limit, not before`, async () => {
        writeFileSync(lock, text);
        const past = new Date('1971-01-01T00:00:00Z');
        utimesSync(lock, past, past);
        const started = performance.now();
        await rejectsLocked(acquireLock(target, { timeoutMs: 300, unreadableStaleMs: 60_000 }), (detail) => {
          assert.ok(detail.startsWith(`${lock}: the store is locked by a lock file that is not readable as a lock (`), detail);
          assert.match(
            detail,
            /; waited 300 ms\. It is removed once it has stayed unchanged for 1 min\. If no CAVRA Policy Studio or cavra-policy process is running, delete the lock file\.$/,
          );
        });
        assert.equal(readFileSync(lock, 'utf8'), text);
        (await acquireLock(target, { timeoutMs: 5_000, unreadableStaleMs: 500 })).release();
        assert.ok(performance.now() - started >= 500, 'removed before the limit');
      });
    }

    it('removes a breaker lock (.lock.break) left by a dead process, and respects one a live process holds', async () => {
      writeFileSync(lock, lockText(deadPid()));
      writeFileSync(`${lock}.break`, lockText(deadPid()));
      (await acquireLock(target, { timeoutMs: 2_000 })).release();
      assert.deepEqual(readdirSync(dir), []);

      const child = await holder(`${lock}.break-holder`);
      try {
        // The live child holds the breaker: the dead lock cannot be broken meanwhile.
        writeFileSync(lock, lockText(deadPid()));
        writeFileSync(`${lock}.break`, lockText(child.pid!));
        await rejectsLocked(acquireLock(target, { timeoutMs: 300, foreignStaleMs: 0, unreadableStaleMs: 0 }), (detail) =>
          assert.match(detail, /which is gone \(process \d+ is no longer running\) but its lock could not be removed in time/),
        );
        assert.equal(JSON.parse(readFileSync(`${lock}.break`, 'utf8')).pid, child.pid);
      } finally {
        child.stdin!.end();
        await ended(child);
      }
    });

    it('removes the temporaries of lock files whose writer died before linking them', async () => {
      mkdirSync(dir, { recursive: true });
      const dead = `.store.json.lock.${deadPid()}.0123abcd.tmp`;
      const deadBreaker = `.store.json.lock.break.${deadPid()}.0123abcd.tmp`;
      const mine = `.store.json.lock.${process.pid}.0123abcd.tmp`;
      for (const name of [dead, deadBreaker, mine]) writeFileSync(join(dir, name), '{}');
      await withLock(target, () => undefined);
      assert.deepEqual(readdirSync(dir), [mine]);
    });

    it('reads the start time after the last ")" of /proc/<pid>/stat, whatever the command name holds', () => {
      const after = ['S', ...Array.from({ length: 18 }, (_, i) => String(100 + i)), '987654', '1', '2', '3'];
      for (const comm of ['node', 'a b', 'x) (y', ') S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 (', '((']) {
        assert.equal(startTimeFromProcStat(`4242 (${comm}) ${after.join(' ')}\n`), '987654', comm);
      }
      assert.equal(startTimeFromProcStat('4242 node S 1'), undefined);
      if (existsSync('/proc/self/stat')) assert.match(processStartTime(process.pid) ?? '', /^\d+$/);
    });
  });
}
