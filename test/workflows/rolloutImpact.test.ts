// `cavra/rollouts/impact` over the language server (stdio): a rollout change plan's mode change replayed over
// the recorded decisions of its pack and repository (setting `cavra.impact.decisionLog`), and the rollout plan
// webview's "Impact on recorded activity" with the transitions and the drill-down to the decisions.
import assert from 'node:assert/strict';
import { WorkflowRequests } from '../../server/src/protocol';
import { renderRolloutPlan } from '../../client/src/webview/render/rolloutPlan';
import { PUBLISHABLE_APP as APP, publishableScenario } from '../cli/impactScenario';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

describe('workflow requests: the impact of a rollout change on recorded activity', function () {
  this.timeout(60_000);
  const scenario = publishableScenario(40);
  const REPO = 'org/api';
  let ws: TempWorkspace;
  let client: LspClient;

  before(async () => {
    ws = tempWorkspace({ ...scenario.files, 'logs/decisions.jsonl': scenario.logLines.join('\n') });
    client = await LspClient.start({
      workspace: ws.root,
      settings: { impact: { decisionLog: 'logs/decisions.jsonl' } } as never,
    });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('audit_only → enforce over one repository: transitions by construction; the plan webview shows them and the decisions', async () => {
    const c = client.connection;
    const change = { rollout_id: 'api-app', repository: REPO, policy_pack: APP };
    await c.sendRequest(WorkflowRequests.rolloutApply, { ...change, mode: 'audit_only', state: 'active', actor: 'release-bot' });
    const plan = await c.sendRequest(WorkflowRequests.rolloutPlan, { ...change, mode: 'enforce' });
    const impact = await c.sendRequest(WorkflowRequests.rolloutImpact, {
      mode_from: plan.before?.mode ?? null,
      mode_to: plan.after.mode,
      policy_pack: plan.after.policy_pack,
      repository: plan.after.repository,
    });
    const mine = scenario.records.filter((r) => r.category.pack === APP && r.repository === REPO);
    // audit_only only records what the rules stop; enforcing it stops it.
    const want = new Map<string, number>();
    for (const r of mine) {
      const d = r.category.published.decision;
      const t = `${d === 'allow' ? 'allow' : 'audit_only'} → ${d}`;
      want.set(t, (want.get(t) ?? 0) + 1);
    }
    assert.equal(impact.report!.replayed, mine.length);
    assert.equal(impact.out_of_scope, scenario.records.length - mine.length);
    assert.deepEqual(new Map(impact.report!.transitions.map((t) => [t.transition, t.count])), want);
    const blocked = want.get('audit_only → block') ?? 0;
    assert.ok(blocked > 0);

    const page = renderRolloutPlan(plan, 'local', undefined, impact).toString();
    assert.match(page, /<h2>Impact on recorded activity<\/h2>/);
    assert.match(page, new RegExp(`<td>audit_only → block</td>\\s*<td>${blocked}</td>`));
    assert.match(page, /<summary>\s*Changed decisions/);
    assert.match(page, /mode audit_only → enforce/);
    assert.match(page, new RegExp(`recorded decisions of <code>${APP}</code> in <code>org/api</code>`));
  });

  it('a mode that is not one of SPEC 2.5 is a 400; no setting answers with no log', async () => {
    await assert.rejects(
      client.connection.sendRequest(WorkflowRequests.rolloutImpact, {
        mode_from: null,
        mode_to: 'lenient',
        policy_pack: APP,
        repository: REPO,
      }),
      (e: Error & { data?: { status?: number } }) => {
        assert.match(e.message, /rollout mode "lenient" is not one of audit_only, enforce, strict, break_glass/);
        assert.equal(e.data?.status, 400);
        return true;
      },
    );
    const bare = await LspClient.start({ workspace: ws.root });
    try {
      const r = await bare.connection.sendRequest(WorkflowRequests.rolloutImpact, {
        mode_from: null,
        mode_to: 'strict',
        policy_pack: APP,
        repository: REPO,
      });
      assert.deepEqual(r, { decision_log: null });
    } finally {
      await bare.stop();
    }
  });
});
