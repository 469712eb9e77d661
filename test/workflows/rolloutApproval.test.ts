// Rollouts that name their approval, over a real stdio LSP connection (the editor's path): request an
// approval bound to the planned change, approve it, apply with it; apply under another change's approval
// is refused with why; apply without one is allowed and says so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

async function failure(p: Promise<unknown>): Promise<WorkflowErrorData> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `expected a ResponseError, got ${String(e)}`);
    return e.data as WorkflowErrorData;
  }
  assert.fail('the request should have failed');
}

const change = {
  repository: 'payments/api',
  policy_pack: 'cavra-platform',
  mode: 'strict',
  state: 'active',
  coverage_percent: 95,
};

describe('workflow requests over LSP: rollout approval', function () {
  this.timeout(30_000);
  let ws: TempWorkspace;
  let client: LspClient;

  beforeEach(async () => {
    ws = tempWorkspace({ 'policies/.keep': '' });
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it('requestApproval → approve → apply with it: recorded; another change under it is refused', async () => {
    const c = client.connection;
    const requested = await c.sendRequest(WorkflowRequests.rolloutRequestApproval, { ...change, requested_by: 'dev' });
    assert.equal(requested.plan.approval_required, true);
    assert.equal(requested.approval.state, 'pending');
    assert.equal(requested.approval.decision.action_type, 'policy_rollout');
    assert.equal(requested.approval.decision.rollout_change_digest, requested.change_digest);
    assert.equal(requested.approval.approver_group, 'Platform Security');
    const id = requested.approval.approval_id;

    const pending = await failure(c.sendRequest(WorkflowRequests.rolloutApply, { ...change, approval_id: id }));
    assert.equal(pending.status, 409);
    assert.match(pending.detail, /is pending/);

    await c.sendRequest(WorkflowRequests.approve, { approval_id: id, actor: 'alice', reason: 'CHG-1' });
    const other = await failure(
      c.sendRequest(WorkflowRequests.rolloutApply, { ...change, coverage_percent: 10, approval_id: id }),
    );
    assert.equal(other.status, 409);
    assert.match(other.detail, /requested for another change/);

    const applied = await c.sendRequest(WorkflowRequests.rolloutApply, { ...change, approval_id: id });
    assert.equal(applied.approval?.approval_id, id);
    assert.deepEqual(applied.rollout.evidence_refs, [`approval:${id}`]);
    const events = readFileSync(join(ws.root, '.cavra', 'evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; approval_ids: string[] });
    assert.deepEqual(
      events.filter((e) => e.event === 'rollout_apply').map((e) => e.approval_ids),
      [[id]],
    );
  });

  it('apply without an approval: applied as CAVRA applies it, and the evidence says so', async () => {
    const applied = await client.connection.sendRequest(WorkflowRequests.rolloutApply, change);
    assert.equal(applied.plan.approval_required, true);
    assert.equal(applied.approval, undefined);
    const event = readFileSync(join(ws.root, '.cavra', 'evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; details: { approval?: { note?: string } } })
      .find((e) => e.event === 'rollout_apply');
    assert.equal(event?.details.approval?.note, 'applied without approval although the plan requires one');
  });
});
