// CAVRA's rollout record normalization, change lists and risk.
import assert from 'node:assert/strict';
import {
  buildRolloutChangePlan,
  normalizeRolloutRecord,
  pyInt,
  rolloutRisk,
  RolloutError,
} from '../../../server/src/policy/rollout';

const NOW = '2026-11-23T00:11:04.188464+00:00';

describe('rollout', () => {
  it("normalizes with CAVRA's defaults and key order", () => {
    const r = normalizeRolloutRecord(
      { repository_id: 'payments/api', policy_pack: 'cavra-p', evidence_refs: 'ev://1', extra: 'dropped' },
      NOW,
    );
    assert.deepEqual(r, {
      schema_version: 'cavra.policy_rollout.v1',
      rollout_id: 'payments/api:cavra-p',
      repository: 'payments/api',
      policy_pack: 'cavra-p',
      policy_version: 'latest',
      mode: 'enforce',
      state: 'planned',
      owner: 'platform-security',
      coverage_percent: 0,
      last_evaluated_at: null,
      created_at: NOW,
      updated_at: NOW,
      evidence_refs: ['ev://1'],
    });
  });

  it('converts like Python int()', () => {
    assert.deepEqual([pyInt('  42 '), pyInt(7.9), pyInt(true), pyInt('1_000')], [42, 7, 1, 1000]);
    assert.throws(
      () => pyInt('4.5'),
      (e: unknown) => e instanceof RolloutError && e.message === "invalid literal for int() with base 10: '4.5'",
    );
  });

  it('risk: break_glass critical; audit_only → enforce/strict high; strict or active medium; >3 changes medium; else low', () => {
    const after = (fields: object) => normalizeRolloutRecord({ repository: 'r', policy_pack: 'p', ...fields }, NOW);
    assert.equal(rolloutRisk(null, after({ mode: 'break_glass' }), []), 'critical');
    assert.equal(rolloutRisk({ mode: 'audit_only' }, after({ mode: 'enforce' }), []), 'high');
    assert.equal(rolloutRisk(null, after({ mode: 'enforce' }), []), 'low');
    assert.equal(rolloutRisk(null, after({ state: 'active' }), []), 'medium');
    assert.equal(rolloutRisk(null, after({}), [1, 2, 3, 4] as never), 'medium');
  });

  it('test from CAVRA: audit_only/planned → strict/active/90 is high and needs approval', () => {
    const current = normalizeRolloutRecord(
      { repository: 'r', policy_pack: 'p', mode: 'audit_only' },
      '2026-01-01T00:00:00+00:00',
    );
    const plan = buildRolloutChangePlan(current as never, { mode: 'strict', state: 'active', coverage_percent: 90 }, NOW, NOW);
    assert.deepEqual([plan.operation, plan.risk, plan.approval_required], ['update', 'high', true]);
    assert.deepEqual(
      plan.changes.map((c) => c.field),
      ['coverage_percent', 'mode', 'state', 'updated_at'],
    );
  });
});
