// Approval expiry on the clock (issue 16): the one rule (policy/approvalExpiry.ts), the local store
// brought in line by CAVRA's own `expire` action at the next change (never by a read), refusals that
// say when the approval expired, the clock skew tolerance, and the guard that keeps the studio from
// sending CAVRA a decision on an approval past its time. Clocks are injected: the approvals are made
// at the fixtures' recorded instant and judged hours later on the same clock, whatever today is.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BackendError, type Decision } from '../../../server/src/backend/backend';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { approvalTime, clockSkewMs, displayedState } from '../../../server/src/policy/approvalExpiry';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { steppingClock, workspace, type Workspace } from './backendFixtures';

const decision = (id = 'dec_0123456789ab'): Decision => ({
  decision_id: id,
  action_type: 'write_file',
  target: 'infra/iam/role.tf',
  rule_id: 'filesystem.write.require_approval',
  decision: 'require_approval',
  severity: 'high',
  approver_group: 'Platform Security',
});

async function refused(promise: Promise<unknown>, status: number, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BackendError, String(error));
    assert.equal(error.status, status, error.detail);
    assert.match(error.detail, pattern);
    return true;
  });
}

describe('approval expiry: the rule', () => {
  const at = Date.parse('2030-01-01T12:00:00Z');
  const rec = (state: string, expires_at: unknown) => ({ state, expires_at });

  it('pending, approved and break-glass approvals past expires_at are overdue; decided ones never are', () => {
    assert.equal(approvalTime(rec('pending', '2030-01-01T11:59:59+00:00'), at).kind, 'overdue');
    assert.equal(approvalTime(rec('approved', '2030-01-01T11:00:00.000001+00:00'), at).kind, 'overdue');
    assert.equal(approvalTime(rec('break_glass', '2030-01-01T10:00:00Z'), at).kind, 'overdue');
    assert.equal(approvalTime(rec('pending', '2030-01-01T12:00:01+00:00'), at).kind, 'current');
    for (const state of ['denied', 'expired']) assert.equal(approvalTime(rec(state, '2000-01-01T00:00:00Z'), at).kind, 'current');
  });

  it('the exact instant of expires_at is still current (CAVRA: now > expires_at)', () => {
    assert.equal(approvalTime(rec('pending', '2030-01-01T12:00:00+00:00'), at).kind, 'current');
  });

  it('offsets other than UTC are read as written', () => {
    // 13:30 at +02:00 is 11:30 UTC: overdue at 12:00 UTC.
    assert.equal(approvalTime(rec('pending', '2030-01-01T13:30:00+02:00'), at).kind, 'overdue');
  });

  it('the tolerance keeps an approval current that long past expires_at, and no longer', () => {
    const r = rec('pending', '2030-01-01T11:58:00+00:00');
    assert.equal(approvalTime(r, at, 180_000).kind, 'current');
    assert.equal(approvalTime(r, at, 119_000).kind, 'overdue');
  });

  it('a missing or unreadable expires_at counts as past its time, never as forever', () => {
    for (const bad of [undefined, null, '', 'tomorrow', 1_900_000_000]) {
      assert.equal(approvalTime(rec('pending', bad), at).kind, 'unreadable', String(bad));
    }
  });

  it('a pending approval past its time is displayed as expired; others keep their state', () => {
    assert.equal(displayedState(rec('pending', '2029-12-31T00:00:00Z'), at), 'expired');
    assert.equal(displayedState(rec('approved', '2029-12-31T00:00:00Z'), at), 'approved');
    assert.equal(displayedState(rec('pending', '2031-01-01T00:00:00Z'), at), 'pending');
  });

  it('the tolerance setting takes seconds and names a bad value', () => {
    assert.equal(clockSkewMs(undefined, 'x'), 0);
    assert.equal(clockSkewMs('90', 'x'), 90_000);
    assert.equal(clockSkewMs(1.5, 'x'), 1_500);
    assert.throws(
      () => clockSkewMs('-1', '$CAVRA_APPROVAL_CLOCK_SKEW_SECONDS'),
      /\$CAVRA_APPROVAL_CLOCK_SKEW_SECONDS must be a number/,
    );
    assert.throws(() => clockSkewMs('ten', 'setting'), /setting must be a number of seconds/);
  });
});

describe('approval expiry: the local store', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  const storeText = () => readFileSync(`${ws.root}/.cavra/approvals.json`, 'utf8');
  const evidence = () =>
    readFileSync(`${ws.root}/.cavra/evidence.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; actor: string; approval_ids: string[]; details: Record<string, unknown> });

  it('reads never write: listing and getting an overdue approval leave the store byte for byte', async () => {
    const a = await ws.backend.createApproval({ decision: decision(), ttl_hours: 1 });
    ws.clock.advanceHours(2);
    const before = storeText();
    assert.equal((await ws.backend.listApprovals()).items[0].state, 'pending');
    assert.equal((await ws.backend.getApproval(a.approval_id)).state, 'pending');
    assert.equal(storeText(), before);
  });

  it("approving an overdue approval is refused with when it expired, and the store records CAVRA's expire (actor system)", async () => {
    const a = await ws.backend.createApproval({ decision: decision(), ttl_hours: 1 });
    ws.clock.advanceHours(3);
    await refused(
      ws.backend.approve(a.approval_id, { actor: 'iam-owner', reason: 'ok' }),
      400,
      new RegExp(
        `approval ${a.approval_id} expired at ${a.expires_at.replace(/[.+]/g, '\\$&')} \\(2 h ago by this machine's clock\\); it is now recorded as expired and can no longer be approved`,
      ),
    );
    const stored = await ws.backend.getApproval(a.approval_id);
    assert.equal(stored.state, 'expired');
    const last = stored.history!.at(-1)!;
    assert.deepEqual([last.event, last.actor], ['expired', 'system']);
    assert.match(String(last.reason), new RegExp(`^expired at ${a.expires_at.replace(/[.+]/g, '\\$&')} \\(found overdue at 20`));
    assert.equal(stored.decided_by, 'system');
    const expire = evidence().filter((e) => e.event === 'expire');
    assert.equal(expire.length, 1);
    assert.deepEqual(expire[0].approval_ids, [a.approval_id]);
    assert.equal(expire[0].details.overdue, true);
  });

  it('denying is refused the same way; expiring it answers the expired record', async () => {
    const a = await ws.backend.createApproval({ decision: decision(), ttl_hours: 1 });
    const b = await ws.backend.createApproval({ decision: decision('dec_bbbbbbbbbbbb'), ttl_hours: 1 });
    ws.clock.advanceHours(2);
    await refused(ws.backend.deny(a.approval_id, { actor: 'cm', reason: 'no' }), 400, /can no longer be denied/);
    // b was expired by the same sweep; a's refusal left it expired too.
    assert.equal((await ws.backend.getApproval(b.approval_id)).state, 'expired');
    const c = await ws.backend.createApproval({ decision: decision('dec_cccccccccccc'), ttl_hours: 1 });
    ws.clock.advanceHours(2);
    const expired = await ws.backend.expire(c.approval_id);
    assert.equal(expired.state, 'expired');
    assert.equal(expired.decided_by, 'system');
  });

  it('the next change to the store (a new request) expires every overdue approval, and only those', async () => {
    const old = await ws.backend.createApproval({ decision: decision(), ttl_hours: 1 });
    const fresh = await ws.backend.createApproval({ decision: decision('dec_ffffffffffff'), ttl_hours: 48 });
    ws.clock.advanceHours(5);
    await ws.backend.createApproval({ decision: decision('dec_nnnnnnnnnnnn') });
    assert.equal((await ws.backend.getApproval(old.approval_id)).state, 'expired');
    assert.equal((await ws.backend.getApproval(fresh.approval_id)).state, 'pending');
    // The untouched one can still be approved.
    assert.equal((await ws.backend.approve(fresh.approval_id, { actor: 'iam', reason: 'ok' })).state, 'approved');
  });

  it('expireOverdueApprovals: the explicit sweep answers what it expired; with nothing overdue it writes nothing', async () => {
    const a = await ws.backend.createApproval({ decision: decision(), ttl_hours: 1 });
    await ws.backend.createApproval({ decision: decision('dec_ffffffffffff'), ttl_hours: 48 });
    ws.clock.advanceHours(2);
    const done = await ws.backend.expireOverdueApprovals();
    assert.deepEqual(
      done.map((r) => [r.approval_id, r.state]),
      [[a.approval_id, 'expired']],
    );
    const before = storeText();
    assert.deepEqual(await ws.backend.expireOverdueApprovals(), []);
    assert.equal(storeText(), before);
  });

  it('an approved approval past its time cannot publish: the same rule as the display', async () => {
    // Covered end to end in publish.test.ts; here the rule: approved + overdue is not "current".
    const a = await ws.backend.createApproval({ decision: decision(), ttl_hours: 1 });
    const approved = await ws.backend.approve(a.approval_id, { actor: 'iam', reason: 'ok' });
    ws.clock.advanceHours(2);
    assert.equal(approvalTime(approved, ws.clock.peek()).kind, 'overdue');
    // The sweep leaves decided approvals alone (CAVRA's expire changes only pending ones).
    assert.deepEqual(await ws.backend.expireOverdueApprovals(), []);
    assert.equal((await ws.backend.getApproval(a.approval_id)).state, 'approved');
  });

  it('the clock skew tolerance keeps an approval usable that long past its time', async () => {
    const tolerant = ws.make({ approvalClockSkewMs: 3 * 3_600_000 });
    const a = await tolerant.createApproval({ decision: decision(), ttl_hours: 1 });
    ws.clock.advanceHours(2);
    assert.equal((await tolerant.approve(a.approval_id, { actor: 'iam', reason: 'ok' })).state, 'approved');
    const b = await tolerant.createApproval({ decision: decision('dec_bbbbbbbbbbbb'), ttl_hours: 1 });
    ws.clock.advanceHours(5);
    await refused(tolerant.approve(b.approval_id, { actor: 'iam', reason: 'ok' }), 400, /expired at .* \(4 h ago/);
  });
});

describe('approval expiry: against a CAVRA server', () => {
  let cavra: LocalCavraServer;
  const serverClock = steppingClock();
  beforeEach(async () => {
    cavra = await startLocalCavraServer({ backendOptions: { clock: serverClock.clock } });
  });
  afterEach(() => cavra.close());

  const client = (hoursLater: number, extra: { checkBeforeSending?: boolean; approvalClockSkewMs?: number } = {}) =>
    new RemoteBackend({
      url: cavra.url,
      proxy: false,
      clock: () => serverClock.peek() + hoursLater * 3_600_000,
      checkBeforeSending: true,
      ...extra,
    });

  it('approve, deny and publish under an approval past its time are refused before anything is sent', async () => {
    const a = await client(0).createApproval({ decision: decision(), ttl_hours: 1 });
    const late = client(2);
    const posts = () => cavra.server.hits.filter((h) => h.method === 'POST').length;
    const sent = posts();
    await refused(
      late.approve(a.approval_id, { actor: 'iam', reason: 'ok' }),
      409,
      /expired at .* \(1 h ago by this machine's clock\)\. The server would still let you approve it: CAVRA expires an approval only when someone expires it \(SPEC 4\.5\)/,
    );
    await refused(late.deny(a.approval_id, { actor: 'iam', reason: 'no' }), 409, /would still let you deny it/);
    await refused(late.publish({ draft: { id: 'x' }, approval_id: a.approval_id }), 409, /would still let you publish under it/);
    assert.equal(posts(), sent, 'a POST reached the server');
  });

  it("without the guard the same call reaches the server (the raw client sends exactly CAVRA's calls)", async () => {
    const a = await client(0).createApproval({ decision: decision(), ttl_hours: 1 });
    const before = cavra.server.hitsFor('POST', `/approvals/${a.approval_id}/approve`).length;
    await client(2, { checkBeforeSending: false })
      .approve(a.approval_id, { actor: 'iam', reason: 'ok' })
      .catch(() => undefined);
    assert.equal(cavra.server.hitsFor('POST', `/approvals/${a.approval_id}/approve`).length, before + 1);
  });

  it('within the tolerance the request is sent', async () => {
    const a = await client(0).createApproval({ decision: decision(), ttl_hours: 1 });
    const ok = await client(1.5, { approvalClockSkewMs: 3_600_000 }).approve(a.approval_id, { actor: 'iam', reason: 'ok' });
    assert.equal(ok.state, 'approved');
  });

  it("expireOverdueApprovals calls CAVRA's expire for each overdue pending approval, reason naming the time", async () => {
    const c0 = client(0);
    const a = await c0.createApproval({ decision: decision(), ttl_hours: 1 });
    const b = await c0.createApproval({ decision: decision('dec_bbbbbbbbbbbb'), ttl_hours: 10 });
    const done = await client(3).expireOverdueApprovals();
    assert.deepEqual(
      done.map((r) => r.approval_id),
      [a.approval_id],
    );
    const hit = cavra.server.hitsFor('POST', `/approvals/${a.approval_id}/expire`);
    assert.equal(hit.length, 1);
    assert.match(JSON.parse(hit[0].body).reason as string, /^expired at .* \(found overdue at /);
    assert.equal(cavra.server.hitsFor('POST', `/approvals/${b.approval_id}/expire`).length, 0);
  });
});
