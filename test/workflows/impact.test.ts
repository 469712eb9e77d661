// `cavra/impact` over the language server (stdio): the draft open in the editor (unsaved) replayed against
// the decision log named by `cavra.impact.decisionLog`, with transitions and causes as the impact scenario
// constructs them (test/cli/impactScenario.ts), and the publish plan webview's "Impact on recorded activity".
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { WorkflowRequests } from '../../server/src/protocol';
import { renderPublishPlan } from '../../client/src/webview/render/publishPlan';
import { APP, entryLineOf, impactScenario } from '../cli/impactScenario';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

describe('workflow requests: impact on recorded activity', function () {
  this.timeout(60_000);
  const scenario = impactScenario(40);
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

  it('replays the log against the open draft: transitions by construction, causes with the draft file and line', async () => {
    await client.open(uri, scenario.files[scenario.draftPath]);
    const result = await client.connection.sendRequest(WorkflowRequests.impact, { uri });
    assert.equal(result.decision_log, 'logs/decisions.jsonl');
    const report = result.report!;
    assert.equal(result.summary!.records, scenario.records.length);
    assert.equal(report.replayed, scenario.records.length);
    const want = new Map<string, number>();
    for (const r of scenario.records) {
      const t = `${r.category.published.decision} → ${r.category.draft.decision}`;
      want.set(t, (want.get(t) ?? 0) + 1);
    }
    assert.deepEqual(new Map(report.transitions.map((t) => [t.transition, t.count])), want);
    const rm = report.changes.find((c) => c.target.startsWith('rm -rf'))!;
    assert.deepEqual(rm.cause, {
      kind: 'entry_added',
      list: 'commands.block',
      entry: 'rm -rf*',
      pack: APP,
      file: scenario.draftPath,
      line: entryLineOf(scenario.files[scenario.draftPath], 'rm -rf*'),
    });
  });

  it('an unsaved edit in the editor is what is replayed', async () => {
    // The edit adds `npm test*` to the blocked commands: every recorded npm test becomes a block.
    const edited = scenario.files[scenario.draftPath].replace('    - "rm -rf*"\n', '    - "rm -rf*"\n    - "npm test*"\n');
    await client.change(uri, edited);
    const result = await client.connection.sendRequest(WorkflowRequests.impact, { uri });
    const before = scenario.records.filter(
      (r) => r.category.published.decision === 'allow' && r.category.draft.decision === 'block',
    );
    const npm = scenario.records.filter((r) => r.category.name === 'npm test stays allowed');
    assert.ok(npm.length > 0 && before.length > 0);
    assert.equal(result.report!.transitions.find((t) => t.transition === 'allow → block')?.count, before.length + npm.length);
  });

  it('the publish plan webview shows the transitions and the changed decisions', async () => {
    await client.change(uri, scenario.files[scenario.draftPath]);
    const plan = await client.connection.sendRequest(WorkflowRequests.publishPlan, { uri });
    const impact = await client.connection.sendRequest(WorkflowRequests.impact, { uri, policy_mode: 'audit_only' });
    const page = renderPublishPlan(plan, 'local', impact).toString();
    assert.match(page, /<h2>Impact on recorded activity<\/h2>/);
    // audit_only records every block and gate without stopping it: each allowed action the draft stops is allow → audit_only.
    const audited = scenario.records.filter(
      (r) => r.category.published.decision === 'allow' && r.category.draft.decision !== 'allow',
    );
    assert.match(page, new RegExp(`<td>allow → audit_only</td>\\s*<td>${audited.length}</td>`));
    assert.match(page, /Changed decisions\s+\(first 200 of [\d,]+\)/);
    assert.ok(page.includes('commands.block &quot;rm -rf*&quot; added') === false, 'rm -rf under audit_only changes nothing');
  });

  it('without the setting the answer says so; an unreadable log is a 404 naming the setting', async () => {
    const other = tempWorkspace(scenario.files);
    const draft = pathToFileURL(join(other.root, scenario.draftPath)).href;
    const bare = await LspClient.start({ workspace: other.root });
    try {
      assert.deepEqual(await bare.connection.sendRequest(WorkflowRequests.impact, { uri: draft }), { decision_log: null });
    } finally {
      await bare.stop();
    }
    const missing = await LspClient.start({
      workspace: other.root,
      settings: { impact: { decisionLog: 'logs/missing.jsonl' } } as never,
    });
    try {
      await assert.rejects(
        missing.connection.sendRequest(WorkflowRequests.impact, { uri: draft }),
        (e: Error & { data?: { status?: number } }) => {
          assert.match(
            e.message,
            /cannot read the decision log logs\/missing\.jsonl \(setting cavra\.impact\.decisionLog\): ENOENT/,
          );
          assert.equal(e.data?.status, 404);
          return true;
        },
      );
    } finally {
      await missing.stop();
      other.remove();
    }
  });
});
