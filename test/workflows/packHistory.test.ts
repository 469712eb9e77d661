// One pack's history for an auditor over a real stdio LSP connection (`cavra/packHistory`, the editor's
// Show Pack History): requested, approved with a reference, published and signed, then signed again
// outside a publish by `cavra-policy sign` (the CLI as a process): every event in time order with its
// actor, the chain's verdict ("signed outside an approval"), the log intact, and a PR summary that marks
// the unapproved signature. Another pack's records stay out. Against the CAVRA test server, the history
// holds the server's approvals and says what CAVRA's API cannot show.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packHistoryMarkdown, WorkflowRequests } from '../../server/src/protocol';
import { cli, cliJson } from '../cli/cliProcess';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { startLocalCavraServer } from '../server/localCavraServer';

const pack = (id: string) => `metadata:
  id: ${id}
  title: ${id}
  description: Controls.
  version: "1"
commands:
  block:
    - "terraform apply*"
`;

describe('a pack history over LSP (cavra/packHistory)', function () {
  this.timeout(60_000);
  let ws: TempWorkspace;
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
    ws?.remove();
  });

  it('every request, approval, publish and signature of the pack in time order, with the chain and a PR summary', async () => {
    ws = tempWorkspace({
      'policies/cavra-pay/policy.yaml': pack('cavra-pay'),
      'policies/cavra-ops/policy.yaml': pack('cavra-ops'),
    });
    cliJson(ws.root, [
      'keygen',
      '--output',
      '.cavra/policy-signing',
      '--private-key-dir',
      '.cavra/policy-signing',
      '--key-id',
      'release',
    ]);
    client = await LspClient.start({ workspace: ws.root });
    const c = client.connection;
    const uriOf = (id: string) => pathToFileURL(join(ws.root, `policies/${id}/policy.yaml`)).href;
    for (const id of ['cavra-pay', 'cavra-ops']) {
      const requested = await c.sendRequest(WorkflowRequests.publishRequest, { uri: uriOf(id), requested_by: 'pat' });
      const approvalId = requested.approval.approval_id;
      await c.sendRequest(WorkflowRequests.approve, {
        approval_id: approvalId,
        actor: 'ian',
        reason: 'reviewed',
        external_ref: 'CHG-9',
      });
      await c.sendRequest(WorkflowRequests.publish, { uri: uriOf(id), approval_id: approvalId, key_id: 'release' });
    }
    const file = join(ws.root, 'policies/cavra-pay/policy.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('terraform apply*', 'terraform plan*'));
    const signed = cli(ws.root, [
      'sign',
      'policies/cavra-pay/policy.yaml',
      '--private-key',
      '.cavra/policy-signing/release.private.pem',
      '--key-id',
      'release',
    ]);
    assert.equal(signed.status, 0, signed.stderr);

    const h = await c.sendRequest(WorkflowRequests.packHistory, { policy_id: 'cavra-pay' });
    assert.deepEqual(
      h.events.map((e) => e.title),
      ['approval requested (publish)', 'approved', 'publish', 'sign (outside a publish)'],
    );
    assert.deepEqual([h.events[0].actor, h.events[1].actor], ['pat', 'ian']);
    assert.equal(h.events.length, 4, 'cavra-ops is not in cavra-pay history');
    assert.deepEqual(
      h.events.map((e) => e.kind),
      ['request', 'approval', 'publish', 'signature'],
    );
    const times = h.events.map((e) => Date.parse(e.at));
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
      'oldest first',
    );
    assert.match(h.events[1].detail, /reason: reviewed · ref CHG-9/);
    assert.equal(h.events[3].attention, true, 'a signature no approver saw is marked');
    assert.equal(h.provenance?.label, 'signed outside an approval');
    assert.equal(h.chain?.ok, true);
    assert.deepEqual(h.limits, []);
    const md = packHistoryMarkdown(h);
    assert.match(md, /^### CAVRA policy pack `cavra-pay`\n/);
    assert.match(md, /\*\*Chain:\*\* signed outside an approval \(fail\)/);
    assert.match(md, /> \[!CAUTION\]\n> .*\*\*sign \(outside a publish\)\*\*/);
    assert.match(md, /cavra-policy attest --packs cavra-pay/);

    const none = await c.sendRequest(WorkflowRequests.packHistory, { policy_id: 'cavra-none' });
    assert.deepEqual(none.events, []);
  });

  it('against a CAVRA server: its approvals, and what its API cannot show, in words', async () => {
    const server = await startLocalCavraServer();
    try {
      ws = tempWorkspace({ 'policies/cavra-pay/policy.yaml': pack('cavra-pay') });
      client = await LspClient.start({
        workspace: ws.root,
        settings: { backend: 'remote', remote: { url: server.url } } as never,
      });
      const c = client.connection;
      const uri = pathToFileURL(join(ws.root, 'policies/cavra-pay/policy.yaml')).href;
      const requested = await c.sendRequest(WorkflowRequests.publishRequest, { uri, requested_by: 'pat' });
      await c.sendRequest(WorkflowRequests.deny, {
        approval_id: requested.approval.approval_id,
        actor: 'ian',
        reason: 'not now',
      });
      const h = await c.sendRequest(WorkflowRequests.packHistory, { policy_id: 'cavra-pay' });
      assert.deepEqual(
        h.events.map((e) => e.title),
        ['approval requested (publish)', 'denied'],
      );
      assert.equal(h.provenance, null);
      assert.equal(h.chain, null);
      assert.match(h.limits[0], /CAVRA's API exposes no signature file and keeps no policy write-back log/);
    } finally {
      await server.close();
    }
  });
});
