// The editor's workflow requests over a real stdio LSP connection, the path the VS Code client takes:
// draft → plan → request → approve → publish signed → tamper → diagnostics, plus refusals.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExecuteCommandRequest, ResponseError } from 'vscode-languageserver-protocol/node';
import { verifyPolicySignature } from '../../server/src/signing';
import { WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import { renderPublishPlan } from '../../client/src/webview/render/publishPlan';
import { LspClient } from '../lsp/lspClient';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

const DRAFT = `# the platform pack, as the author wrote it
metadata:
  id: cavra-platform
  title: Platform controls
  description: Secrets stay unreadable; production changes need approval.
  version: "1.0.0"
filesystem:
  block_read:
    - ".env"
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

describe('workflow requests over LSP (local backend)', function () {
  this.timeout(30_000);
  let ws: TempWorkspace;
  let client: LspClient;
  let uri: string;

  beforeEach(async () => {
    ws = tempWorkspace({ 'policies/cavra-platform/policy.yaml': DRAFT });
    uri = pathToFileURL(join(ws.root, 'policies/cavra-platform/policy.yaml')).href;
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it('carries a draft to a signed publish, bound to the approved digest', async () => {
    const c = client.connection;
    const draft = await c.sendRequest(WorkflowRequests.draftPreview, { uri });
    assert.equal(draft.schema_version, 'cavra.policy_pack.draft.v1');
    assert.equal(draft.valid, true);
    assert.deepEqual(draft.summary.rule_counts, {
      filesystem: 1,
      commands: 1,
      git: 0,
      mcp: 0,
      approvals: 0,
      evidence: 0,
      compliance: 0,
    });

    const plan = await c.sendRequest(WorkflowRequests.publishPlan, { uri });
    assert.equal(plan.operation, 'update', 'the file already sits at policies/<id>/policy.yaml');
    assert.match(plan.policy_digest, /^sha256:[0-9a-f]{64}$/);

    const request = await c.sendRequest(WorkflowRequests.publishRequest, {
      uri,
      approver_group: 'Platform Security',
      ttl_hours: 24,
    });
    assert.equal(request.approval.state, 'pending');
    assert.equal(request.approval.decision.policy_digest, plan.policy_digest);
    const id = request.approval.approval_id;

    const refused = await failure(c.sendRequest(WorkflowRequests.publish, { uri, approval_id: id }));
    assert.equal(refused.status, 400);
    assert.equal(refused.detail, 'policy publish approval must be approved before write-back');

    const approved = await c.sendRequest(WorkflowRequests.approve, {
      approval_id: id,
      actor: 'iam-owner',
      reason: 'reviewed the plan',
    });
    assert.equal(approved.state, 'approved');

    const result = await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: id, signer: 'platform-engineer' });
    assert.equal(result.status, 'published');
    assert.equal(result.signature_verified, true);
    const policyFile = join(ws.root, 'policies/cavra-platform/policy.yaml');
    const bytes = readFileSync(policyFile);
    assert.equal(bytes.toString('utf8'), DRAFT, "the author's text (comments and order) is what was written");
    assert.equal(verifyPolicySignature(bytes, readFileSync(`${policyFile}.sig.json`, 'utf8')).ok, true);

    const state = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(state?.signature, 'verified');
    assert.equal(state?.published_under?.approval_id, id);

    const evidence = await c.sendRequest(WorkflowRequests.verifyEvidence, {});
    assert.equal(evidence.ok, true);
    assert.ok(evidence.records >= 3, `request, approve and publish are recorded (got ${evidence.records})`);
  });

  it('refuses to publish a draft that differs from the approved one, and writes nothing', async () => {
    const c = client.connection;
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    await c.sendRequest(WorkflowRequests.approve, { approval_id: request.approval.approval_id, actor: 'a', reason: 'r' });
    const before = readFileSync(join(ws.root, 'policies/cavra-platform/policy.yaml'), 'utf8');
    await client.open(uri, DRAFT.replace('"terraform apply*"', '"terraform apply*"\n    - "kubectl delete*"'));
    const refused = await failure(c.sendRequest(WorkflowRequests.publish, { uri, approval_id: request.approval.approval_id }));
    assert.equal(refused.detail, 'approval does not match policy draft digest');
    assert.equal(readFileSync(join(ws.root, 'policies/cavra-platform/policy.yaml'), 'utf8'), before);
    assert.equal(existsSync(join(ws.root, 'policies/cavra-platform/policy.yaml.sig.json')), false);
  });

  it('marks a published pack modified since signed with a diagnostic at line 1', async () => {
    const c = client.connection;
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    await c.sendRequest(WorkflowRequests.approve, { approval_id: request.approval.approval_id, actor: 'a', reason: 'r' });
    await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: request.approval.approval_id });
    await client.open(uri, DRAFT);
    const clean = await client.publication(uri, 1);
    assert.equal(clean.diagnostics.filter((d) => d.code === 'signature-mismatch').length, 0);
    const version = await client.change(uri, DRAFT.replace('".env"', '".env.local"'));
    const dirty = await client.publication(uri, version);
    const sig = dirty.diagnostics.find((d) => d.code === 'signature-mismatch');
    assert.ok(sig, 'the edit is flagged');
    assert.equal(sig.range.start.line, 0);
    assert.match(String(sig.message), /modified since it was signed/);
    // What changed, and the way back through an approval; never "sign it again" as a fix.
    assert.match(
      String(sig.message),
      /policy digest mismatch: the policy changed after signing \(.*says sha256:[0-9a-f]{64}, the file is sha256:[0-9a-f]{64}\)/,
    );
    assert.match(
      String(sig.message),
      /Do not sign it again: that would bless a change nobody approved\. Revert the edit, or publish the change through an approval: Plan Publish → Request Publish Approval → Publish Signed/,
    );
    assert.doesNotMatch(String(sig.message), /; sign it again|Re-publish it with Publish Signed/);
    const state = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(state?.signature, 'modified');
  });

  it('marks a published pack nobody opened that was modified on disk since signed', async () => {
    const c = client.connection;
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    await c.sendRequest(WorkflowRequests.approve, { approval_id: request.approval.approval_id, actor: 'a', reason: 'r' });
    await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: request.approval.approval_id });
    const file = join(ws.root, 'policies/cavra-platform/policy.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('.env', '.env.local'));
    await client.filesChanged(['policies/cavra-platform/policy.yaml']);
    const flagged = await client.publishedFor(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'signature-mismatch'),
      'the tampered pack flagged',
    );
    assert.equal(flagged.version, undefined, 'published for a pack that is not open');
  });

  it("refuses break-glass without a reason, with CAVRA's words", async () => {
    const decision = await client.connection.sendRequest(WorkflowRequests.evaluate, {
      action_type: 'execute_command',
      target: 'terraform apply -auto-approve',
      policy_pack: 'cavra-platform',
    });
    assert.equal(decision.decision, 'block');
    assert.equal(decision.rule_id, 'commands.block');
    const refused = await failure(
      client.connection.sendRequest(WorkflowRequests.breakGlass, { decision, actor: 'incident-commander', reason: '' }),
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.detail, 'break-glass reason is required');
    const ok = await client.connection.sendRequest(WorkflowRequests.breakGlass, {
      decision,
      actor: 'incident-commander',
      reason: 'INC-777 outage',
      external_ref: 'INC-777',
    });
    assert.equal(ok.state, 'break_glass');
    assert.equal(ok.approver_group, 'Change Advisory Board');
  });

  it('plans and applies a rollout change, persisting the normalized record', async () => {
    const c = client.connection;
    const change = {
      repository: 'payments/api',
      policy_pack: 'cavra-platform',
      mode: 'strict',
      state: 'active',
      coverage_percent: 95,
    };
    const plan = await c.sendRequest(WorkflowRequests.rolloutPlan, change);
    assert.equal(plan.operation, 'create');
    assert.equal(plan.approval_required, true);
    const applied = await c.sendRequest(WorkflowRequests.rolloutApply, change);
    assert.equal(applied.rollout.rollout_id, 'payments/api:cavra-platform');
    const list = await c.sendRequest(WorkflowRequests.listRollouts, {});
    assert.deepEqual(
      list.items.map((r) => [r.rollout_id, r.mode, r.state, r.coverage_percent]),
      [['payments/api:cavra-platform', 'strict', 'active', 95]],
    );
  });

  it('answers the same methods as workspace/executeCommand commands for other editors', async () => {
    const commands = client.initializeResult.capabilities.executeCommandProvider?.commands ?? [];
    assert.ok(commands.includes('cavra.server.catalog'));
    const catalog = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: 'cavra.server.catalog',
      arguments: [{}],
    })) as { total: number; items: { id: string }[] };
    assert.deepEqual(
      catalog.items.map((i) => i.id),
      ['cavra-platform'],
    );
  });

  it('expires overdue approvals on request (CAVRA expire, actor system) and leaves current ones', async () => {
    const request = await client.connection.sendRequest(WorkflowRequests.publishRequest, { uri });
    const current = request.approval.approval_id;
    // An approval made an hour ago that expired ten minutes ago: data relative to now.
    const store = JSON.parse(readFileSync(join(ws.root, '.cavra/approvals.json'), 'utf8')) as {
      items: Record<string, unknown>[];
    };
    const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace('Z', '+00:00');
    store.items.push({
      ...store.items[0],
      approval_id: 'apr_0verdue00001',
      requested_at: iso(3_600_000),
      expires_at: iso(600_000),
    });
    ws.write('.cavra/approvals.json', `${JSON.stringify(store, null, 2)}\n`);
    const refused = await failure(
      client.connection.sendRequest(WorkflowRequests.approve, { approval_id: 'apr_0verdue00001', actor: 'a', reason: 'r' }),
    );
    assert.match(refused.detail, /expired at .* \(10 min ago by this machine's clock\); it is now recorded as expired/);
    // The refusal's own sweep already recorded it: the explicit request finds nothing more to do.
    assert.deepEqual(await client.connection.sendRequest(WorkflowRequests.expireOverdue, {}), []);
    const list = await client.connection.sendRequest(WorkflowRequests.listApprovals, {});
    const states = Object.fromEntries(list.items.map((a) => [a.approval_id, a.state]));
    assert.deepEqual(states, { [current]: 'pending', apr_0verdue00001: 'expired' });
  });

  it('names the store file and position when the approval store is corrupt, and leaves it untouched', async () => {
    const store = ws.write('.cavra/approvals.json', '{"items": [ {"approval_id": ');
    const refused = await failure(client.connection.sendRequest(WorkflowRequests.listApprovals, {}));
    assert.match(refused.detail, /approvals\.json/);
    assert.equal(readFileSync(store, 'utf8'), '{"items": [ {"approval_id": ');
    writeFileSync(store, '{"items": []}\n');
    const list = await client.connection.sendRequest(WorkflowRequests.listApprovals, {});
    assert.equal(list.total, 0);
  });
});

describe('workflow requests in Restricted Mode', function () {
  this.timeout(30_000);
  it('refuses every mutation with a message saying why, while reads still work', async () => {
    const ws = tempWorkspace({ 'policies/cavra-platform/policy.yaml': DRAFT });
    const client = await LspClient.start({ workspace: ws.root, initializationOptions: { trusted: false } });
    try {
      const uri = pathToFileURL(join(ws.root, 'policies/cavra-platform/policy.yaml')).href;
      const draft = await client.connection.sendRequest(WorkflowRequests.draftPreview, { uri });
      assert.equal(draft.valid, true);
      const refused = await failure(client.connection.sendRequest(WorkflowRequests.publishRequest, { uri }));
      assert.equal(refused.status, 403);
      assert.match(refused.detail, /Restricted Mode/);
      assert.equal(existsSync(join(ws.root, '.cavra/approvals.json')), false);
      const sweep = await failure(client.connection.sendRequest(WorkflowRequests.expireOverdue, {}));
      assert.equal(sweep.status, 403);
      const info = await client.connection.sendRequest(WorkflowRequests.backendInfo, {});
      assert.match(info.restricted ?? '', /Restricted Mode/);
    } finally {
      await client.stop();
      ws.remove();
    }
  });
});

describe("workflow requests: a parent's reach in the publish plan", function () {
  this.timeout(30_000);
  it('plans an open, unsaved parent with the inheriting packs it changes; the plan webview and the approval request carry them', async () => {
    // Fixture: test/fixtures/inheritance-root (cavra-base <- cavra-app, among others).
    const ws = tempWorkspace({}, join(repoRoot, 'test/fixtures/inheritance-root'));
    const client = await LspClient.start({ workspace: ws.root });
    try {
      const uri = pathToFileURL(join(ws.root, 'policies/cavra-base/policy.yaml')).href;
      const published = readFileSync(join(ws.root, 'policies/cavra-base/policy.yaml'), 'utf8');
      await client.open(uri, published.replace('    - "rm -rf /"\n', '    - "<script>alert(1)</script>"\n'));
      const plan = await client.connection.sendRequest(WorkflowRequests.publishPlan, { uri });
      assert.deepEqual(plan.reach, {
        descendants: 1,
        unchanged: 0,
        changed: [
          {
            policy_id: 'cavra-app',
            via: ['cavra-app', 'cavra-base'],
            entries_added: [{ list: 'commands.block', entry: '<script>alert(1)</script>' }],
            entries_removed: [{ list: 'commands.block', entry: 'rm -rf /' }],
            scalars_changed: [],
          },
        ],
      });
      const page = renderPublishPlan(plan, 'local').toString();
      assert.match(page, /<h2>Packs inheriting this one<\/h2>/);
      assert.match(page, /cavra-app <span class="muted">\(inherits cavra-base\)<\/span>/);
      assert.ok(page.includes('<code>+ commands.block: &lt;script&gt;alert(1)&lt;/script&gt;</code>'), page);
      assert.ok(page.includes('<code>− commands.block: rm -rf /</code>'), page);

      const request = await client.connection.sendRequest(WorkflowRequests.publishRequest, {
        uri,
        approver_group: 'Platform Security',
      });
      assert.deepEqual(request.plan.reach, plan.reach);
    } finally {
      await client.stop();
      ws.remove();
    }
  });
});
