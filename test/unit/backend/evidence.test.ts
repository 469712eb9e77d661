// The evidence log: every mutation appends who, when, what, digests and approval ids; verification
// names the first record that was altered, removed or cut off, and survives a torn last write.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceLog, recordHash } from '../../../server/src/backend/evidence';
import { RECORDED_DIGEST, RECORDED_DRAFT, workspace, type Workspace } from './backendFixtures';

describe('evidence: hash-chained log of every mutation', () => {
  let ws: Workspace;
  let file: string;
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const write = (ls: string[]) => writeFileSync(file, ls.map((l) => `${l}\n`).join(''));

  beforeEach(async () => {
    ws = workspace();
    file = join(ws.root, '.cavra', 'evidence.jsonl');
    const b = ws.backend;
    const preq = await b.publishRequest({ draft: RECORDED_DRAFT, requested_by: 'author' });
    await b.approve(preq.approval.approval_id, { actor: 'reviewer', reason: 'ok', external_ref: 'CHG-9' });
    await b.publish({ draft: RECORDED_DRAFT, approval_id: preq.approval.approval_id });
    const other = await b.createApproval({ decision: { decision_id: 'dec_1', approver_group: 'Ops' } });
    await b.deny(other.approval_id, { actor: 'ops', reason: 'no' });
    // A later evaluation of the same request (the approval's own decision): attach-decision takes only those.
    await b.attachDecision(preq.approval.approval_id, { ...preq.approval.decision });
    await b.breakGlass({ decision: { decision_id: 'dec_2' }, actor: 'oncall', reason: 'outage' });
    const third = await b.createApproval({ decision: { decision_id: 'dec_3', approver_group: 'Ops' } });
    await b.expire(third.approval_id);
    await b.rolloutApplyChange({ repository: 'payments/api', policy_pack: 'cavra-platform-baseline' });
  });
  afterEach(() => ws.cleanup());

  it('records each mutation in order with actor, approval ids and digests', async () => {
    const records = lines().map((l) => JSON.parse(l));
    assert.deepEqual(
      records.map((r) => r.event),
      [
        'publish_request',
        'approve',
        'publish',
        'approval_request',
        'deny',
        'attach_decision',
        'break_glass',
        'approval_request',
        'expire',
        'rollout_apply',
      ],
    );
    assert.deepEqual(
      records.map((r) => r.seq),
      records.map((_, i) => i + 1),
    );
    const [request, approve, publish] = records;
    assert.deepEqual([request.actor, request.digests.policy_digest], ['author', RECORDED_DIGEST]);
    assert.deepEqual(
      [approve.actor, approve.approval_ids, approve.details.external_ref],
      ['reviewer', request.approval_ids, 'CHG-9'],
    );
    assert.equal(publish.digests.policy_digest, RECORDED_DIGEST);
    assert.equal(publish.digests.policy_file_digest, 'sha256:29972ca949ffc9a5f442428b8b72ea8d3ec7c2e16953ac75c09a86dcc282bca8');
    assert.match(publish.digests.signature_file_digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(records[9].details.rollout_id, 'payments/api:cavra-platform-baseline');
    const verdict = await ws.backend.verifyEvidence();
    assert.deepEqual([verdict.ok, verdict.records, verdict.message], [true, 10, '10 evidence record(s), chain intact']);
  });

  it('names a record edited in place', async () => {
    const ls = lines();
    ls[3] = ls[3].replace('"actor":"ai-agent"', '"actor":"someone-else"');
    write(ls);
    const v = await ws.backend.verifyEvidence();
    assert.deepEqual([v.ok, v.first_bad_line, v.first_bad_seq], [false, 4, 4]);
    assert.match(v.message, /^line 4 \(seq 4\) was altered/);
  });

  it('names a record edited and re-hashed (the next record no longer chains to it)', async () => {
    const ls = lines();
    const rec = JSON.parse(ls[1]);
    rec.actor = 'mallory';
    rec.record_hash = recordHash(rec);
    ls[1] = JSON.stringify(rec);
    write(ls);
    const v = await ws.backend.verifyEvidence();
    assert.deepEqual([v.ok, v.first_bad_line], [false, 2]);
    assert.match(v.message, /record seq 2 was altered and re-hashed/);
  });

  it('names a removed record, and records cut off the end', async () => {
    const ls = lines();
    write([...ls.slice(0, 4), ...ls.slice(5)]);
    let v = await ws.backend.verifyEvidence();
    assert.deepEqual([v.ok, v.first_bad_line, v.first_bad_seq], [false, 5, 5]);
    assert.match(v.message, /record seq 5 was removed/);
    write(ls.slice(0, 8));
    v = await ws.backend.verifyEvidence();
    assert.deepEqual([v.ok, v.first_bad_seq], [false, 9]);
    assert.match(v.message, /record seq 9-10 was removed/);
  });

  it('sets a torn last line aside on the next append and keeps the chain', async () => {
    appendFileSync(file, '{"schema_version":"cavra-studio.evidence.v1","seq":11,"rec');
    let v = await ws.backend.verifyEvidence();
    assert.deepEqual([v.ok, v.first_bad_line], [false, 11]);
    await ws.backend.createApproval({ decision: { decision_id: 'dec_4', approver_group: 'Ops' } });
    v = await ws.backend.verifyEvidence();
    assert.deepEqual([v.ok, v.records], [true, 11]);
    assert.match(readFileSync(`${file}.torn`, 'utf8'), /"seq":11,"rec\n$/);
  });

  it('an empty workspace has nothing to verify', async () => {
    const fresh = workspace();
    try {
      const v = await fresh.backend.verifyEvidence();
      assert.deepEqual([v.ok, v.records, v.message], [true, 0, 'no evidence recorded yet']);
      const log = new EvidenceLog(join(fresh.root, 'x.jsonl'), { now: () => '2026-01-01T00:00:00+00:00' });
      const first = await log.append({ event: 'test', actor: 'me' });
      assert.equal(first.prev_hash, `sha256:${'0'.repeat(64)}`);
      assert.equal(first.record_hash, recordHash(first));
    } finally {
      fresh.cleanup();
    }
  });

  it('lists the newest records of the log the backend writes, wherever its evidenceLog option puts it', async () => {
    const all = await ws.backend.listEvidence();
    assert.equal(all.unavailable, null);
    assert.deepEqual(
      all.items.map((r) => r.seq),
      lines().map((_, i) => i + 1),
    );
    assert.deepEqual(
      (await ws.backend.listEvidence({ limit: 2 })).items.map((r) => r.event),
      ['expire', 'rollout_apply'],
    );

    const elsewhere = ws.make({ evidenceLog: join(ws.root, 'audit', 'log.jsonl') });
    await elsewhere.createApproval({ decision: { decision_id: 'dec_elsewhere', approver_group: 'Ops' } });
    const listed = await elsewhere.listEvidence();
    assert.deepEqual(
      listed.items.map((r) => r.event),
      ['approval_request'],
      'not the default .cavra/evidence.jsonl',
    );
  });
});
