// Rollouts that name their approval (issue 16), over the local store: apply with the matching approved
// approval records it in the rollout record and the evidence; a mismatching, pending, denied or overdue
// approval is refused with why; without one the change applies (CAVRA does not enforce, SPEC 3.7) and
// the evidence says so in words.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BackendError, type RolloutChangeRequest } from '../../../server/src/backend/backend';
import { pyIsoformat } from '../../../server/src/policy/isoTimestamp';
import { rolloutApprovalDecision } from '../../../server/src/policy/rolloutApproval';
import { workspace, type Workspace } from './backendFixtures';

const change: RolloutChangeRequest = { repository: 'payments/api', policy_pack: 'cavra-p', mode: 'strict', state: 'active' };

describe('local backend: rollout apply under an approval', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  const evidence = () =>
    readFileSync(`${ws.root}/.cavra/evidence.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; approval_ids: string[]; details: Record<string, unknown> });

  async function requestApproval(request: RolloutChangeRequest, ttl_hours = 24) {
    const plan = await ws.backend.rolloutChangePlan(request);
    assert.equal(plan.approval_required, true);
    const decision = rolloutApprovalDecision(plan, request, pyIsoformat(ws.clock.peek()));
    return ws.backend.createApproval({ decision: decision as never, requested_by: 'dev', ttl_hours });
  }

  async function refused(promise: Promise<unknown>, status: number, text: RegExp) {
    await assert.rejects(promise, (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.equal(e.status, status);
      assert.match(e.message, text);
      return true;
    });
  }

  it('matching approved approval: recorded in the rollout record, the result and the evidence', async () => {
    const a = await requestApproval(change);
    await ws.backend.approve(a.approval_id, { actor: 'alice', reason: 'CHG-7 reviewed' });
    const result = await ws.backend.rolloutApplyChange({ ...change, actor: 'ops', approval_id: a.approval_id });
    assert.deepEqual(result.approval && { ...result.approval, recorded_in: undefined }, {
      approval_id: a.approval_id,
      state: 'approved',
      decided_by: 'alice',
      recorded_in: undefined,
    });
    assert.deepEqual(result.rollout.evidence_refs, [`approval:${a.approval_id}`]);
    assert.deepEqual((await ws.backend.getRollout('payments/api:cavra-p')).evidence_refs, [`approval:${a.approval_id}`]);
    const applied = evidence().filter((e) => e.event === 'rollout_apply');
    assert.equal(applied.length, 1);
    assert.deepEqual(applied[0].approval_ids, [a.approval_id]);
    assert.equal((applied[0].details.approval as { decided_by: string }).decided_by, 'alice');
  });

  it('an approval of another change, a pending one, a denied one and an overdue one are refused; nothing is stored', async () => {
    const a = await requestApproval(change);
    await refused(ws.backend.rolloutApplyChange({ ...change, actor: 'ops', approval_id: a.approval_id }), 409, /is pending/);
    await ws.backend.approve(a.approval_id, { actor: 'alice', reason: 'ok' });
    await refused(
      ws.backend.rolloutApplyChange({ ...change, mode: 'break_glass', actor: 'ops', approval_id: a.approval_id }),
      409,
      /requested for another change/,
    );
    const d = await requestApproval(change);
    await ws.backend.deny(d.approval_id, { actor: 'bob', reason: 'no' });
    await refused(ws.backend.rolloutApplyChange({ ...change, actor: 'ops', approval_id: d.approval_id }), 409, /is denied/);
    ws.clock.advanceHours(25);
    await refused(
      ws.backend.rolloutApplyChange({ ...change, actor: 'ops', approval_id: a.approval_id }),
      409,
      /expired at .* ago/,
    );
    await refused(ws.backend.rolloutApplyChange({ ...change, actor: 'ops', approval_id: 'apr_ffffffffffff' }), 404, /not found/);
    assert.equal((await ws.backend.listRollouts()).total, 0);
  });

  it('break_glass approval of the change lets it apply', async () => {
    const plan = await ws.backend.rolloutChangePlan(change);
    const bg = await ws.backend.breakGlass({
      decision: rolloutApprovalDecision(plan, change, 'now') as never,
      actor: 'oncall',
      reason: 'incident INC-1',
    });
    const result = await ws.backend.rolloutApplyChange({ ...change, actor: 'oncall', approval_id: bg.approval_id });
    assert.equal(result.approval?.approval_id, bg.approval_id);
    assert.equal(result.approval && 'state' in result.approval ? result.approval.state : '', 'break_glass');
  });

  it('without an approval the change applies as CAVRA applies it, and the evidence says so in words', async () => {
    const result = await ws.backend.rolloutApplyChange({ ...change, actor: 'ops' });
    assert.equal('approval' in result, false, "CAVRA's result as CAVRA gives it");
    assert.equal(result.plan.approval_required, true);
    const applied = evidence().find((e) => e.event === 'rollout_apply')!;
    assert.equal((applied.details.approval as { note: string }).note, 'applied without approval although the plan requires one');
    const low = await ws.backend.rolloutApplyChange({ repository: 'payments/web', policy_pack: 'cavra-p', actor: 'ops' });
    assert.equal(low.plan.approval_required, false);
    const lowEvent = evidence().filter((e) => e.event === 'rollout_apply')[1];
    assert.deepEqual(lowEvent.details.approval, { approval_id: null, approval_required: false, note: null });
  });
});
