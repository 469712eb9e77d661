// Restricted Mode (an untrusted workspace) over the real stdio server: every mutating method, as its
// typed request and as its `cavra.server.<method>` command, is refused with 403 and a message that names
// the method and says why; nothing is written; with the remote backend no request reaches the server
// at all (reads included); validation, hover, drafts, plans, lists and evidence checks still work
// locally; and the server reads no key: neither the signing key named by the workspace's settings nor
// a private key file.
import assert from 'node:assert/strict';
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExecuteCommandRequest, ResponseError } from 'vscode-languageserver-protocol/node';
import { serializeSignature, signPolicyBytes } from '../../../server/src/signing';
import { MUTATING_METHODS, WorkflowRequests, type WorkflowErrorData, type WorkflowMethod } from '../../../server/src/protocol';
import { LspClient } from '../../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../../lsp/tempWorkspace';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { Figures } from './support/figures';

const POLICY =
  'metadata:\n  id: cavra-platform\n  title: Platform\n  description: Platform controls.\n  version: "1.0.0"\ncommands:\n  block: ["terraform apply*"]\n';
const DECISION = {
  decision_id: 'dec_1',
  approver_group: 'Ops',
  reason: 'r',
  action_type: 'execute_command',
  target: 'terraform apply',
};

/** Plausible params for each method: the refusal must come before any of them is looked at. */
function paramsFor(method: WorkflowMethod, uri: string): unknown {
  const p: { [m in WorkflowMethod]?: unknown } = {
    publishRequest: { uri, approver_group: 'Platform Security' },
    publish: { uri, approval_id: 'apr_000000000001', key_id: 'k1', signer: 's' },
    createApproval: { decision: DECISION },
    approve: { approval_id: 'apr_000000000001', actor: 'a', reason: 'r' },
    deny: { approval_id: 'apr_000000000001', actor: 'a', reason: 'r' },
    expire: { approval_id: 'apr_000000000001' },
    attachDecision: { approval_id: 'apr_000000000001', decision: DECISION },
    breakGlass: { decision: DECISION, actor: 'a', reason: 'INC-1' },
    rolloutApply: { repository: 'a/b', policy_pack: 'cavra-platform', mode: 'strict' },
    movePrivateKey: { uri },
  };
  return p[method] ?? {};
}

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      out.push(`${relative(dir, p)} ${s.size} ${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

async function refusal(p: Promise<unknown>): Promise<WorkflowErrorData> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, String(e));
    return e.data as WorkflowErrorData;
  }
  assert.fail('the request was not refused');
}

describe('reliability: Restricted Mode over the stdio server', function () {
  this.timeout(60_000);
  const figures = new Figures('Security: Restricted Mode (untrusted workspace)', 'test/unit/reliability/restrictedMode.test.ts');
  let ws: TempWorkspace;
  let uri: string;
  beforeEach(() => {
    ws = tempWorkspace({ 'policies/cavra-platform/policy.yaml': POLICY });
    // A private key where publish would read it: it must never be opened in Restricted Mode.
    ws.write('.cavra/policy-signing/k1.private.pem', '-----BEGIN PRIVATE KEY-----\nnot read\n-----END PRIVATE KEY-----\n');
    uri = `file://${join(ws.root, 'policies/cavra-platform/policy.yaml')}`;
  });
  afterEach(() => ws.remove());
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => figures.save());

  it('local backend: every mutating method is refused (request and command), nothing is written, reads work', async () => {
    const client = await LspClient.start({ workspace: ws.root, initializationOptions: { trusted: false } });
    let refused = 0;
    try {
      const before = snapshot(ws.root);
      for (const method of MUTATING_METHODS) {
        for (const via of ['request', 'command'] as const) {
          const params = paramsFor(method, uri);
          const data = await refusal(
            via === 'request'
              ? client.connection.sendRequest(WorkflowRequests[method] as never, params as never)
              : client.connection.sendRequest(ExecuteCommandRequest.type, {
                  command: `cavra.server.${method}`,
                  arguments: [params],
                }),
          );
          assert.equal(data.status, 403, `${method} via ${via}`);
          assert.equal(
            data.detail,
            `${method} is disabled in Restricted Mode: trust this workspace to publish, sign, record approvals or call a remote CAVRA server.`,
          );
          refused++;
        }
      }
      assert.deepEqual(snapshot(ws.root), before, 'something was written in Restricted Mode');

      // What Restricted Mode keeps: validation, hover, draft preview, plan, lists, evaluate, evidence.
      await client.open(uri, POLICY);
      assert.deepEqual(
        (await client.diagnostics(uri)).filter((d) => d.severity === 1),
        [],
      );
      assert.ok(await client.hover(uri, { line: 5, character: 3 }));
      const c = client.connection;
      assert.equal((await c.sendRequest(WorkflowRequests.draftPreview, { uri })).valid, true);
      assert.equal((await c.sendRequest(WorkflowRequests.publishPlan, { uri })).policy_id, 'cavra-platform');
      assert.equal((await c.sendRequest(WorkflowRequests.listApprovals, {})).total, 0);
      assert.equal(
        (
          await c.sendRequest(WorkflowRequests.evaluate, {
            action_type: 'execute_command',
            target: 'terraform apply -auto-approve',
            policy_pack: 'cavra-platform',
          })
        ).decision,
        'block',
      );
      assert.equal((await c.sendRequest(WorkflowRequests.verifyEvidence, {})).ok, true);
      assert.match(
        (await c.sendRequest(WorkflowRequests.backendInfo, {})).restricted ?? '',
        /^Restricted Mode: publishing, signing, approvals, rollout changes and remote calls are disabled/,
      );
      assert.deepEqual(snapshot(ws.root), before, 'a read wrote something');
    } finally {
      await client.stop();
    }
    figures.add({
      what: 'mutating LSP methods in an untrusted workspace (local backend)',
      count: refused,
      unit: `refusals: ${MUTATING_METHODS.size} methods × (typed request, executeCommand)`,
      outcome:
        '403 naming the method and the reason; 0 files written; validation, hover, draft, plan, lists, evaluate and evidence verify still answer',
    });
  });

  describe('remote backend', () => {
    let server: LocalCavraServer;
    beforeEach(async () => {
      server = await startLocalCavraServer({ packs: [] });
    });
    afterEach(() => server.close());

    it('no request reaches the CAVRA server, reads included, and the token is not used', async () => {
      const client = await LspClient.start({
        workspace: ws.root,
        initializationOptions: { trusted: false },
        settings: { backend: 'remote', remote: { url: server.url } } as never,
      });
      let refused = 0;
      try {
        await client.connection.sendNotification('cavra/credentials', { token: 'tok_untrusted-never-sent-1234' });
        for (const method of Object.keys(WorkflowRequests) as WorkflowMethod[]) {
          if (method === 'backendInfo' || method === 'packState') continue;
          const data = await refusal(
            client.connection.sendRequest(WorkflowRequests[method] as never, paramsFor(method, uri) as never),
          );
          assert.equal(data.status, 403, method);
          assert.match(data.detail, /disabled in Restricted Mode/);
          refused++;
        }
        assert.equal((await client.connection.sendRequest(WorkflowRequests.backendInfo, {})).kind, 'remote');
      } finally {
        await client.stop();
      }
      assert.deepEqual(server.server.hits, [], 'a request reached the server from an untrusted workspace');
      figures.add({
        what: 'every workflow method but backendInfo/packState in an untrusted workspace (remote backend)',
        count: refused,
        unit: 'refusals',
        outcome: '403; 0 requests reached the server',
      });
    });
  });

  it("the signing key named by an untrusted workspace's settings is not read (trusted, it is)", async () => {
    // The workspace points cavra.signing.hmacKeyEnv at a variable holding a secret, and its pack is
    // signed HS256 with another key: only a server that reads the secret can tell.
    const sig = signPolicyBytes(Buffer.from(POLICY), { hmacKey: 'some-other-key-0000', signer: 'x', policyFile: 'policy.yaml' });
    ws.write('policies/cavra-platform/policy.yaml.sig.json', serializeSignature(sig));
    const settings = { signing: { hmacKeyEnv: 'SOME_SECRET' } } as never;
    const env = { SOME_SECRET: 'untrusted-must-not-read-this-7c1d' };
    const state = async (trusted: boolean) => {
      const c = await LspClient.start({ workspace: ws.root, initializationOptions: { trusted }, env, settings });
      try {
        return await c.connection.sendRequest(WorkflowRequests.packState, { uri });
      } finally {
        await c.stop();
      }
    };
    const untrusted = await state(false);
    assert.equal(untrusted?.signature, 'verified', 'untrusted: HS256 checked on its digest only');
    const trusted = await state(true);
    assert.equal(trusted?.signature, 'invalid');
    assert.match(trusted?.signature_message ?? '', /HMAC signature mismatch/);
  });
});
