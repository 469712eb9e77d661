// Eight `cavra-policy` processes at a time against one approval store, as eight terminals, CI jobs
// and editor windows would be: chains that create an approval and then approve, deny or expire it,
// then races in which eight processes decide the same pending approval at once. A reader samples the
// store and the evidence log throughout. Exactly once: every create that exited 0 is in the store once,
// each raced approval was decided by exactly one process (the others exit 1 with CAVRA's words), every
// successful operation has one evidence record, the JSON parsed every time it was read, and
// `cavra-policy evidence verify` finds the chain intact. (test/unit/backend/concurrency.test.ts covers
// in-process workers; this is the CLI as a process, with contention on single records.)
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Figures } from './support/figures';
import { pool, runCli, type Finished } from './support/processes';

const WIDTH = 8;
const ROUNDS = Number(process.env.CAVRA_CONCURRENCY_ROUNDS ?? 6);
const RACES = Number(process.env.CAVRA_CONCURRENCY_RACES ?? 6);
const VERBS = ['approve', 'deny', 'expire'] as const;
const STATE = { approve: 'approved', deny: 'denied', expire: 'expired' } as const;

interface StoredApproval {
  approval_id: string;
  state: string;
  decision_id: string;
  history: { event: string; actor: string }[];
}

describe('reliability: eight CLI processes on one approval store', function () {
  this.timeout(240_000);
  const figures = new Figures('Faults: concurrent processes on one store', 'test/unit/reliability/concurrentApprovals.test.ts');
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cavra-concurrent-'));
  });
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    figures.save();
  });

  it('creates, approvals, denials and expiries are each recorded exactly once; JSON valid throughout; chain intact', async () => {
    const store = join(root, '.cavra', 'approvals.json');
    const evidence = join(root, '.cavra', 'evidence.jsonl');
    const cli = (args: string[]) => runCli([...args, '--json'], { cwd: root, waitMs: 60_000 });
    const ok = (r: Finished, what: string) => {
      assert.equal(r.timedOut, false, `${what} did not end`);
      assert.equal(r.status, 0, `${what}: ${r.stderr}`);
      return JSON.parse(r.stdout) as StoredApproval;
    };
    const decision = (name: string) => {
      writeFileSync(
        join(root, `${name}.json`),
        JSON.stringify({
          decision_id: name,
          approver_group: 'Ops',
          reason: `for ${name}`,
          action_type: 'write_file',
          target: 'iam/admin.json',
        }),
      );
      return `${name}.json`;
    };

    // The reader: parses both files as often as it can while the writers run.
    let running = true;
    const samples = { store: 0, evidence: 0, bad: [] as string[] };
    const reader = (async () => {
      while (running) {
        if (existsSync(store)) {
          const text = readFileSync(store, 'utf8');
          try {
            JSON.parse(text);
            samples.store++;
          } catch (e) {
            samples.bad.push(`store: ${(e as Error).message}: ${text.slice(0, 80)}`);
          }
        }
        if (existsSync(evidence)) {
          // Only complete lines count: an append in progress may show its first bytes.
          const lines = readFileSync(evidence, 'utf8').split('\n').slice(0, -1);
          for (const line of lines) {
            try {
              JSON.parse(line);
            } catch {
              samples.bad.push(`evidence line: ${line.slice(0, 80)}`);
            }
          }
          samples.evidence++;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    let processes = 0;
    const expected = new Map<string, string>(); // approval id -> final state
    let successfulOps = 0;
    try {
      // Chains: eight at a time, each creating and then deciding its own approvals.
      const chains = Array.from({ length: WIDTH }, (_, c) => async () => {
        for (let r = 0; r < ROUNDS; r++) {
          const name = `dec_chain${c}_${r}`;
          const created = ok(await cli(['approval', 'create', decision(name), '--requested-by', `chain-${c}`]), `create ${name}`);
          const verb = VERBS[(c + r) % VERBS.length];
          const decided = ok(
            await cli(['approval', verb, created.approval_id, '--actor', `chain-${c}`, '--reason', `round ${r}`]),
            `${verb} ${created.approval_id}`,
          );
          assert.equal(decided.state, STATE[verb]);
          expected.set(created.approval_id, STATE[verb]);
          processes += 2;
          successfulOps += 2;
        }
      });
      await pool(WIDTH, chains);

      // Races: eight processes decide the same pending approval at once; one wins.
      let refusals = 0;
      for (let k = 0; k < RACES; k++) {
        const created = ok(await cli(['approval', 'create', decision(`dec_race_${k}`)]), `create race ${k}`);
        processes++;
        successfulOps++;
        const attempts = await Promise.all(
          Array.from({ length: WIDTH }, (_, p) => {
            const verb = VERBS[p % VERBS.length];
            return cli(['approval', verb, created.approval_id, '--actor', `racer-${p}`, '--reason', `race ${k}`]).then((r) => ({
              verb,
              r,
            }));
          }),
        );
        processes += WIDTH;
        const winners = attempts.filter((a) => a.r.status === 0);
        assert.equal(winners.length, 1, `race ${k}: ${winners.length} processes changed the same pending approval`);
        for (const loser of attempts.filter((a) => a.r.status !== 0)) {
          assert.equal(loser.r.timedOut, false);
          assert.equal(loser.r.status, 1, loser.r.stderr);
          assert.equal(loser.r.stderr, 'cavra-policy: only pending approvals can be changed\n');
          refusals++;
        }
        expected.set(created.approval_id, STATE[winners[0].verb]);
        successfulOps++;
      }

      running = false;
      await reader;

      // The store: every approval once, in the state its one successful decision left it, two history events.
      const items = (JSON.parse(readFileSync(store, 'utf8')) as { items: StoredApproval[] }).items;
      const ids = items.map((a) => a.approval_id);
      assert.equal(new Set(ids).size, ids.length, 'an approval is stored twice');
      assert.deepEqual([...ids].sort(), [...expected.keys()].sort(), 'the store holds exactly the approvals created');
      for (const a of items) {
        assert.equal(a.state, expected.get(a.approval_id), `${a.approval_id} state`);
        assert.equal(a.history.length, 2, `${a.approval_id} history: ${JSON.stringify(a.history)}`);
      }
      assert.deepEqual(samples.bad, [], 'a reader saw invalid JSON');

      // The evidence: one record per successful operation, in a chain that verifies.
      const verify = await runCli(['evidence', 'verify', '--json'], { cwd: root });
      assert.equal(verify.status, 0, verify.stderr);
      const verdict = JSON.parse(verify.stdout) as { ok: boolean; records: number };
      assert.equal(verdict.ok, true);
      assert.equal(verdict.records, successfulOps, 'one evidence record per successful operation');
      const perApproval = new Map<string, number>();
      for (const line of readFileSync(evidence, 'utf8').trim().split('\n')) {
        for (const id of (JSON.parse(line) as { approval_ids: string[] }).approval_ids)
          perApproval.set(id, (perApproval.get(id) ?? 0) + 1);
      }
      for (const id of expected.keys()) assert.equal(perApproval.get(id), 2, `${id}: request and decision recorded once each`);

      figures.add({
        what: 'cavra-policy processes, 8 at a time, on one store',
        count: processes + 1,
        unit: `processes: ${WIDTH} chains × ${ROUNDS} (create + approve/deny/expire), ${RACES} races of ${WIDTH} deciders`,
        outcome: `${successfulOps} operations recorded exactly once (lost: 0, duplicated: 0); ${refusals} race losers refused with "only pending approvals can be changed"`,
      });
      figures.add({
        what: 'reads of the store and evidence log while writers ran',
        count: samples.store + samples.evidence,
        unit: `samples (${samples.store} of the store, ${samples.evidence} of the log)`,
        outcome: '0 invalid JSON; evidence verify: chain intact',
      });
    } finally {
      running = false;
      await reader;
    }
  });
});
