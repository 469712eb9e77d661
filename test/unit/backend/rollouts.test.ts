// Rollout change plans and apply-change over CAVRA's inventory store (SPEC 3.6, 3.7).
import assert from 'node:assert/strict';
import { BackendError } from '../../../server/src/backend/backend';
import { workspace, type Workspace } from './backendFixtures';

describe('local backend: rollouts', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  it("plans an update against the stored record: changed fields only, CAVRA's risk", async () => {
    await ws.backend.rolloutApplyChange({
      rollout_id: 'pay',
      repository: 'payments/api',
      policy_pack: 'cavra-p',
      mode: 'audit_only',
    });
    const plan = await ws.backend.rolloutChangePlan({ rollout_id: 'pay', mode: 'strict', state: 'active', coverage_percent: 90 });
    assert.equal(plan.operation, 'update');
    assert.deepEqual(
      plan.changes.map((c) => c.field),
      ['coverage_percent', 'mode', 'state', 'updated_at'],
    );
    assert.deepEqual([plan.risk, plan.approval_required], ['high', true]);
    assert.deepEqual(plan.operator_notes, [
      'Review policy diff, evidence references, and repository owner before applying.',
      'Route this rollout change through security approval before enforcement.',
    ]);
    assert.equal(plan.after.created_at, plan.before!.created_at);
  });

  it('risk: break_glass critical; small update low; `changes` wrapper accepted', async () => {
    await ws.backend.rolloutApplyChange({ rollout_id: 'r1', repository: 'a/b', policy_pack: 'p' });
    const low = await ws.backend.rolloutChangePlan({ rollout_id: 'r1', changes: { owner: 'team-x' } });
    assert.deepEqual([low.risk, low.approval_required, low.changes.map((c) => c.field)], ['low', false, ['owner', 'updated_at']]);
    const critical = await ws.backend.rolloutChangePlan({ rollout_id: 'r1', changes: { mode: 'break_glass' } });
    assert.deepEqual([critical.risk, critical.approval_required], ['critical', true]);
  });

  it('applies without checking approval_required (as CAVRA), and lists and gets what it stored', async () => {
    const result = await ws.backend.rolloutApplyChange({
      repository: 'payments/api',
      policy_pack: 'cavra-p',
      mode: 'strict',
      coverage_percent: '75',
    });
    assert.equal(result.plan.approval_required, true);
    assert.equal(result.rollout.rollout_id, 'payments/api:cavra-p');
    assert.equal(result.rollout.coverage_percent, 75);
    await ws.backend.rolloutApplyChange({ repository: 'a/web', policy_pack: 'cavra-q', owner: 'web' });
    const all = await ws.backend.listRollouts();
    assert.deepEqual(
      all.items.map((r) => r.rollout_id),
      ['a/web:cavra-q', 'payments/api:cavra-p'],
    );
    assert.deepEqual(
      (await ws.backend.listRollouts({ owner: 'web' })).items.map((r) => r.rollout_id),
      ['a/web:cavra-q'],
    );
    assert.equal((await ws.backend.getRollout('payments/api:cavra-p')).mode, 'strict');
    await assert.rejects(
      ws.backend.getRollout('nope'),
      (e: unknown) => e instanceof BackendError && e.status === 404 && e.detail === 'policy rollout not found',
    );
  });

  it("fails with CAVRA's normalization messages", async () => {
    const cases: [object, string][] = [
      [{ policy_pack: 'p' }, 'policy rollout must include repository'],
      [{ repository: 'r' }, 'policy rollout must include policy_pack'],
      [
        { repository: 'r', policy_pack: 'p', state: 'live' },
        'policy rollout state must be one of: active, paused, planned, retired',
      ],
      [
        { repository: 'r', policy_pack: 'p', mode: 'strict_regulated' },
        'policy rollout mode must be one of: audit_only, break_glass, enforce, strict',
      ],
      [{ repository: 'r', policy_pack: 'p', coverage_percent: 'most' }, "invalid literal for int() with base 10: 'most'"],
    ];
    for (const [body, detail] of cases) {
      await assert.rejects(
        ws.backend.rolloutApplyChange(body),
        (e: unknown) => e instanceof BackendError && e.status === 400 && e.detail === detail,
        detail,
      );
    }
    assert.equal((await ws.backend.listRollouts()).total, 0);
  });
});
