// The applied-rollout report says which approval the change was applied under, or, when the plan
// required one, that it was applied without (in words); every value escaped.
import assert from 'node:assert/strict';
import { renderRolloutPlan } from '../../../client/src/webview/render/rolloutPlan';
import { createLocalBackend } from '../../../server/src/backend/local';
import { rolloutApprovalDecision } from '../../../server/src/policy/rolloutApproval';
import { workspace, type Workspace } from '../backend/backendFixtures';

describe('applied rollout report: the approval', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());
  const change = { repository: 'payments/api', policy_pack: 'cavra-p', mode: 'strict', state: 'active' };

  it('names the approval and who decided it, escaped', async () => {
    const b = createLocalBackend({ root: ws.root });
    const plan = await b.rolloutChangePlan(change);
    const a = await b.createApproval({ decision: rolloutApprovalDecision(plan, change, 'now') as never });
    await b.approve(a.approval_id, { actor: '<b>alice</b>', reason: 'ok' });
    const result = await b.rolloutApplyChange({ ...change, approval_id: a.approval_id });
    const text = String(renderRolloutPlan(result.plan, 'local', result));
    assert.match(
      text,
      new RegExp(`Applied under approval <code>${a.approval_id}</code> \\(approved, decided by &lt;b&gt;alice&lt;/b&gt;\\)`),
    );
  });

  it('says when a change that requires approval was applied without one', async () => {
    const b = createLocalBackend({ root: ws.root });
    const result = await b.rolloutApplyChange(change);
    assert.match(
      String(renderRolloutPlan(result.plan, 'local', result)),
      /applied without approval although the plan requires one/,
    );
    const low = await b.rolloutApplyChange({ repository: 'x/y', policy_pack: 'p' });
    assert.doesNotMatch(String(renderRolloutPlan(low.plan, 'local', low)), /without approval/);
  });
});
