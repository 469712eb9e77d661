// Verified actors in local mode, over a real stdio connection (the path the editor takes): with an OIDC
// config set in `cavra.auth.oidcConfig`, a guarded mutation without `actor_token` is refused 401 and the
// refusal is explained with its fix; with a locally signed RS256 token it succeeds and the evidence
// records the verified actor; an expired token, a wrong audience and an actor outside the approver group
// each get their explanation; `cavra/actorAuth` says what is needed and `cavra/actorAuth/verify` who acts.
// The OIDC config's shape is CAVRA's documented example (SPEC 3.8, docs/approval-workflows.md):
//   {"issuer": "https://login.example", "audience": "cavra-approvals", "jwks_path": ..., "leeway_seconds": 60}
// Tokens are signed here with a fresh key, their times relative to now, so the test passes on any day.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../unit/actor/fixtures';

const DRAFT = `metadata:
  id: cavra-platform
  title: Platform controls
  description: Production changes need approval.
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

describe('verified actors in local mode over LSP (cavra.auth.oidcConfig)', function () {
  this.timeout(30_000);
  let key: TestKey;
  let ws: TempWorkspace;
  let client: LspClient;
  let uri: string;
  const now = () => Math.floor(Date.now() / 1000);
  const token = (claims: Record<string, unknown> = {}) =>
    sign(key, { email: 'sec-lead@example.com', groups: ['Platform Security'], iat: now(), exp: now() + 3600, ...claims });

  before(async () => {
    key = await makeKey('k-editor');
  });
  beforeEach(async () => {
    ws = tempWorkspace({
      'policies/cavra-platform/policy.yaml': DRAFT,
      '.cavra/keys/jwks.json': JSON.stringify({ keys: [key.publicJwk] }),
      '.cavra/oidc.json': JSON.stringify({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks_path: 'keys/jwks.json',
        leeway_seconds: 60,
      }),
    });
    uri = pathToFileURL(join(ws.root, 'policies/cavra-platform/policy.yaml')).href;
    client = await LspClient.start({ workspace: ws.root, settings: { auth: { oidcConfig: '.cavra/oidc.json' } } as never });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it('cavra/actorAuth says a token is required, from which issuer and for which audience', async () => {
    const auth = await client.connection.sendRequest(WorkflowRequests.actorAuth, {});
    assert.deepEqual(auth, {
      required: true,
      issuer: ISSUER,
      audience: AUDIENCE,
      oidcConfig: join(ws.root, '.cavra/oidc.json'),
      rbacFile: null,
    });
  });

  it('a mutation without a token is refused 401 and explained; with the token it succeeds and the evidence names the verified actor', async () => {
    const c = client.connection;
    const refused = await failure(c.sendRequest(WorkflowRequests.publishRequest, { uri }));
    assert.equal(refused.status, 401);
    assert.equal(refused.detail, 'console action requires verified actor context');
    assert.equal(refused.actor?.reason, 'missing');
    assert.equal(refused.actor?.fix, 'set_actor_token');
    assert.match(refused.actor?.explanation ?? '', /set your actor token from https:\/\/login\.example/);

    const good = await token();
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri, actor_token: good });
    assert.equal(request.approval.requested_by, 'sec-lead@example.com', 'the verified actor requests, not a default');
    const id = request.approval.approval_id;

    const noToken = await failure(c.sendRequest(WorkflowRequests.approve, { approval_id: id, actor: 'someone', reason: 'ok' }));
    assert.deepEqual([noToken.status, noToken.actor?.reason], [401, 'missing']);

    const approved = await c.sendRequest(WorkflowRequests.approve, {
      approval_id: id,
      actor: 'typed-name',
      reason: 'reviewed',
      actor_token: good,
    });
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decided_by, 'sec-lead@example.com', 'the token, not the typed name, says who decided');

    const evidence = await c.sendRequest(WorkflowRequests.listEvidence, {});
    const entry = evidence.items.find((r) => r.event === 'approve' && r.approval_ids?.includes(id));
    assert.ok(entry, `an evidence record of the approval: ${JSON.stringify(evidence.items.map((r) => r.event))}`);
    assert.equal(entry.actor, 'sec-lead@example.com');
    assert.deepEqual(entry.actor_context, {
      actor: 'sec-lead@example.com',
      subject: 'user-1',
      issuer: ISSUER,
      groups: ['Platform Security'],
      repository: null,
    });
  });

  it('an expired token, a wrong audience and an actor outside the group each get their explanation', async () => {
    const c = client.connection;
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri, actor_token: await token() });
    const id = request.approval.approval_id;
    const approve = async (actor_token: string) =>
      failure(c.sendRequest(WorkflowRequests.approve, { approval_id: id, actor: 'x', reason: 'r', actor_token }));

    const expired = await approve(await token({ iat: now() - 7200, exp: now() - 3600 }));
    assert.deepEqual([expired.status, expired.detail, expired.actor?.reason], [401, 'OIDC token is expired', 'expired']);
    assert.match(expired.actor?.explanation ?? '', /has expired: get a fresh token from https:\/\/login\.example/);

    const audience = await approve(await token({ aud: 'another-app' }));
    assert.deepEqual(
      [audience.status, audience.detail, audience.actor?.reason],
      [401, 'OIDC token audience is not trusted', 'wrong_audience'],
    );
    assert.match(audience.actor?.explanation ?? '', /accepts tokens for "cavra-approvals"/);

    const outsider = await approve(await token({ email: 'dev@example.com', groups: ['Developers'] }));
    assert.deepEqual(
      [outsider.status, outsider.detail, outsider.actor?.reason],
      [400, 'actor is not authorized for approval group', 'not_in_group'],
    );
    assert.match(outsider.actor?.explanation ?? '', /not in "Platform Security"/);
    assert.equal(outsider.actor?.fix, 'set_actor_token');
    assert.equal((await c.sendRequest(WorkflowRequests.getApproval, { approval_id: id })).state, 'pending');
  });

  it('rollout apply and break glass carry the token; the rollout evidence names the verified actor', async () => {
    const c = client.connection;
    const change = { repository: 'payments/api', policy_pack: 'cavra-platform', mode: 'strict', state: 'active' };
    assert.equal((await failure(c.sendRequest(WorkflowRequests.rolloutApply, change))).actor?.reason, 'missing');
    const applied = await c.sendRequest(WorkflowRequests.rolloutApply, { ...change, actor_token: await token() });
    assert.equal(applied.actor?.actor, 'sec-lead@example.com');
    const evidence = await c.sendRequest(WorkflowRequests.listEvidence, {});
    const entry = evidence.items.find((r) => r.event === 'rollout_apply');
    assert.ok(entry, `a rollout evidence record: ${JSON.stringify(evidence.items.map((r) => r.event))}`);
    assert.equal(entry.actor, 'sec-lead@example.com');
    assert.equal(entry.actor_context?.issuer, ISSUER);

    const decision = {
      decision_id: 'dec_000000000001',
      action_type: 'execute_command',
      target: 'terraform apply prod',
      decision: 'block',
      rule_id: 'commands.block',
      severity: 'high',
    };
    const bg = { decision, actor: 'oncall', reason: 'prod outage' };
    const notCab = await failure(c.sendRequest(WorkflowRequests.breakGlass, { ...bg, actor_token: await token() }));
    assert.deepEqual([notCab.status, notCab.actor?.reason], [403, 'not_break_glass']);
    const cab = await c.sendRequest(WorkflowRequests.breakGlass, {
      ...bg,
      actor_token: await token({ email: 'cab@example.com', groups: ['Change Advisory Board'] }),
    });
    assert.deepEqual([cab.state, cab.decided_by], ['break_glass', 'cab@example.com']);
  });

  it('cavra/actorAuth/verify answers who the token says acts, and refuses a token that does not verify', async () => {
    const c = client.connection;
    const exp = now() + 1800;
    const who = await c.sendRequest(WorkflowRequests.verifyActor, {
      actor_token: await token({ exp, groups: ['IAM', 'Platform Security'], repository: 'payments/api' }),
    });
    assert.deepEqual(who, {
      actor: 'sec-lead@example.com',
      subject: 'user-1',
      issuer: ISSUER,
      groups: ['IAM', 'Platform Security'],
      repository: 'payments/api',
      expires_at: new Date(exp * 1000).toISOString(),
    });
    const bad = await failure(c.sendRequest(WorkflowRequests.verifyActor, { actor_token: await token({ aud: 'x' }) }));
    assert.deepEqual([bad.status, bad.detail], [401, 'OIDC token audience is not trusted']);
    const empty = await failure(c.sendRequest(WorkflowRequests.verifyActor, { actor_token: ' ' }));
    assert.equal(empty.status, 400);
  });

  it('an RBAC file without an OIDC config: required, no issuer, and the refusal says to set the OIDC config', async () => {
    ws.write('.cavra/rbac.yaml', 'approval_rbac:\n  group_mappings:\n    github-team:sec: Platform Security\n');
    await client.stop();
    client = await LspClient.start({ workspace: ws.root, settings: { auth: { rbacFile: '.cavra/rbac.yaml' } } as never });
    const auth = await client.connection.sendRequest(WorkflowRequests.actorAuth, {});
    assert.deepEqual(
      [auth.required, auth.issuer, auth.audience, auth.rbacFile],
      [true, null, null, join(ws.root, '.cavra/rbac.yaml')],
    );
    const refused = await failure(client.connection.sendRequest(WorkflowRequests.publishRequest, { uri }));
    assert.deepEqual([refused.status, refused.actor?.reason, refused.actor?.fix], [401, 'no_oidc_config', 'configure_oidc']);
    assert.match(refused.actor?.explanation ?? '', /set cavra\.auth\.oidcConfig/);
    const withToken = await failure(
      client.connection.sendRequest(WorkflowRequests.publishRequest, { uri, actor_token: await token() }),
    );
    assert.deepEqual(
      [withToken.status, withToken.detail, withToken.actor?.reason],
      [400, 'approval OIDC config is not configured', 'no_oidc_config'],
    );
  });

  it('without an OIDC config or RBAC file nothing is required and mutations need no token', async () => {
    await client.stop();
    client = await LspClient.start({ workspace: ws.root });
    const auth = await client.connection.sendRequest(WorkflowRequests.actorAuth, {});
    assert.equal(auth.required, false);
    const request = await client.connection.sendRequest(WorkflowRequests.publishRequest, { uri });
    assert.equal(request.approval.state, 'pending');
  });
});
