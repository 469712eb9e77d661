// The digest that binds an approval to one rollout change (policy/rolloutApproval.ts): the rollout id and
// the requested fields, never the plan's timestamps; and the check an apply makes against an approval.
import assert from 'node:assert/strict';
import { buildRolloutChangePlan } from '../../../server/src/policy/rollout';
import { checkRolloutApproval, rolloutApprovalDecision, rolloutChangeDigest } from '../../../server/src/policy/rolloutApproval';

const requested = { repository: 'payments/api', policy_pack: 'cavra-p', mode: 'strict', state: 'active' };
const HOUR = 3_600_000;

function approvalFor(fields: object, state: string, expiresAtMs: number) {
  const plan = buildRolloutChangePlan(null, fields as never, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
  return {
    approval_id: 'apr_000000000001',
    state,
    decided_by: state === 'pending' ? undefined : 'alice',
    expires_at: new Date(expiresAtMs).toISOString(),
    decision: rolloutApprovalDecision(plan, fields, new Date().toISOString()),
  };
}

describe('policy: rollout approval digest and check', () => {
  it('same rollout id and fields give the same digest whatever the order; plan timestamps are not in it', () => {
    const a = rolloutChangeDigest('payments/api:cavra-p', requested);
    const b = rolloutChangeDigest('payments/api:cavra-p', {
      state: 'active',
      mode: 'strict',
      policy_pack: 'cavra-p',
      repository: 'payments/api',
    });
    assert.equal(a, b);
    assert.match(a, /^sha256:[0-9a-f]{64}$/);
    const early = buildRolloutChangePlan(null, requested, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
    const late = buildRolloutChangePlan(null, requested, '2027-06-01T12:00:00+00:00', '2027-06-01T12:00:01+00:00');
    assert.equal(
      rolloutApprovalDecision(early, requested, 't1').rollout_change_digest,
      rolloutApprovalDecision(late, requested, 't2').rollout_change_digest,
    );
  });

  it('a different field value, rollout id or credentials: digest changes only for the change itself', () => {
    const a = rolloutChangeDigest('r1', requested);
    assert.notEqual(rolloutChangeDigest('r1', { ...requested, mode: 'enforce' }), a);
    assert.notEqual(rolloutChangeDigest('r2', requested), a);
    assert.equal(rolloutChangeDigest('r1', { ...requested, actor_token: 'x', actor: 'bob' }), a);
  });

  it('the decision has CAVRA decision shape with action_type policy_rollout and an approver group', () => {
    const plan = buildRolloutChangePlan(null, requested, 'n', 'g');
    const d = rolloutApprovalDecision(plan, requested, 'ts');
    assert.equal(d.action_type, 'policy_rollout');
    assert.equal(d.target, 'payments/api:cavra-p');
    assert.equal(d.decision, 'require_approval');
    assert.equal(d.approver_group, 'Platform Security');
    assert.match(String(d.decision_id), /^dec_rollout_[0-9a-f]{12}$/);
  });

  it('check: approved or break_glass and matching passes; other change, pending, denied, overdue are refused with why', () => {
    const now = Date.now();
    const ok = checkRolloutApproval(approvalFor(requested, 'approved', now + HOUR), 'payments/api:cavra-p', requested, now);
    assert.deepEqual(ok, { ok: true, approval_id: 'apr_000000000001', state: 'approved', decided_by: 'alice' });
    assert.equal(
      checkRolloutApproval(approvalFor(requested, 'break_glass', now + HOUR), 'payments/api:cavra-p', requested, now).ok,
      true,
    );
    const other = checkRolloutApproval(
      approvalFor(requested, 'approved', now + HOUR),
      'payments/api:cavra-p',
      { ...requested, mode: 'enforce' },
      now,
    );
    assert.equal(other.ok, false);
    assert.match(!other.ok ? other.why : '', /requested for another change/);
    const pending = checkRolloutApproval(approvalFor(requested, 'pending', now + HOUR), 'payments/api:cavra-p', requested, now);
    assert.match(!pending.ok ? pending.why : '', /is pending: only an approved or break_glass/);
    const denied = checkRolloutApproval(approvalFor(requested, 'denied', now + HOUR), 'payments/api:cavra-p', requested, now);
    assert.match(!denied.ok ? denied.why : '', /is denied/);
    const overdue = checkRolloutApproval(
      approvalFor(requested, 'approved', now - 2 * HOUR),
      'payments/api:cavra-p',
      requested,
      now,
    );
    assert.match(!overdue.ok ? overdue.why : '', /expired at .* \(2 h ago\)/);
    const notRollout = checkRolloutApproval(
      {
        approval_id: 'apr_x',
        state: 'approved',
        expires_at: new Date(now + HOUR).toISOString(),
        decision: { action_type: 'write_file' },
      },
      'payments/api:cavra-p',
      requested,
      now,
    );
    assert.match(!notRollout.ok ? notRollout.why : '', /"write_file" decision, not a policy_rollout change/);
  });
});
