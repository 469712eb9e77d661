// Filters that scale, over a real stdio LSP connection (the Approvals view's request): 1,200 approvals
// written relative to now; cavra/approvals/find returns every match past CAVRA's 500-item page.
import assert from 'node:assert/strict';
import { WorkflowRequests } from '../../server/src/protocol';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { approvalRecords } from '../unit/backend/approvalRecords';

describe('workflow requests over LSP: approval filters and paging', function () {
  this.timeout(30_000);
  let ws: TempWorkspace;
  let client: LspClient;
  before(async () => {
    ws = tempWorkspace({ 'policies/.keep': '', '.cavra/approvals.json': JSON.stringify({ items: approvalRecords(1200) }) });
    client = await LspClient.start({ workspace: ws.root });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('every approval past the 500 cap, and each filter part applied', async () => {
    const c = client.connection;
    const all = await c.sendRequest(WorkflowRequests.findApprovals, {});
    assert.deepEqual([all.items.length, all.total, all.pages], [1200, 1200, 3]);
    const iamBots = await c.sendRequest(WorkflowRequests.findApprovals, { approver_group: 'IAM', requested_by: 'bot' });
    // Odd and a multiple of 4 never meet.
    assert.equal(iamBots.total, 0);
    const text = await c.sendRequest(WorkflowRequests.findApprovals, { text: 'admin-role', state: 'pending' });
    assert.deepEqual(
      text.items.map((a) => a.decision_id),
      ['dec_1111'],
    );
    assert.match(text.note ?? '', /CAVRA's API filters only state and approver_group/);
  });
});
