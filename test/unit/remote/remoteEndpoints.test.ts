import assert from 'node:assert/strict';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { PyFloat } from '../../../server/src/policy/pythonValues';
import { TOKEN, recordingEngine, startHarness, type Harness } from './remoteFixtures';

const DRAFT = {
  id: 'cavra-platform-baseline',
  title: 'Platform Baseline',
  description: 'Platform engineering controls.',
  version: '2026.05',
  commands: { block: ['terraform apply -auto-approve'] },
};

describe('remote backend: every CAVRA endpoint on the wire', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(recordingEngine());
  });
  after(() => h.server.close());
  beforeEach(() => {
    h.server.hits.length = 0;
    h.calls.length = 0;
  });

  const lastHit = () => h.server.hits[h.server.hits.length - 1];
  const wireBody = () => JSON.parse(lastHit().body);

  it('describe() says a remote backend answers, and where', () => {
    assert.deepEqual(h.backend.describe(), { kind: 'remote', url: h.server.url });
    assert.deepEqual(new RemoteBackend({ url: 'https://cavra.example.com/api/' }).describe(), {
      kind: 'remote',
      url: 'https://cavra.example.com/api',
    });
  });

  it('GET /policy-pack-catalog returns the server body unchanged', async () => {
    const result = await h.backend.catalog();
    assert.deepEqual(result, { answered_by: 'catalog' });
    assert.equal(lastHit().method, 'GET');
    assert.equal(lastHit().path, '/policy-pack-catalog');
    assert.equal(lastHit().body, '');
  });

  it('every call carries Authorization: Bearer <token>, JSON accept and no actor_claims', async () => {
    await h.backend.catalog();
    await h.backend.publishRequest({
      draft: DRAFT,
      actor_claims: { email: 'mallory@example.com', groups: ['Platform Security'] },
    });
    for (const hit of h.server.hits) {
      assert.equal(hit.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(hit.headers.accept, 'application/json');
      assert.ok(!hit.body.includes('actor_claims'));
      assert.ok(!hit.body.includes('mallory'));
    }
    assert.equal(h.server.hits[1].headers['content-type'], 'application/json');
  });

  it('POST /policy-packs/draft sends the draft payload itself as the body', async () => {
    await h.backend.draft({ draft: DRAFT });
    assert.equal(lastHit().path, '/policy-packs/draft');
    assert.deepEqual(wireBody(), DRAFT);
    assert.deepEqual(h.calls[0], { method: 'draft', args: [{ draft: DRAFT }] });
  });

  it('draft_yaml is read as CAVRA reads YAML and sent as JSON; a YAML float stays a float (1.0)', async () => {
    const yaml =
      'metadata:\n  id: cavra-x\n  title: X\n  description: D\n  version: 1.0\nfilesystem:\n  block_read: [".env"]\n  enabled: yes\n';
    await h.backend.draft({ draft_yaml: yaml, draft_file: 'policies/cavra-x/policy.yaml' });
    assert.equal(
      lastHit().body,
      '{"metadata":{"id":"cavra-x","title":"X","description":"D","version":1.0},"filesystem":{"block_read":[".env"],"enabled":true}}',
    );
    const engineDraft = (h.calls[0].args[0] as { draft: { metadata: { version: unknown } } }).draft;
    assert.ok(engineDraft.metadata.version instanceof PyFloat, 'the server reads 1.0 back as a float');
  });

  it('a draft_yaml that does not load fails before anything is sent, naming the file', async () => {
    await assert.rejects(
      h.backend.draft({ draft_yaml: 'metadata: [unclosed\n', draft_file: 'p.yaml' }),
      (e: Error & { status: number; kind: string }) => {
        assert.equal(e.status, 400);
        assert.equal(e.kind, 'input');
        assert.match(e.message, /^p\.yaml: invalid YAML/);
        assert.match(e.message, /nothing was sent/);
        return true;
      },
    );
    assert.equal(h.server.hits.length, 0);
  });

  it('POST /policy-packs/publish-plan sends {"draft": …}', async () => {
    await h.backend.publishPlan({ draft: DRAFT });
    assert.equal(lastHit().path, '/policy-packs/publish-plan');
    assert.deepEqual(wireBody(), { draft: DRAFT });
    assert.deepEqual(h.calls[0].args[0], { draft: DRAFT });
  });

  it('POST /policy-packs/publish-request sends draft, requested_by, approver_group, repository, ttl_hours', async () => {
    await h.backend.publishRequest({
      draft: DRAFT,
      requested_by: 'ana',
      approver_group: 'IAM',
      repository: 'payments/api',
      ttl_hours: 4,
    });
    assert.deepEqual(wireBody(), {
      draft: DRAFT,
      requested_by: 'ana',
      approver_group: 'IAM',
      repository: 'payments/api',
      ttl_hours: 4,
    });
    assert.deepEqual(h.calls[0].args[0], {
      requested_by: 'ana',
      approver_group: 'IAM',
      repository: 'payments/api',
      ttl_hours: 4,
      draft: DRAFT,
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it('POST /policy-packs/publish sends {"draft", "approval_id", signer?, actor?} and never the local signing keys', async () => {
    await h.backend.publish({
      draft: DRAFT,
      approval_id: 'apr_0123456789ab',
      signer: 'release-bot',
      signing: { hmac_key: 'local-hmac-key-never-sent' },
    });
    assert.deepEqual(wireBody(), { draft: DRAFT, approval_id: 'apr_0123456789ab', signer: 'release-bot' });
    assert.ok(!lastHit().body.includes('local-hmac-key-never-sent'));
  });

  it('the test server signs a publish the way the CAVRA server is configured ($CAVRA_POLICY_SIGNING_KEY)', async () => {
    const signed = await startHarness(recordingEngine(), { signingKey: 'server-key' });
    try {
      await signed.backend.publish({ draft: DRAFT, approval_id: 'apr_1' });
      assert.deepEqual((signed.calls[0].args[0] as { signing: unknown }).signing, { hmac_key: 'server-key' });
    } finally {
      await signed.server.close();
    }
    await h.backend.publish({ draft: DRAFT, approval_id: 'apr_1' });
    assert.deepEqual((h.calls[0].args[0] as { signing: unknown }).signing, {});
  });

  it('GET /approvals with state, approver_group, limit, offset as query', async () => {
    await h.backend.listApprovals({ state: 'pending', approver_group: 'Platform Security', limit: 5, offset: 10 });
    assert.equal(lastHit().path, '/approvals');
    assert.equal(lastHit().query, '?state=pending&approver_group=Platform+Security&limit=5&offset=10');
    assert.deepEqual(h.calls[0].args[0], { state: 'pending', approver_group: 'Platform Security', limit: 5, offset: 10 });
    await h.backend.listApprovals();
    assert.equal(lastHit().query, '');
  });

  it('GET /approvals/{id} encodes the id as one path segment', async () => {
    await h.backend.getApproval('apr_0123456789ab');
    assert.equal(lastHit().path, '/approvals/apr_0123456789ab');
    await assert.rejects(h.backend.getApproval('a/b c'), { status: 404, detail: 'Not Found' });
    assert.equal(lastHit().query, '');
    assert.equal(lastHit().path, '/approvals/a/b c', 'sent as /approvals/a%2Fb%20c: one segment, decoded by the server');
  });

  it('POST /approvals sends the {"decision": …} wrapper with options', async () => {
    const decision = { decision_id: 'dec_0123456789ab', rule_id: 'commands.block', approver_group: 'Platform Security' };
    await h.backend.createApproval({ decision, approver_group: 'IAM', requested_by: 'ai-agent', ttl_hours: 2 });
    assert.deepEqual(wireBody(), { decision, approver_group: 'IAM', requested_by: 'ai-agent', ttl_hours: 2 });
    assert.deepEqual(h.calls[0].args[0], { decision, approver_group: 'IAM', requested_by: 'ai-agent', ttl_hours: 2 });
  });

  for (const action of ['approve', 'deny'] as const) {
    it(`POST /approvals/{id}/${action} sends {actor, reason, external_ref}`, async () => {
      await h.backend[action]('apr_1', { actor: 'ana', reason: 'ok', external_ref: 'CHG-1', actor_claims: { groups: ['x'] } });
      assert.equal(lastHit().path, `/approvals/apr_1/${action}`);
      assert.deepEqual(wireBody(), { actor: 'ana', reason: 'ok', external_ref: 'CHG-1' });
      assert.deepEqual(h.calls[0], {
        method: action,
        args: ['apr_1', { actor: 'ana', reason: 'ok', external_ref: 'CHG-1', authorization: `Bearer ${TOKEN}` }],
      });
    });
  }

  it('POST /approvals/{id}/expire sends {} when no request is given (CAVRA fills actor "system")', async () => {
    await h.backend.expire('apr_1');
    assert.equal(lastHit().path, '/approvals/apr_1/expire');
    assert.equal(lastHit().body, '{}');
  });

  it('POST /approvals/{id}/attach-decision sends the decision object', async () => {
    const decision = { decision_id: 'dec_1', evidence_refs: ['evidence://s/dec_1'] };
    await h.backend.attachDecision('apr_1', decision);
    assert.equal(lastHit().path, '/approvals/apr_1/attach-decision');
    assert.deepEqual(wireBody(), decision);
    assert.deepEqual(h.calls[0].args, ['apr_1', decision]);
  });

  it('POST /approvals/break-glass sends decision, actor, reason, approver_group, external_ref, ttl_hours', async () => {
    const request = {
      decision: { decision_id: 'dec_1' },
      actor: 'oncall',
      reason: 'incident',
      approver_group: 'Change Advisory Board',
      external_ref: 'INC-777',
      ttl_hours: 4,
    };
    await h.backend.breakGlass(request);
    assert.equal(lastHit().path, '/approvals/break-glass');
    assert.deepEqual(wireBody(), request);
  });

  it('POST /policy-rollouts/change-plan and /apply-change send the fields as given (top level or under changes)', async () => {
    const fields = {
      rollout_id: 'payments-platform',
      repository: 'payments/api',
      policy_pack: 'cavra-platform-baseline',
      mode: 'strict',
      state: 'active',
      coverage_percent: 95,
    };
    await h.backend.rolloutChangePlan(fields);
    assert.equal(lastHit().path, '/policy-rollouts/change-plan');
    assert.deepEqual(wireBody(), fields);
    await h.backend.rolloutApplyChange({ rollout_id: 'payments-platform', changes: { mode: 'enforce' } });
    assert.equal(lastHit().path, '/policy-rollouts/apply-change');
    assert.deepEqual(wireBody(), { rollout_id: 'payments-platform', changes: { mode: 'enforce' } });
    assert.deepEqual(h.calls[1].args[0], {
      rollout_id: 'payments-platform',
      changes: { mode: 'enforce' },
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it('GET /policy-rollouts with filters, GET /policy-rollouts/{id} keeps slashes of the id', async () => {
    await h.backend.listRollouts({ repository: 'payments/api', state: 'active' });
    assert.equal(lastHit().query, '?repository=payments%2Fapi&state=active');
    assert.deepEqual(h.calls[0].args[0], {
      repository: 'payments/api',
      policy_pack: undefined,
      state: 'active',
      mode: undefined,
      owner: undefined,
    });
    await h.backend.getRollout('payments/api:cavra-platform-baseline');
    assert.equal(lastHit().path, '/policy-rollouts/payments/api:cavra-platform-baseline');
    assert.deepEqual(h.calls[1].args, ['payments/api:cavra-platform-baseline']);
  });

  it('POST /decisions sends the evaluation request', async () => {
    await h.backend.evaluate({
      action_type: 'execute_command',
      target: 'terraform apply -auto-approve',
      policy_pack: 'cavra-ai-agent-baseline',
    });
    assert.equal(lastHit().path, '/decisions');
    assert.deepEqual(wireBody(), {
      action_type: 'execute_command',
      target: 'terraform apply -auto-approve',
      policy_pack: 'cavra-ai-agent-baseline',
    });
  });

  it('GET /console/session and /console/config tell who the caller is and what the server has', async () => {
    const session = await h.backend.session();
    assert.equal(session.schema_version, 'cavra.console.session.v1');
    const config = await h.backend.consoleConfig();
    assert.equal((config.endpoints as { policy_pack_publish: string }).policy_pack_publish, '/policy-packs/publish');
    const caps = await h.backend.capabilities();
    assert.equal(caps.authRequired, false);
    assert.ok(caps.endpoints?.includes('policy_rollout_apply_change'));
    assert.equal(caps.canPublish, true);
  });

  it('a URL with a path prefix keeps it; a token function is asked before every call', async () => {
    let asked = 0;
    const prefixed = h.client({ url: `${h.server.url}/cavra/`, token: async () => `fresh-${++asked}` });
    await prefixed.listApprovals().catch(() => undefined);
    assert.equal(lastHit().path, '/cavra/approvals');
    assert.equal(lastHit().headers.authorization, 'Bearer fresh-1');
    await h.client({ token: () => 'fresh-2' }).catalog();
    assert.equal(lastHit().headers.authorization, 'Bearer fresh-2');
  });

  it('no token: no Authorization header at all', async () => {
    await h.client({ token: undefined }).catalog();
    assert.equal(lastHit().headers.authorization, undefined);
    await h.client({ token: '  ' }).catalog();
    assert.equal(lastHit().headers.authorization, undefined);
  });
});
