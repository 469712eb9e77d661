// Several processes creating and deciding approvals against one store at once (two VS Code windows
// and a CLI loop): every operation is recorded exactly once, the store is valid JSON at every moment
// a reader looks, and the evidence chain holds every mutation in order.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalBackend } from '../../../server/src/backend/local';
import { workspace, type Workspace } from './backendFixtures';

const WORKERS = 4;
const ROUNDS = 8;

async function storeWorker(root: string, name: string, rounds: number): Promise<void> {
  const backend = createLocalBackend({ root, lock: { timeoutMs: 60_000 } });
  const ids: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const a = await backend.createApproval({
      decision: { decision_id: `dec_${name}_${i}`, approver_group: 'Ops', reason: `${name} ${i}` },
      requested_by: name,
    });
    const decided =
      i % 2
        ? await backend.deny(a.approval_id, { actor: name, reason: 'no' })
        : await backend.approve(a.approval_id, { actor: name, reason: 'yes' });
    if (decided.approval_id !== a.approval_id) throw new Error('wrong record');
    ids.push(a.approval_id);
  }
  process.stdout.write(JSON.stringify(ids));
}

function run(root: string, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename], {
      env: { ...process.env, CAVRA_STORE_WORKER: root, CAVRA_STORE_WORKER_NAME: name, CAVRA_STORE_WORKER_ROUNDS: String(ROUNDS) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${name} exited ${code}: ${err}`)),
    );
  });
}

if (process.env.CAVRA_STORE_WORKER) {
  storeWorker(
    process.env.CAVRA_STORE_WORKER,
    process.env.CAVRA_STORE_WORKER_NAME!,
    Number(process.env.CAVRA_STORE_WORKER_ROUNDS),
  ).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(String(error?.stack ?? error));
      process.exit(1);
    },
  );
} else {
  describe('store: concurrent writers in several processes', () => {
    let ws: Workspace;
    beforeEach(() => {
      ws = workspace();
    });
    afterEach(() => ws.cleanup());

    it('records every create and decision exactly once, keeps the JSON valid throughout and the evidence chain intact', async () => {
      const storeFile = join(ws.root, '.cavra', 'approvals.json');
      let done = false;
      let reads = 0;
      const badReads: string[] = [];
      const reader = (async () => {
        while (!done) {
          if (existsSync(storeFile)) {
            const text = readFileSync(storeFile, 'utf8');
            try {
              JSON.parse(text);
              reads++;
            } catch (error) {
              badReads.push(`${(error as Error).message}: ${text.slice(0, 80)}`);
            }
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      const results = await Promise.all(Array.from({ length: WORKERS }, (_, i) => run(ws.root, `w${i}`)));
      done = true;
      await reader;

      assert.deepEqual(badReads, []);
      assert.ok(reads > 0);
      const expected = results.flat().sort();
      assert.equal(new Set(expected).size, WORKERS * ROUNDS);
      const items = JSON.parse(readFileSync(storeFile, 'utf8')).items as {
        approval_id: string;
        state: string;
        requested_by: string;
        history: unknown[];
      }[];
      assert.deepEqual(items.map((a) => a.approval_id).sort(), expected);
      for (const a of items) {
        assert.equal(a.history.length, 2, `${a.approval_id} was decided once`);
        assert.ok(a.state === 'approved' || a.state === 'denied');
      }
      const verdict = await ws.make().verifyEvidence();
      assert.equal(verdict.ok, true, verdict.message);
      assert.equal(verdict.records, WORKERS * ROUNDS * 2);
    });
  });
}
