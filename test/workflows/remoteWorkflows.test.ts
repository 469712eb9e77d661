// The editor's workflows against a CAVRA server: the same requests, the same answers, and the token
// sent as a bearer header from the client's notification, never in any message.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { CredentialsNotification, WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import { serializeSignature, signPolicyBytes } from '../../server/src/signing';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { startLocalCavraServer, type LocalCavraServer } from '../server/localCavraServer';
import { TestProxy } from '../server/testProxy';

const DRAFT = `metadata:
  id: cavra-remote-demo
  title: Remote demo
  description: Published through a CAVRA server.
  version: "2026.11"
commands:
  block:
    - "terraform apply -auto-approve"
`;
const TOKEN = 'tok-remote-0123456789abcdef';

describe('workflow requests over LSP (remote backend)', function () {
  this.timeout(30_000);
  let cavra: LocalCavraServer;
  let ws: TempWorkspace;
  let client: LspClient;
  let uri: string;

  beforeEach(async () => {
    cavra = await startLocalCavraServer();
    ws = tempWorkspace({ 'policies/cavra-remote-demo/policy.yaml': DRAFT });
    uri = pathToFileURL(join(ws.root, 'policies/cavra-remote-demo/policy.yaml')).href;
    client = await LspClient.start({
      workspace: ws.root,
      settings: { backend: 'remote', remote: { url: cavra.url, timeoutMs: 5000 } } as never,
    });
    await client.connection.sendNotification(CredentialsNotification, { token: TOKEN });
  });
  afterEach(async () => {
    await client.stop();
    await cavra.close();
    ws.remove();
  });

  it('says which backend answers and runs the publish journey on the server, not in the workspace', async () => {
    const c = client.connection;
    const info = await c.sendRequest(WorkflowRequests.backendInfo, {});
    assert.equal(info.kind, 'remote');
    assert.equal(info.location, cavra.url);

    const plan = await c.sendRequest(WorkflowRequests.publishPlan, { uri });
    assert.equal(plan.operation, 'create');
    assert.equal(plan.risk, 'high');
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    await c.sendRequest(WorkflowRequests.approve, { approval_id: request.approval.approval_id, actor: 'a', reason: 'r' });
    const result = await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: request.approval.approval_id });
    assert.equal(result.signature_verified, true);
    assert.equal(result.signature_message, 'verified SHA256 signature', 'a CAVRA server signs with its own HMAC/digest form');
    assert.ok(existsSync(join(cavra.root, 'policies/cavra-remote-demo/policy.yaml')), 'the server wrote its pack');
    assert.equal(
      existsSync(join(ws.root, 'policies/cavra-remote-demo/policy.yaml.sig.json')),
      false,
      'the workspace is not written',
    );
    assert.equal(existsSync(join(ws.root, '.cavra')), false, 'no local store is created');

    const hits = cavra.server.hits.filter((h) => h.path.startsWith('/policy-packs') || h.path.startsWith('/approvals'));
    assert.ok(hits.length >= 4);
    for (const h of hits) assert.equal(h.headers.authorization, `Bearer ${TOKEN}`);
  });

  it('a request sent before the editor has answered with its settings waits for them (never answered as local)', async () => {
    const slow = await LspClient.start({
      workspace: ws.root,
      settings: { backend: 'remote', remote: { url: cavra.url, timeoutMs: 5000 } } as never,
      slowConfigurationMs: 400,
    });
    try {
      // Sent at once, as the extension's inbox and views ask at activation.
      const info = await slow.connection.sendRequest(WorkflowRequests.backendInfo, {});
      assert.equal(info.kind, 'remote');
      assert.equal(info.location, cavra.url);
      assert.equal(info.approval_store, undefined);
    } finally {
      await slow.stop();
    }
  });

  it('a request sent right after a settings change is answered on the changed settings', async () => {
    // The editor answers workspace/configuration 400 ms late, as a busy extension host may; the request
    // follows the change notification at once (the plan shown again after a decision log is chosen).
    const slow = await LspClient.start({ workspace: ws.root, settings: { backend: 'local' } as never, slowConfigurationMs: 400 });
    try {
      assert.equal((await slow.connection.sendRequest(WorkflowRequests.backendInfo, {})).kind, 'local');
      await slow.changeSettings({ backend: 'remote', remote: { url: cavra.url, timeoutMs: 5000 } } as never);
      const info = await slow.connection.sendRequest(WorkflowRequests.backendInfo, {});
      assert.equal(info.kind, 'remote');
      assert.equal(info.location, cavra.url);
    } finally {
      await slow.stop();
    }
  });

  it("shows CAVRA's detail and status, without the token, when the server refuses", async () => {
    const refused = await client.connection.sendRequest(WorkflowRequests.getApproval, { approval_id: 'apr_000000000000' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => (e as ResponseError<WorkflowErrorData>).data!,
    );
    assert.equal(refused.status, 404);
    assert.equal(refused.backend, 'remote');
    assert.match(refused.detail, /approval not found/);
    assert.doesNotMatch(JSON.stringify(refused), new RegExp(TOKEN));
  });

  it('shows what the server reports about published packs, never the workspace files as its state', async () => {
    // The workspace holds a signed pack and an evidence log of its own: a local publish, not the server's.
    const signed = signPolicyBytes(Buffer.from(DRAFT), {
      hmacKey: 'local-key',
      signer: 'someone-local',
      policyFile: 'policy.yaml',
    });
    ws.write('policies/cavra-remote-demo/policy.yaml.sig.json', serializeSignature(signed));
    ws.write(
      '.cavra/evidence.jsonl',
      `${JSON.stringify({ seq: 1, event: 'publish', approval_ids: ['apr_local00000000'], digests: {}, details: { policy_id: 'cavra-remote-demo' }, recorded_at: '2026-01-01T00:00:00' })}\n`,
    );
    const c = client.connection;

    const before = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(before?.published, false, 'the server does not serve the pack yet');
    assert.equal(before?.signature, 'unsigned');
    assert.match(before?.signature_message ?? '', /not published on http:\/\/127\.0\.0\.1/);
    assert.equal(before?.published_under, null, "the local evidence log is not the server's");
    assert.equal(before?.signer, null);

    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    await c.sendRequest(WorkflowRequests.approve, { approval_id: request.approval.approval_id, actor: 'a', reason: 'r' });
    await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: request.approval.approval_id });

    const after = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(after?.published, true, 'the catalog now lists the pack');
    assert.equal(after?.signature, 'unknown');
    assert.equal(
      after?.signature_message,
      'the CAVRA server does not report policy signatures: it signs and verifies policy.yaml.sig.json on its side',
    );
    assert.equal(after?.signature_path, null, "not the workspace's sig.json");

    const published = await c.sendRequest(WorkflowRequests.publishedPack, { policy_id: 'cavra-remote-demo' });
    assert.deepEqual(published, {
      policy_id: 'cavra-remote-demo',
      text: null,
      path: null,
      unavailable: 'the CAVRA server does not serve the published policy.yaml bytes',
    });

    const evidence = await c.sendRequest(WorkflowRequests.listEvidence, { limit: 10 });
    assert.deepEqual(evidence.items, [], "the workspace's evidence log is not shown as the server's");
    assert.match(evidence.unavailable ?? '', /does not report this editor's evidence log/);

    const catalogReads = cavra.server.hits.filter((h) => h.path === '/policy-pack-catalog');
    assert.equal(catalogReads.length, 2, 'pack state asked the server, once per request');
  });
});

describe("workflow requests over LSP: VS Code's http.proxy and http.noProxy", function () {
  this.timeout(30_000);
  let cavra: LocalCavraServer;
  let proxy: TestProxy;
  let ws: TempWorkspace;
  let client: LspClient | undefined;

  beforeEach(async () => {
    cavra = await startLocalCavraServer();
    // `cavra.test` resolves only inside the proxy: a request that reaches the server went through it.
    proxy = await TestProxy.start({ hosts: { 'cavra.test': '127.0.0.1' } });
    ws = tempWorkspace({ 'policies/cavra-remote-demo/policy.yaml': DRAFT });
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await proxy.close();
    await cavra.close();
    ws.remove();
  });

  async function start(http: Record<string, unknown>): Promise<LspClient> {
    const url = cavra.url.replace('127.0.0.1', 'cavra.test');
    // The process's own proxy variables are cleared so only the editor's settings can route the call.
    const env = { HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', NO_PROXY: '', no_proxy: '' };
    const c = await LspClient.start({
      workspace: ws.root,
      settings: { backend: 'remote', remote: { url, timeoutMs: 5000 } } as never,
      httpSettings: http,
      env,
    });
    await c.connection.sendNotification(CredentialsNotification, { token: TOKEN });
    return c;
  }

  it('calls to the CAVRA server go through http.proxy', async () => {
    client = await start({ proxy: proxy.url, noProxy: [] });
    const catalog = await client.connection.sendRequest(WorkflowRequests.catalog, {});
    assert.ok(Array.isArray(catalog.items));
    assert.ok(
      proxy.records.some((r) => r.target.includes('cavra.test')),
      `the proxy carried the call: ${JSON.stringify(proxy.records)}`,
    );
    assert.ok(cavra.server.hits.some((h) => h.path === '/policy-pack-catalog'));
  });

  it('a host in http.noProxy is called directly, never through the proxy', async () => {
    client = await start({ proxy: proxy.url, noProxy: ['cavra.test'] });
    // Directly, `cavra.test` does not resolve: the call fails, and the proxy never saw it.
    await assert.rejects(client.connection.sendRequest(WorkflowRequests.catalog, {}));
    assert.deepEqual(proxy.records, []);
  });
});
