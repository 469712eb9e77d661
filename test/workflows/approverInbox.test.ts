// The approver's inbox over the language server (stdio): backendInfo names the local approval store
// the client watches, and a publish request written there is what "Waiting for me" lists for its
// group (and only once as new), with the same rules the client runs (policy/approvalInbox.ts).
// Fixture: test/fixtures/inheritance-root (written for these tests).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CredentialsNotification, newSinceLastLook, waitingForMe, WorkflowRequests } from '../../server/src/protocol';
import { LspClient } from '../lsp/lspClient';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace } from '../lsp/tempWorkspace';
import { startLocalCavraServer } from '../server/localCavraServer';

describe("workflow requests: the approver's inbox", function () {
  this.timeout(30_000);
  it('names the approval store to watch and lists a new request for my group as new, once', async () => {
    const ws = tempWorkspace({}, join(repoRoot, 'test/fixtures/inheritance-root'));
    const client = await LspClient.start({ workspace: ws.root });
    try {
      const c = client.connection;
      const info = await c.sendRequest(WorkflowRequests.backendInfo, {});
      assert.equal(info.kind, 'local');
      assert.equal(info.approval_store, join(ws.root, '.cavra/approvals.json'));
      assert.equal(existsSync(info.approval_store), false);

      const pending = async () => (await c.sendRequest(WorkflowRequests.listApprovals, { state: 'pending', limit: 500 })).items;
      const first = newSinceLastLook(waitingForMe(await pending(), ['IAM'], Date.now()), undefined);
      assert.deepEqual(first.fresh, []);

      const uri = pathToFileURL(join(ws.root, 'policies/cavra-top/policy.yaml')).href;
      const forIam = await c.sendRequest(WorkflowRequests.publishRequest, { uri, approver_group: 'IAM' });
      await c.sendRequest(WorkflowRequests.publishRequest, { uri, approver_group: 'Cloud Security' });
      assert.equal(existsSync(info.approval_store), true, 'the request is written to the file the inbox watches');

      const second = newSinceLastLook(waitingForMe(await pending(), ['IAM'], Date.now()), first.seen);
      assert.deepEqual(
        second.fresh.map((a) => a.approval_id),
        [forIam.approval.approval_id],
      );
      const third = newSinceLastLook(waitingForMe(await pending(), ['IAM'], Date.now()), second.seen);
      assert.deepEqual(third.fresh, []);
      assert.equal([...third.seen].length, 1);
    } finally {
      await client.stop();
      ws.remove();
    }
  });

  it('against a CAVRA server names no store to watch (the client polls), and the poll sees a new request', async () => {
    const cavra = await startLocalCavraServer();
    const ws = tempWorkspace({}, join(repoRoot, 'test/fixtures/inheritance-root'));
    const client = await LspClient.start({
      workspace: ws.root,
      settings: { backend: 'remote', remote: { url: cavra.url, timeoutMs: 5000 } } as never,
    });
    try {
      const c = client.connection;
      await c.sendNotification(CredentialsNotification, { token: 'tok-inbox-0123456789abcdef' });
      const info = await c.sendRequest(WorkflowRequests.backendInfo, {});
      assert.equal(info.kind, 'remote');
      assert.equal(info.approval_store, undefined);

      const pending = async () => (await c.sendRequest(WorkflowRequests.listApprovals, { state: 'pending', limit: 500 })).items;
      const first = newSinceLastLook(waitingForMe(await pending(), ['IAM'], Date.now()), undefined);
      const uri = pathToFileURL(join(ws.root, 'policies/cavra-top/policy.yaml')).href;
      const made = await c.sendRequest(WorkflowRequests.publishRequest, { uri, approver_group: 'IAM' });
      const second = newSinceLastLook(waitingForMe(await pending(), ['IAM'], Date.now()), first.seen);
      assert.deepEqual(
        second.fresh.map((a) => a.approval_id),
        [made.approval.approval_id],
      );
    } finally {
      await client.stop();
      await cavra.close();
      ws.remove();
    }
  });
});
