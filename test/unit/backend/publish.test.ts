// Signed publish: CAVRA's checks in CAVRA's order, the two stricter ones (expiry, the approval's
// decision must be this draft's), what is written (author's text or CAVRA's safe_dump form) and
// how it is signed. A refused publish writes nothing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError } from '../../../server/src/backend/backend';
import { isSafePackId } from '../../../server/src/backend/local';
import { generateKeyPair, verifyPolicySignature } from '../../../server/src/signing';
import { RECORDED_DRAFT, workspace, writePack, type Workspace } from './backendFixtures';

async function rejects(promise: Promise<unknown>, status: number, detail: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BackendError, `expected a BackendError, got ${String(error)}`);
    assert.equal(error.status, status);
    if (typeof detail === 'string') assert.equal(error.detail, detail);
    else assert.match(error.detail, detail);
    return true;
  });
}

const DRAFT_B = { ...RECORDED_DRAFT, commands: { block: ['terraform apply -auto-approve', 'kubectl delete*'] } };

describe('local backend: signed publish', () => {
  let ws: Workspace;
  const packDir = () => join(ws.root, 'policies', 'cavra-platform-baseline');
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  async function approved(draft: { [key: string]: unknown } = RECORDED_DRAFT): Promise<string> {
    const { approval } = await ws.backend.publishRequest({ draft });
    await ws.backend.approve(approval.approval_id, { actor: 'reviewer', reason: 'looks right' });
    return approval.approval_id;
  }

  it('binds the approval to the digest: approve draft A, publish draft B is refused and nothing is written', async () => {
    const id = await approved(RECORDED_DRAFT);
    await rejects(ws.backend.publish({ draft: DRAFT_B, approval_id: id }), 400, 'approval does not match policy draft digest');
    assert.equal(existsSync(packDir()), false);
    // and the approved draft itself still publishes
    await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: id });
    assert.ok(existsSync(join(packDir(), 'policy.yaml')));
  });

  it('refuses a mutated draft over an existing pair and leaves that pair byte-identical', async () => {
    const id = await approved();
    await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: id });
    const before = [readFileSync(join(packDir(), 'policy.yaml')), readFileSync(join(packDir(), 'policy.yaml.sig.json'))];
    await rejects(ws.backend.publish({ draft: DRAFT_B, approval_id: id }), 400, 'approval does not match policy draft digest');
    assert.deepEqual(
      [readFileSync(join(packDir(), 'policy.yaml')), readFileSync(join(packDir(), 'policy.yaml.sig.json'))],
      before,
    );
    assert.deepEqual(readdirSync(packDir()).sort(), ['policy.yaml', 'policy.yaml.sig.json']);
  });

  it("checks in CAVRA's order with CAVRA's messages", async () => {
    await rejects(ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: '' }), 400, 'approval_id is required');
    await rejects(ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: 'apr_000000000000' }), 404, 'approval not found');
    const { approval } = await ws.backend.publishRequest({ draft: RECORDED_DRAFT });
    const pending = approval.approval_id;
    await rejects(
      ws.backend.publish({ draft: { title: 'x' }, approval_id: pending }),
      400,
      'policy draft requires id, title, and description',
    );
    await rejects(
      ws.backend.publish({ draft: { ...RECORDED_DRAFT, id: 'platform' }, approval_id: pending }),
      400,
      'policy draft must be valid before publishing',
    );
    await rejects(
      ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: pending }),
      400,
      'policy publish approval must be approved before write-back',
    );
    const runtime = await ws.backend.createApproval({
      decision: { decision_id: 'dec_1', rule_id: 'commands.block', target: 'terraform apply', approver_group: 'Ops' },
    });
    await ws.backend.approve(runtime.approval_id, { actor: 'a', reason: 'r' });
    await rejects(
      ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: runtime.approval_id }),
      400,
      'approval is not for policy publish',
    );
    assert.equal(existsSync(packDir()), false);
  });

  it('refuses an approval that was expired (state) and one past its expires_at', async () => {
    const { approval } = await ws.backend.publishRequest({ draft: RECORDED_DRAFT });
    await ws.backend.expire(approval.approval_id);
    await rejects(
      ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: approval.approval_id }),
      400,
      'policy publish approval must be approved before write-back',
    );

    const id = await approved();
    ws.clock.advanceHours(25); // the request's TTL is 24 h
    await rejects(
      ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: id }),
      400,
      /^policy publish approval expired at \d{4}-\d{2}-\d{2}T.*\+00:00: request a new approval for this draft$/,
    );
    assert.equal(existsSync(packDir()), false);
  });

  it('refuses an approval whose decision id was edited to point at another draft', async () => {
    const id = await approved();
    const storeFile = join(ws.root, '.cavra', 'approvals.json');
    const store = JSON.parse(readFileSync(storeFile, 'utf8'));
    store.items[0].decision.decision_id = 'policy_publish:cavra-platform-baseline:000000000000';
    writeFileSync(storeFile, JSON.stringify(store, null, 2));
    await rejects(
      ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: id }),
      400,
      'approval does not match policy draft digest',
    );
  });

  it('refuses ids that could leave the policy root', () => {
    for (const id of ['', '.', '..', '../evil', 'a/b', 'a\\b', 'c:evil', ' cavra-x', 'x\0y'])
      assert.equal(isSafePackId(id), false, id);
    assert.equal(isSafePackId('cavra-platform-baseline'), true);
  });

  it('publishes a break-glass approval for the draft', async () => {
    const { approval } = await ws.backend.publishRequest({ draft: RECORDED_DRAFT });
    const bg = await ws.backend.breakGlass({
      decision: approval.decision,
      actor: 'oncall',
      reason: 'INC-777 hotfix',
      external_ref: 'INC-777',
    });
    const result = await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: bg.approval_id });
    assert.equal(result.approval.state, 'break_glass');
    assert.equal(result.approval.break_glass, true);
  });

  it('signs with Ed25519 when a private key is given: the pair verifies with the public key', async () => {
    const { privateKeyPem: privatePem, publicKeyPem: publicPem } = generateKeyPair();
    const id = await approved();
    const result = await ws.backend.publish({
      draft: RECORDED_DRAFT,
      approval_id: id,
      signer: 'release-bot',
      signing: { private_key_pem: privatePem, key_id: 'release-2026' },
    });
    assert.equal(result.signature_message, 'verified Ed25519 signature');
    const sig = JSON.parse(readFileSync(result.signature_path, 'utf8'));
    assert.deepEqual(Object.keys(sig), [
      'schema_version',
      'algorithm',
      'digest',
      'signature',
      'signed_at',
      'signer',
      'key_id',
      'public_key_sha256',
      'policy_file',
    ]);
    assert.equal(sig.key_id, 'release-2026');
    assert.equal(sig.signer, 'release-bot');
    const verdict = verifyPolicySignature(readFileSync(result.policy_path), readFileSync(result.signature_path, 'utf8'), {
      publicKeyPems: [publicPem],
    });
    assert.equal(verdict.ok, true);
  });

  it('signs HS256 with an HMAC key (request key, else CAVRA_POLICY_SIGNING_KEY option)', async () => {
    const withKey = ws.make({ signingKey: 'workspace-secret' });
    const { approval } = await withKey.publishRequest({ draft: RECORDED_DRAFT });
    await withKey.approve(approval.approval_id, { actor: 'a', reason: 'r' });
    const result = await withKey.publish({ draft: RECORDED_DRAFT, approval_id: approval.approval_id });
    assert.equal(result.signature_message, 'verified HS256 signature');
    const bytes = readFileSync(result.policy_path);
    const text = readFileSync(result.signature_path, 'utf8');
    assert.equal(verifyPolicySignature(bytes, text, { hmacKey: 'workspace-secret' }).ok, true);
    assert.equal(verifyPolicySignature(bytes, text, { hmacKey: 'other' }).ok, false);
  });

  it("keeps the author's text (comments, order) when the draft file loads to exactly the approved policy", async () => {
    const text = [
      '# Platform baseline: reviewed by the platform team',
      'metadata:',
      '  id: cavra-platform-baseline',
      '  title: Platform Baseline',
      '  description: Platform engineering controls.',
      "  version: '2026.05'   # quoted: YAML 1.1 would read 2026.05 as a number",
      'commands:',
      '  block:',
      '    - terraform apply -auto-approve',
      '',
    ].join('\n');
    const plan = await ws.backend.publishPlan({ draft_yaml: text });
    const preq = await ws.backend.publishRequest({ draft_yaml: text });
    assert.equal(preq.plan.policy_digest, plan.policy_digest);
    await ws.backend.approve(preq.approval.approval_id, { actor: 'a', reason: 'r' });
    const result = await ws.backend.publish({ draft_yaml: text, approval_id: preq.approval.approval_id });
    assert.equal(readFileSync(result.policy_path, 'utf8'), text);
    assert.equal(result.operator_notes.length, 2);
    // the same approval also publishes the same policy given as JSON (CAVRA's form)
    const json = await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: preq.approval.approval_id });
    assert.match(readFileSync(json.policy_path, 'utf8'), /^commands:\n {2}block:\n {2}- terraform apply -auto-approve\n/);
  });

  it("writes CAVRA's normalized form (and says so) when the draft file holds keys CAVRA drops", async () => {
    const text = [
      'metadata:',
      '  id: cavra-platform-baseline',
      '  title: Platform Baseline',
      '  description: Platform engineering controls.',
      "  version: '2026.05'",
      "  owner: platform-team      # not kept by CAVRA's draft",
      'commands:',
      '  block: [terraform apply -auto-approve]',
      '',
    ].join('\n');
    const preq = await ws.backend.publishRequest({ draft_yaml: text });
    assert.equal(preq.plan.policy_digest, 'sha256:ffd4dd7d79d86d297af948537f2a0fea8d97488a7c00175d6c7928969b5b05ea');
    await ws.backend.approve(preq.approval.approval_id, { actor: 'a', reason: 'r' });
    const result = await ws.backend.publish({ draft_yaml: text, approval_id: preq.approval.approval_id });
    assert.doesNotMatch(readFileSync(result.policy_path, 'utf8'), /owner/);
    assert.equal(result.operator_notes.length, 3);
    assert.match(result.operator_notes[2], /comments and key order were not kept/);
  });

  it("plans an update against the published pack: diff paths and CAVRA's risk", async () => {
    const id = await approved();
    await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: id });
    const same = await ws.backend.publishPlan({ draft: RECORDED_DRAFT });
    assert.deepEqual([same.operation, same.risk, same.diff], ['update', 'low', { added: [], removed: [], changed: [] }]);
    const more = await ws.backend.publishPlan({ draft: DRAFT_B });
    assert.deepEqual([more.risk, more.diff], ['medium', { added: [], removed: [], changed: ['commands.block'] }]);
    const git = await ws.backend.publishPlan({ draft: { ...RECORDED_DRAFT, git: { require_pull_request: true } } });
    assert.deepEqual([git.risk, git.diff.added], ['high', ['git.require_pull_request']]);
    assert.equal(git.operator_notes[2], 'Security or platform approval is required before write-back.');
    const fewer = await ws.backend.publishPlan({ draft: { ...RECORDED_DRAFT, commands: {} } });
    assert.deepEqual([fewer.risk, fewer.diff.removed], ['critical', ['commands.block']]);
  });

  it('a publish request for an invalid draft is refused; the plan says why', async () => {
    const bad = { ...RECORDED_DRAFT, id: 'platform' };
    const plan = await ws.backend.publishPlan({ draft: bad });
    assert.equal(plan.valid, false);
    assert.deepEqual(plan.errors, ["metadata.id: 'platform' does not match '^cavra-[a-z0-9-]+$'"]);
    assert.equal(plan.operator_notes[0], 'Fix schema validation errors before requesting approval.');
    await rejects(ws.backend.publishRequest({ draft: bad }), 400, 'policy publish request requires a valid draft');
    assert.equal(existsSync(join(ws.root, '.cavra', 'approvals.json')), false);
  });

  it('reads the published pack when planning, even with other packs around', async () => {
    writePack(ws.root, 'cavra-other', 'metadata: {id: cavra-other, title: O, description: D, version: "1"}\n');
    const plan = await ws.backend.publishPlan({ draft: RECORDED_DRAFT });
    assert.equal(plan.operation, 'create');
  });
});
