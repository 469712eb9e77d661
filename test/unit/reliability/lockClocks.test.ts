// The store lock against time: a holder paused (SIGSTOP) while it holds the approval store's lock,
// with eight writers waiting, and writers whose clocks are ten minutes ahead of and behind the file
// system (faketime), beside writers on the real clock. The lock must judge its holder by pid and
// start time, not by age: the paused holder keeps its lock (even with the limits for locks whose
// holder cannot be checked cut to 200 ms), waiters time out, report it and write nothing, and when the
// holder is resumed it finishes its write. Every operation that reported success is in the store
// exactly once and in the evidence log exactly once, the store parses at every moment a reader looks,
// and the evidence chain verifies. Workers are this file run as a process, through the real backend.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../../server/src/backend/backend';
import { createLocalBackend } from '../../../server/src/backend/local';
import { Figures } from './support/figures';
import { cleanEnv, finished, type Finished } from './support/processes';

interface WorkerSpec {
  root: string;
  name: string;
  /**
   * holder: creates approvals until its stdin closes; writer: once told to go (a line on stdin),
   * `attempts` operations, up to `successes` done; chain: creates and then approves or denies.
   */
  role: 'holder' | 'writer' | 'chain';
  attempts: number;
  successes: number;
  lock: { timeoutMs: number; foreignStaleMs: number; unreadableStaleMs: number };
}

/**
 * A worker prints one line per operation: `ok <decision> <approval> [<state>]`, `timeout <decision>
 * <message>` (the lock's 423), or `error <decision> <message>` (anything else, which fails the test).
 */
async function worker(spec: WorkerSpec): Promise<void> {
  const backend = createLocalBackend({ root: spec.root, lock: spec.lock });
  const say = (line: string) => process.stdout.write(`${line.replace(/\n/g, ' ')}\n`);
  say(`ready ${process.pid} ${Date.now()}`);
  let stop = false;
  if (spec.role === 'holder') process.stdin.on('end', () => (stop = true)).resume();
  // Writers start together, on a line from the test, once all of them are up.
  if (spec.role === 'writer') {
    await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()).once('end', () => resolve()));
    process.stdin.pause();
  }
  let done = 0;
  for (let i = 0; i < spec.attempts && done < spec.successes && !stop; i++) {
    const decision = `dec_${spec.name}_${i}`;
    try {
      const a = await backend.createApproval({
        decision: { decision_id: decision, approver_group: 'Ops', reason: `${spec.name} ${i}` },
        requested_by: spec.name,
      });
      if (spec.role === 'chain') {
        const decided =
          i % 2
            ? await backend.deny(a.approval_id, { actor: spec.name, reason: 'no' })
            : await backend.approve(a.approval_id, { actor: spec.name, reason: 'yes' });
        say(`ok ${decision} ${a.approval_id} ${decided.state}`);
      } else {
        say(`ok ${decision} ${a.approval_id} pending`);
      }
      done++;
    } catch (error) {
      if (error instanceof BackendError && error.status === 423) say(`timeout ${decision} ${error.detail}`);
      else say(`error ${decision} ${error instanceof BackendError ? error.detail : ((error as Error)?.stack ?? String(error))}`);
    }
  }
}

if (process.env.CAVRA_LOCK_CLOCK_WORKER) {
  worker(JSON.parse(process.env.CAVRA_LOCK_CLOCK_WORKER) as WorkerSpec).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(String(error?.stack ?? error));
      process.exit(3);
    },
  );
} else {
  /** Starts this file as a worker, optionally under `faketime -f <offset>`. */
  const start = (spec: WorkerSpec, skew?: string): ChildProcess => {
    const args = [__filename];
    const env = cleanEnv({ CAVRA_LOCK_CLOCK_WORKER: JSON.stringify(spec) });
    return skew
      ? spawn('faketime', ['-f', skew, process.execPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  };

  /** Resolves once `child` has printed `text` (or ended; the outcome then tells why). */
  const printed = (child: ChildProcess, text: string) =>
    new Promise<void>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer | string) => {
        out += d.toString();
        if (out.includes(text)) resolve();
      });
      child.on('exit', () => resolve());
    });

  interface Outcome {
    name: string;
    run: Finished;
    ok: { decision: string; approval: string; state: string }[];
    timeouts: { decision: string; message: string }[];
    errors: string[];
    clockMs: number;
  }

  const outcomeOf = (name: string, run: Finished): Outcome => {
    const o: Outcome = { name, run, ok: [], timeouts: [], errors: [], clockMs: NaN };
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const [what, decision, ...rest] = line.split(' ');
      if (what === 'ready') o.clockMs = Number(rest[0]);
      else if (what === 'ok') o.ok.push({ decision, approval: rest[0], state: rest[1] });
      else if (what === 'timeout') o.timeouts.push({ decision, message: rest.join(' ') });
      else o.errors.push(line);
    }
    if (run.timedOut || run.status !== 0)
      o.errors.push(
        `${name} ended with ${run.status ?? run.signal}${run.timedOut ? ' (killed at the wait limit)' : ''}: ${run.stderr}`,
      );
    return o;
  };

  /** Parses the store as often as it can until stopped; returns what it saw. */
  const sampler = (file: string) => {
    let running = true;
    const seen = { reads: 0, bad: [] as string[] };
    const loop = (async () => {
      while (running) {
        if (existsSync(file)) {
          const text = readFileSync(file, 'utf8');
          try {
            JSON.parse(text);
            seen.reads++;
          } catch (e) {
            seen.bad.push(`${(e as Error).message}: ${text.slice(0, 80)}`);
          }
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    return {
      seen,
      stop: async () => {
        running = false;
        await loop;
        return seen;
      },
    };
  };

  /** The invariants after a run: reported successes once in the store and the evidence, nothing else. */
  const checkStore = async (root: string, outcomes: Outcome[]) => {
    const store = JSON.parse(readFileSync(join(root, '.cavra', 'approvals.json'), 'utf8')) as {
      items: { approval_id: string; decision_id: string; state: string }[];
    };
    const reported = outcomes.flatMap((o) => o.ok);
    const byDecision = new Map(store.items.map((a) => [a.decision_id, a]));
    assert.equal(byDecision.size, store.items.length, 'a decision is stored twice');
    assert.equal(new Set(store.items.map((a) => a.approval_id)).size, store.items.length, 'an approval is stored twice');
    assert.deepEqual(
      [...byDecision.keys()].sort(),
      reported.map((r) => r.decision).sort(),
      'the store holds exactly the operations reported done',
    );
    for (const r of reported) {
      assert.equal(byDecision.get(r.decision)?.approval_id, r.approval, r.decision);
      assert.equal(byDecision.get(r.decision)?.state, r.state, r.decision);
    }
    const verdict = await createLocalBackend({ root }).verifyEvidence();
    assert.equal(verdict.ok, true, verdict.message);
    const perApproval = new Map<string, number>();
    for (const line of readFileSync(join(root, '.cavra', 'evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')) {
      for (const id of (JSON.parse(line) as { approval_ids: string[] }).approval_ids ?? [])
        perApproval.set(id, (perApproval.get(id) ?? 0) + 1);
    }
    for (const r of reported)
      assert.equal(perApproval.get(r.approval), r.state === 'pending' ? 1 : 2, `${r.approval}: evidence records`);
    assert.equal([...perApproval.keys()].length, reported.length, 'evidence names an approval that was not reported done');
    return reported.length;
  };

  describe('reliability: the store lock against paused holders and skewed clocks', function () {
    this.timeout(120_000);
    const figures = new Figures('Faults: a paused lock holder, skewed clocks', 'test/unit/reliability/lockClocks.test.ts');
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'cavra-lock-clocks-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    afterEach(function () {
      figures.failed(this.currentTest);
    });
    after(() => figures.save());

    it('a holder stopped (SIGSTOP) while it holds the store keeps its lock while 8 writers wait and time out; resumed, it finishes', async function () {
      if (process.platform === 'win32') this.skip(); // no SIGSTOP
      const WRITERS = 8;
      const STOP_MS = 2_000;
      const short = { foreignStaleMs: 200, unreadableStaleMs: 200 };
      const store = join(root, '.cavra', 'approvals.json');
      const lockFile = `${store}.lock`;
      const lockPid = () => {
        try {
          return { raw: readFileSync(lockFile, 'utf8'), pid: JSON.parse(readFileSync(lockFile, 'utf8')).pid as number };
        } catch {
          return undefined;
        }
      };

      // The holder writes in a loop; once it has written, it is stopped at a moment it holds the lock.
      const holder = start({
        root,
        name: 'holder',
        role: 'holder',
        attempts: 10_000,
        successes: 10_000,
        lock: { timeoutMs: 60_000, ...short },
      });
      const children = [holder];
      const holderRun = finished(holder, 90_000);
      const reader = sampler(store);
      let writerRuns: Promise<Finished>[] = [];
      let stoppedWith: string | undefined;
      let caughtAfter = 0;
      try {
        await printed(holder, 'ok ');
        for (let tries = 0; tries < 2_000 && !stoppedWith; tries++) {
          await new Promise((r) => setTimeout(r, 1 + (tries % 3)));
          if (lockPid()?.pid !== holder.pid) continue;
          holder.kill('SIGSTOP');
          const held = lockPid();
          // Stopped now: if the lock is still its own, it holds the store for as long as it stays stopped.
          if (held && held.pid === holder.pid) stoppedWith = held.raw;
          else holder.kill('SIGCONT');
          caughtAfter = tries + 1;
        }
        assert.ok(stoppedWith, 'the holder was never caught holding the lock');
        const storeBefore = readFileSync(store, 'utf8');

        // Eight writers, each trying operations with a lock timeout well under the pause.
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          start({ root, name: `w${w}`, role: 'writer', attempts: 12, successes: 3, lock: { timeoutMs: 700, ...short } }),
        );
        children.push(...writers);
        writerRuns = writers.map((child) => finished(child, 60_000));
        await Promise.all(writers.map((child) => printed(child, 'ready ')));
        for (const child of writers) child.stdin!.write('go\n');
        const pausedAt = performance.now();
        while (performance.now() - pausedAt < STOP_MS) {
          await new Promise((r) => setTimeout(r, 100));
          assert.equal(readFileSync(lockFile, 'utf8'), stoppedWith, "the stopped holder's lock was broken or replaced");
          assert.equal(readFileSync(store, 'utf8'), storeBefore, 'the store was written while its lock holder was stopped');
        }
      } catch (error) {
        for (const child of children) {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
        }
        await reader.stop();
        throw error;
      } finally {
        holder.kill('SIGCONT');
        holder.stdin!.end();
      }
      const holderOutcome = outcomeOf('holder', await holderRun);
      const writerOutcomes = (await Promise.all(writerRuns)).map((run, w) => outcomeOf(`w${w}`, run));
      const seen = await reader.stop();

      const all = [holderOutcome, ...writerOutcomes];
      assert.deepEqual(
        all.flatMap((o) => o.errors),
        [],
        'an operation failed other than by the lock timeout',
      );
      assert.deepEqual(seen.bad, [], 'a reader saw invalid JSON');
      let onHolder = 0;
      for (const o of writerOutcomes) {
        // Every writer started while the holder was stopped, so its first attempts waited for it.
        const named = o.timeouts.filter((t) =>
          t.message.startsWith(`${lockFile}: the store is locked by process ${holder.pid} on ${hostname()} since `),
        );
        assert.ok(named.length >= 1, `${o.name} never timed out on the stopped holder: ${JSON.stringify(o.timeouts)}`);
        for (const t of o.timeouts)
          assert.match(t.message, /, which is still running; waited 700 ms\. Let it finish, or stop it/);
        onHolder += named.length;
      }
      // Timed-out operations wrote nothing (checkStore: the store holds exactly the reported ones).
      const recorded = await checkStore(root, all);
      // The holder's write in flight when it was stopped finished after the resume: it reported no
      // error and no timeout (checked above and here), and its operations are in the store.
      assert.deepEqual(holderOutcome.timeouts, [], 'the holder timed out');
      assert.ok(holderOutcome.ok.length >= 1, 'the holder did not finish its write after it was resumed');
      const timeouts = writerOutcomes.reduce((n, o) => n + o.timeouts.length, 0);
      const writerSuccesses = writerOutcomes.reduce((n, o) => n + o.ok.length, 0);
      assert.ok(writerSuccesses > 0, 'no writer got the lock after the holder was resumed');
      figures.add({
        what: `a lock holder stopped (SIGSTOP) for ${STOP_MS / 1000} s while it held the store, ${WRITERS} writers waiting (lock timeout 0.7 s, foreign and unreadable-lock limits 0.2 s)`,
        count: timeouts + recorded,
        unit: `operations (${timeouts} timed out and wrote nothing, ${onHolder} of them naming the stopped holder, the others a writer after the resume; ${recorded} done, ${writerSuccesses} of them by the writers; holder caught holding after ${caughtAfter} tries)`,
        outcome: `the stopped holder's lock never broken; its write finished after SIGCONT; each done operation in the store and the evidence once; ${seen.reads} reads, 0 invalid JSON; evidence chain intact`,
      });
    });

    it('writers with clocks 10 min ahead and behind (faketime) beside unskewed ones: every operation once, chain intact', async function () {
      // This suite itself may run under faketime; the two probes are compared with each other.
      const probe = (skew: string) =>
        spawnSync('faketime', ['-f', skew, process.execPath, '-e', 'process.stdout.write(String(Date.now()))'], {
          encoding: 'utf8',
          timeout: 20_000,
        });
      const [ahead, behind] = [probe('+10m'), probe('-10m')];
      for (const p of [ahead, behind]) {
        if (p.error || p.status !== 0) {
          console.log(
            `      (skipped: faketime is not installed or does not run here: ${p.error?.message ?? p.stderr}; on Debian: apt-get install faketime)`,
          );
          this.skip();
        }
      }
      if (Math.abs(Number(ahead.stdout) - Number(behind.stdout) - 1_200_000) > 120_000) {
        console.log(
          `      (skipped: faketime does not move node's clock here: +10m said ${ahead.stdout}, -10m said ${behind.stdout})`,
        );
        this.skip();
      }
      // libfaketime's offsets count from the real clock, not from this suite's: under the clock-ahead
      // pass (+400 d) a bare '-10m' would put a writer 400 days behind the unskewed ones, whose store
      // mutations then rightly expire its approvals. So the skews are taken from this suite's clock.
      const real = probe('+0');
      const suiteOffsetS = Number.isFinite(Number(real.stdout)) ? Math.round((Date.now() - Number(real.stdout)) / 1000) : 0;
      const at = (s: number) => (suiteOffsetS + s >= 0 ? '+' : '') + String(suiteOffsetS + s);
      const store = join(root, '.cavra', 'approvals.json');
      const ROUNDS = 5;
      const skews: (string | undefined)[] = [at(600), at(-600), undefined, at(600), at(-600), undefined, at(600), at(-600)];
      const lock = { timeoutMs: 60_000, foreignStaleMs: 200, unreadableStaleMs: 200 };
      const reader = sampler(store);
      let outcomes: Outcome[];
      try {
        const runs = skews.map((skew, w) =>
          finished(start({ root, name: `w${w}`, role: 'chain', attempts: ROUNDS, successes: ROUNDS, lock }, skew), 90_000),
        );
        outcomes = (await Promise.all(runs)).map((run, w) => outcomeOf(`w${w}${skews[w] ?? ''}`, run));
      } finally {
        await reader.stop();
      }
      const seen = reader.seen;
      assert.deepEqual(
        outcomes.flatMap((o) => o.errors),
        [],
        'an operation failed',
      );
      assert.deepEqual(
        outcomes.flatMap((o) => o.timeouts),
        [],
        'a writer timed out on the lock',
      );
      assert.deepEqual(seen.bad, [], 'a reader saw invalid JSON');
      // The skew took effect: the workers' clocks disagree by about 20 minutes.
      const clocks = outcomes.map((o) => o.clockMs);
      assert.ok(Math.max(...clocks) - Math.min(...clocks) > 15 * 60_000, `the workers' clocks: ${clocks.join(', ')}`);
      const recorded = await checkStore(root, outcomes);
      assert.equal(recorded, skews.length * ROUNDS);
      figures.add({
        what: 'store writers with clocks 10 min ahead (3) and behind (3) of the file system (faketime), beside 2 on the real clock',
        count: recorded * 2,
        unit: `operations (${skews.length} processes × ${ROUNDS} create + approve/deny; foreign and unreadable-lock limits 0.2 s)`,
        outcome: `each once in the store and the evidence (lost: 0, duplicated: 0); 0 lock timeouts; ${seen.reads} reads, 0 invalid JSON; evidence chain intact`,
      });
    });
  });
}
