// Multi-root workspaces over a real stdio LSP connection: each workspace folder has its own policy root,
// store, keys and settings. Before this, every workflow used the first folder: a pack published in the
// second folder was planned as `create` with risk `high`, and that folder's approvals were invisible.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import { generateKeyPair, keyFingerprint } from '../../server/src/signing';
import { testKeyHome } from '../cli/cliProcess';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

const pack = (id: string, extra = '') => `metadata:
  id: ${id}
  title: ${id}
  description: ${extra || 'Production changes need approval.'}
  version: "1.0.0"
commands:
  block:
    - "terraform apply*"
`;

async function failure(p: Promise<unknown>): Promise<WorkflowErrorData> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `expected a ResponseError, got ${String(e)}`);
    return e.data as WorkflowErrorData;
  }
  assert.fail('the request should have failed');
}

describe('multi-root workspaces (two folders over LSP)', function () {
  this.timeout(30_000);
  let first: TempWorkspace;
  let second: TempWorkspace;
  let client: LspClient;
  const uriIn = (ws: TempWorkspace, path: string) => pathToFileURL(join(ws.root, path)).href;

  beforeEach(() => {
    first = tempWorkspace({ 'policies/cavra-platform/policy.yaml': pack('cavra-platform') });
    // The second folder keeps its packs elsewhere (its own cavra.policyRoot) and has a published pack.
    second = tempWorkspace({ 'packs/cavra-ops-guard/policy.yaml': pack('cavra-ops-guard') });
  });
  afterEach(async () => {
    await client?.stop();
    first.remove();
    second.remove();
  });

  const start = (secondSettings: Record<string, unknown> = { policyRoot: 'packs' }) =>
    LspClient.start({ workspace: first.root, folders: [{ path: second.root, settings: secondSettings }] }).then((c) => {
      client = c;
      return c;
    });

  it('plans a pack published in the second folder as an update, against that folder', async () => {
    const c = (await start()).connection;
    const plan = await c.sendRequest(WorkflowRequests.publishPlan, { uri: uriIn(second, 'packs/cavra-ops-guard/policy.yaml') });
    assert.equal(plan.operation, 'update');
    assert.equal(plan.risk, 'low');
    const info = await c.sendRequest(WorkflowRequests.backendInfo, { folder: pathToFileURL(second.root).href });
    assert.equal(info.location, second.root);
  });

  it("lists each folder's approvals in that folder only, and stores them in its own .cavra/", async () => {
    const c = (await start()).connection;
    const inSecond = await c.sendRequest(WorkflowRequests.publishRequest, {
      uri: uriIn(second, 'packs/cavra-ops-guard/policy.yaml'),
    });
    const inFirst = await c.sendRequest(WorkflowRequests.publishRequest, {
      uri: uriIn(first, 'policies/cavra-platform/policy.yaml'),
    });
    const folder1 = pathToFileURL(first.root).href;
    const folder2 = pathToFileURL(second.root).href;
    const ids = async (folder: string) =>
      (await c.sendRequest(WorkflowRequests.listApprovals, { folder })).items.map((a) => a.approval_id);
    assert.deepEqual(await ids(folder2), [inSecond.approval.approval_id]);
    assert.deepEqual(await ids(folder1), [inFirst.approval.approval_id]);
    assert.match(readFileSync(join(second.root, '.cavra/approvals.json'), 'utf8'), new RegExp(inSecond.approval.approval_id));
    assert.doesNotMatch(
      readFileSync(join(first.root, '.cavra/approvals.json'), 'utf8'),
      new RegExp(inSecond.approval.approval_id),
    );

    // A decision acts on the folder named, and an approval of one folder is unknown in the other.
    const approved = await c.sendRequest(WorkflowRequests.approve, {
      folder: folder2,
      approval_id: inSecond.approval.approval_id,
      actor: 'iam-owner',
      reason: 'reviewed',
    });
    assert.equal(approved.state, 'approved');
    const elsewhere = await failure(
      c.sendRequest(WorkflowRequests.getApproval, { folder: folder1, approval_id: inSecond.approval.approval_id }),
    );
    assert.equal(elsewhere.status, 404);
    const published = await c.sendRequest(WorkflowRequests.publish, {
      uri: uriIn(second, 'packs/cavra-ops-guard/policy.yaml'),
      approval_id: inSecond.approval.approval_id,
    });
    assert.equal(published.status, 'published');
    assert.ok(existsSync(join(second.root, 'packs/cavra-ops-guard/policy.yaml.sig.json')));
    assert.ok(!existsSync(join(first.root, 'packs')), 'nothing is written into the first folder');
  });

  it("signs with the folder's own keys: a key of the second folder is not found from the first", async () => {
    const c = (await start()).connection;
    const keys = generateKeyPair();
    second.write('.cavra/policy-signing/team-b.private.pem', keys.privateKeyPem);
    second.write('.cavra/policy-signing/team-b.public.pem', keys.publicKeyPem);
    const publishIn = async (ws: TempWorkspace, path: string) => {
      const uri = uriIn(ws, path);
      const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
      const folder = pathToFileURL(ws.root).href;
      await c.sendRequest(WorkflowRequests.approve, {
        folder,
        approval_id: request.approval.approval_id,
        actor: 'a',
        reason: 'r',
      });
      return c.sendRequest(WorkflowRequests.publish, { uri, approval_id: request.approval.approval_id, key_id: 'team-b' });
    };
    const signed = await publishIn(second, 'packs/cavra-ops-guard/policy.yaml');
    assert.equal(signed.signature_verified, true);
    assert.match(readFileSync(signed.signature_path, 'utf8'), /"key_id": "team-b"/);
    const refused = await failure(publishIn(first, 'policies/cavra-platform/policy.yaml'));
    assert.equal(
      refused.detail,
      `cannot read the signing key ${join(first.root, '.cavra/policy-signing/team-b.private.pem')}: ENOENT (nor ${join(testKeyHome(first.root), 'team-b.private.pem')})`,
    );
    // The published pack is verified with the second folder's public key once the user pins it, as the editor shows it.
    const published = uriIn(second, 'packs/cavra-ops-guard/policy.yaml');
    await client.open(published, readFileSync(join(second.root, 'packs/cavra-ops-guard/policy.yaml'), 'utf8'));
    await client.changeSettings({ signing: { trustedKeyFingerprints: [keyFingerprint(keys.publicKeyPem)] } } as never);
    await client.publishedFor(published, (p) => p.diagnostics.length === 0, 'no signature finding once the key is pinned');
    const state = await c.sendRequest(WorkflowRequests.packState, { uri: published });
    assert.equal(state?.signature, 'verified');
    await client.change(published, pack('cavra-ops-guard', 'Edited after signing.'));
    assert.deepEqual(
      (await client.diagnostics(published)).map((d) => d.code),
      ['signature-mismatch'],
    );
  });

  it('refuses a folder that is not one of the workspace folders, naming the open ones', async () => {
    const c = (await start()).connection;
    const outside = tempWorkspace({ '.cavra/approvals.json': '{"items": []}' });
    try {
      const refused = await failure(c.sendRequest(WorkflowRequests.listApprovals, { folder: pathToFileURL(outside.root).href }));
      assert.equal(refused.status, 400);
      assert.match(refused.detail, /is not a workspace folder \(open folders: file:.*, file:.*\)/);
      // Untyped JSON from other editors (executeCommand): refused in words, the server keeps serving.
      for (const folder of [42, 'policies', 'https://example.com/ws', '']) {
        const odd = await failure(
          c.sendRequest('workspace/executeCommand', { command: 'cavra.server.listApprovals', arguments: [{ folder }] }),
        );
        assert.equal(odd.status, 400, JSON.stringify(folder));
        assert.match(odd.detail, /is not a workspace folder/);
      }
      assert.equal((await c.sendRequest(WorkflowRequests.backendInfo, {})).location, first.root);
    } finally {
      outside.remove();
    }
  });

  it("reads each folder's settings (policy root, size limit), but the backend only from the user's", async () => {
    await start({ policyRoot: 'packs', maxFileSizeMb: 0.0001, backend: 'remote', remote: { url: 'http://127.0.0.1:9' } });
    // The second folder's tiny size limit applies to its documents only.
    const big = pack('cavra-ops-guard', 'x'.repeat(200));
    const inSecond = uriIn(second, 'packs/cavra-ops-guard/policy.yaml');
    const inFirst = uriIn(first, 'policies/cavra-platform/policy.yaml');
    await client.open(inSecond, big);
    await client.open(inFirst, pack('cavra-platform', 'x'.repeat(200)));
    assert.deepEqual(
      (await client.diagnostics(inSecond)).map((d) => d.code),
      ['file-too-large'],
      "the second folder's limit applies",
    );
    assert.deepEqual(await client.diagnostics(inFirst), []);
    // A folder's settings cannot switch the backend (nor name the server a token goes to): still local.
    const info = await client.connection.sendRequest(WorkflowRequests.backendInfo, { folder: pathToFileURL(second.root).href });
    assert.equal(info.kind, 'local');
    assert.equal(info.location, second.root);
  });

  it("resolves inherits against the packs of the document's own folder", async () => {
    await start();
    const child = pack('cavra-child').replace('metadata:\n', 'metadata:\n  inherits: cavra-platform\n');
    // `cavra-platform` is a pack of the first folder only: in the second it is unknown.
    const inSecond = uriIn(second, 'packs/cavra-child/policy.yaml');
    await client.open(inSecond, child);
    assert.deepEqual(
      (await client.diagnostics(inSecond)).map((d) => d.code),
      ['unknown-inherits'],
    );
    const inFirst = uriIn(first, 'policies/cavra-child/policy.yaml');
    await client.open(inFirst, child);
    // Resolved in the first folder: no unknown parent, and the merged-pack lint reads that folder's parent.
    const found = await client.diagnostics(inFirst);
    assert.ok(!found.some((d) => d.code === 'unknown-inherits'), JSON.stringify(found));
    assert.ok(
      found.every((d) => d.code === 'inherited-duplicate' && String(d.message).includes('`cavra-platform`')),
      JSON.stringify(found),
    );
  });

  it('picks up a folder added while the server runs, with its own settings', async () => {
    const c = (
      await LspClient.start({ workspace: first.root }).then((x) => {
        client = x;
        return x;
      })
    ).connection;
    const uri = uriIn(second, 'packs/cavra-ops-guard/policy.yaml');
    const folder2 = pathToFileURL(second.root).href;
    const before = await failure(c.sendRequest(WorkflowRequests.listApprovals, { folder: folder2 }));
    assert.equal(before.status, 400);
    await client.changeFolders([{ path: second.root, settings: { policyRoot: 'packs' } }]);
    // The notification has no answer: the next request shows the folder once it is taken in.
    let plan = await c.sendRequest(WorkflowRequests.publishPlan, { uri }).catch(() => undefined);
    for (let i = 0; i < 50 && plan?.operation !== 'update'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      plan = await c.sendRequest(WorkflowRequests.publishPlan, { uri }).catch(() => undefined);
    }
    assert.equal(plan?.operation, 'update');
    await client.changeFolders([], [second.root]);
    let after: WorkflowErrorData | undefined;
    for (let i = 0; i < 50 && after?.status !== 400; i++) {
      after = await failure(c.sendRequest(WorkflowRequests.listApprovals, { folder: folder2 })).catch(() => undefined);
      if (after?.status !== 400) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(after?.status, 400);
  });
});
