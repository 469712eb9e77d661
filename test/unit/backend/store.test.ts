// The store on disk: a store that does not parse is refused and left byte-identical, with the file
// and position in the message; a lock left by a dead process is recovered; a live one makes writers
// wait, then fail with a message that names the holder and the fix. (test/unit/backend/lock.test.ts
// covers the lock's judgement of its holder case by case.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../../server/src/backend/backend';
import { acquireLock, pythonStoreJson, withLock } from '../../../server/src/backend/store';
import { workspace, type Workspace } from './backendFixtures';

const DECISION = { decision_id: 'dec_1', approver_group: 'Ops', reason: 'r' };

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('store: files on disk', () => {
  let ws: Workspace;
  let store: string;
  beforeEach(() => {
    ws = workspace();
    store = join(ws.root, '.cavra', 'approvals.json');
    mkdirSync(join(ws.root, '.cavra'), { recursive: true });
  });
  afterEach(() => ws.cleanup());

  it('refuses a store that is not valid JSON, names file, line and column, and leaves it byte-identical', async () => {
    const text = '{\n  "items": [\n    {"approval_id": "apr_1",}\n  ]\n}\n';
    writeFileSync(store, text);
    for (const op of [
      () => ws.backend.createApproval({ decision: DECISION }),
      () => ws.backend.listApprovals(),
      () => ws.backend.getApproval('apr_1'),
    ]) {
      await assert.rejects(op(), (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.equal(e.status, 500);
        assert.match(
          e.detail,
          new RegExp(
            `^${store.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the store is not valid JSON: .* at line 3, column 29; fix the file \\(or move it away to start a new store\\); it was not changed$`,
          ),
        );
        return true;
      });
    }
    assert.equal(readFileSync(store, 'utf8'), text);
    assert.equal(existsSync(join(ws.root, '.cavra', 'evidence.jsonl')), false);
  });

  it('refuses a store whose items are not a list of objects', async () => {
    for (const text of ['{"items": 5}\n', '[]\n', '{"items": [1]}\n', '']) {
      writeFileSync(store, text);
      await assert.rejects(
        ws.backend.createApproval({ decision: DECISION }),
        (e: unknown) => e instanceof BackendError && e.status === 500 && e.detail.startsWith(`${store}: `),
      );
      assert.equal(readFileSync(store, 'utf8'), text);
    }
  });

  it('recovers a lock left by a process that is gone', async () => {
    writeFileSync(
      `${store}.lock`,
      JSON.stringify({ pid: deadPid(), host: hostname(), acquired_at: new Date().toISOString(), token: 'dead' }),
    );
    const a = await ws.backend.createApproval({ decision: DECISION });
    assert.equal((await ws.backend.getApproval(a.approval_id)).state, 'pending');
    assert.equal(existsSync(`${store}.lock`), false);
  });

  it("leaves another host's lock alone however old its mtime, until this process has seen it unchanged for the limit", async () => {
    writeFileSync(
      `${store}.lock`,
      JSON.stringify({ pid: 1, host: 'build-agent-7', acquired_at: '2020-01-01T00:00:00.000Z', token: 'old' }),
    );
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(`${store}.lock`, old, old);
    await assert.rejects(ws.make({ lock: { timeoutMs: 200 } }).createApproval({ decision: DECISION }), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.equal(e.status, 423);
      assert.match(e.detail, /build-agent-7 is another host, so whether that process still runs cannot be checked from here/);
      return true;
    });
    assert.equal(existsSync(join(ws.root, '.cavra', 'evidence.jsonl')), false);
    await ws.make({ lock: { timeoutMs: 5000, foreignStaleMs: 300 } }).createApproval({ decision: DECISION });
    assert.equal(existsSync(`${store}.lock`), false);
  });

  it('waits a bounded time for a live holder, then says who holds it and what to do', async () => {
    const held = await acquireLock(store);
    try {
      const impatient = ws.make({ lock: { timeoutMs: 50 } });
      await assert.rejects(impatient.createApproval({ decision: DECISION }), (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.equal(e.status, 423);
        assert.ok(
          e.detail.startsWith(`${store}.lock: the store is locked by process ${process.pid} on ${hostname()} since `),
          e.detail,
        );
        assert.match(e.detail, /If no CAVRA Policy Studio or cavra-policy process is running, delete the lock file\.$/);
        return true;
      });
    } finally {
      held.release();
    }
    await ws.backend.createApproval({ decision: DECISION });
  });

  it('releases the lock when the change fails', async () => {
    await assert.rejects(
      withLock(store, () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(existsSync(`${store}.lock`), false);
  });

  it("writes Python's json.dumps(indent=2, sort_keys=True) text", () => {
    assert.equal(
      pythonStoreJson({ b: [], a: { z: 1.5, y: null, x: [true, 'é\u007f'] }, c: {} }),
      '{\n  "a": {\n    "x": [\n      true,\n      "\\u00e9\\u007f"\n    ],\n    "y": null,\n    "z": 1.5\n  },\n  "b": [],\n  "c": {}\n}\n',
    );
  });
});
