// The editor's publish request carries the draft's impact on recorded activity (setting
// `cavra.impact.decisionLog`), over the language server (stdio): kept on the approval, in the request's
// evidence record and then in the publish's, and shown in the approver's review beside the decision.
// The log is the impact scenario's (test/cli/impactScenario.ts): its transitions are known by construction.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkflowRequests } from '../../server/src/protocol';
import { approvalImpactLines } from '../../client/src/commands/approvalImpact';
import { publishableScenario } from '../cli/impactScenario';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

describe('workflow requests: the impact on recorded activity travels with the publish request', function () {
  this.timeout(60_000);
  const scenario = publishableScenario(40);
  const want = new Map<string, number>();
  for (const r of scenario.records) {
    const [from, to] = [r.category.published.decision, r.category.draft.decision];
    if (from !== to) want.set(`${from} → ${to}`, (want.get(`${from} → ${to}`) ?? 0) + 1);
  }
  const changed = [...want.values()].reduce((a, b) => a + b, 0);
  let ws: TempWorkspace;
  let client: LspClient;
  let uri: string;

  before(async () => {
    ws = tempWorkspace({ ...scenario.files, 'logs/decisions.jsonl': scenario.logLines.join('\n') });
    client = await LspClient.start({
      workspace: ws.root,
      settings: { impact: { decisionLog: 'logs/decisions.jsonl' } } as never,
    });
    uri = pathToFileURL(join(ws.root, scenario.draftPath)).href;
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('publishRequest keeps the summary on the approval and in its evidence; the approver review shows it; publish keeps it', async () => {
    const c = client.connection;
    await client.open(uri, scenario.files[scenario.draftPath]);
    const requested = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    const impact = requested.approval.impact_summary!;
    assert.equal(impact.decision_log, 'logs/decisions.jsonl');
    assert.equal(impact.replayed, scenario.records.length);
    assert.equal(impact.changed, changed);
    assert.deepEqual(new Map(impact.transitions.map((t) => [t.transition, t.count])), want);
    assert.match(impact.log_sha256 ?? '', /^sha256:[0-9a-f]{64}$/);

    const id = requested.approval.approval_id;
    const fetched = await c.sendRequest(WorkflowRequests.getApproval, { approval_id: id });
    assert.deepEqual(fetched.impact_summary, impact);
    const lines = approvalImpactLines(fetched);
    assert.match(
      lines[1],
      new RegExp(
        `^Impact on recorded activity: ${changed} of ${scenario.records.length} recorded decisions change \\(logs/decisions\\.jsonl`,
      ),
    );
    assert.ok(
      lines.some((l) => /^Transitions: .*block → allow \d+/.test(l)),
      lines.join('\n'),
    );

    const evidence = await c.sendRequest(WorkflowRequests.listEvidence, { limit: 100 });
    const request = evidence.items.find((r) => r.event === 'publish_request' && r.approval_ids.includes(id))!;
    assert.deepEqual(request.details.impact_summary, impact);

    await c.sendRequest(WorkflowRequests.approve, { approval_id: id, actor: 'alice', reason: 'impact read' });
    await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: id });
    const after = await c.sendRequest(WorkflowRequests.listEvidence, { limit: 100 });
    const publish = after.items.find((r) => r.event === 'publish' && r.approval_ids.includes(id))!;
    assert.deepEqual(publish.details.impact_summary, impact);
  });

  it('a set log that cannot be read refuses the request (404 naming the setting) and creates no approval', async () => {
    const other = tempWorkspace(scenario.files);
    const missing = await LspClient.start({
      workspace: other.root,
      settings: { impact: { decisionLog: 'logs/gone.jsonl' } } as never,
    });
    try {
      const draft = pathToFileURL(join(other.root, scenario.draftPath)).href;
      await assert.rejects(
        missing.connection.sendRequest(WorkflowRequests.publishRequest, { uri: draft }),
        (e: Error & { data?: { status?: number } }) => {
          assert.match(e.message, /cannot read the decision log logs\/gone\.jsonl \(setting cavra\.impact\.decisionLog\)/);
          assert.equal(e.data?.status, 404);
          return true;
        },
      );
      const approvals = await missing.connection.sendRequest(WorkflowRequests.listApprovals, {});
      assert.equal(approvals.items.length, 0);
    } finally {
      await missing.stop();
      other.remove();
    }
  });
});
