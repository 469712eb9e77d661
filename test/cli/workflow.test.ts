// catalog → draft → plan → request → approve → publish through the CLI process, with CAVRA's checks:
// the digest binding, pending approvals, expired approvals, and nothing written on refusal.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { DRAFT_A, PACK_ID, cavraWorkspace, requestAndApprove, snapshot } from './cavraWorkspace';

const published = (ws: TempWorkspace) => join(ws.root, 'policies', PACK_ID);

describe('cavra-policy authoring flow (local backend)', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
  });
  afterEach(() => ws.remove());

  it("catalog lists the packs under the policy root in CAVRA's shape, and as a table", () => {
    const c = cliJson<{
      schema_version: string;
      product: string;
      total: number;
      items: { id: string; summary: { rule_counts: Record<string, number> } }[];
    }>(ws.root, ['catalog']);
    assert.equal(c.schema_version, 'cavra.policy_pack.catalog.v1');
    assert.equal(c.product, 'CAVRA');
    assert.equal(c.total, 1);
    assert.equal(c.items[0].id, 'cavra-ai-agent-baseline');
    const human = cli(ws.root, ['catalog']);
    assert.equal(human.status, 0);
    assert.match(human.stdout, /^ID\s+VERSION\s+RULES\s+INHERITS\s+TITLE\ncavra-ai-agent-baseline\s+0\.1\.0\s+\d+/);
    assert.match(human.stdout, /\n1 pack\n$/);
  });

  it('draft previews the normalized pack and writes nothing', () => {
    const before = snapshot(ws.root);
    const d = cliJson<{
      schema_version: string;
      valid: boolean;
      errors: string[];
      policy_pack: { metadata: Record<string, string> };
      summary: { rule_counts: { commands: number } };
    }>(ws.root, ['draft', 'drafts/a.yaml']);
    assert.equal(d.schema_version, 'cavra.policy_pack.draft.v1');
    assert.equal(d.valid, true);
    assert.deepEqual(d.errors, []);
    assert.deepEqual(d.policy_pack.metadata, {
      id: PACK_ID,
      title: 'Platform Baseline',
      description: 'Platform engineering controls.',
      version: '2026.05',
      inherits: 'cavra-ai-agent-baseline',
    });
    assert.equal(d.summary.rule_counts.commands, 1);
    assert.deepEqual(snapshot(ws.root), before);
  });

  it("draft of an invalid pack exits 1 listing the schema errors; a draft without description is CAVRA's 400", () => {
    ws.write('drafts/bad.yaml', DRAFT_A.replace('  block:\n    - terraform apply -auto-approve\n', '  block: 5\n'));
    const bad = cli(ws.root, ['draft', 'drafts/bad.yaml']);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /valid\s+no/);
    assert.match(bad.stdout, /Schema errors:\n {2}- .*block/);
    ws.write('drafts/nodesc.yaml', DRAFT_A.replace('  description: Platform engineering controls.\n', ''));
    const nodesc = cli(ws.root, ['draft', 'drafts/nodesc.yaml']);
    assert.equal(nodesc.status, 1);
    assert.equal(nodesc.stderr, 'cavra-policy: policy draft requires id, title, and description\n');
  });

  it('plan: create with high risk and the same digest as `digest`; after publishing, an update with its diff', () => {
    const plan = cliJson<{
      schema_version: string;
      operation: string;
      risk: string;
      policy_digest: string;
      target_path: string;
      approval_required: boolean;
    }>(ws.root, ['plan', 'drafts/a.yaml']);
    assert.equal(plan.schema_version, 'cavra.policy_pack.publish_plan.v1');
    assert.equal(plan.operation, 'create');
    assert.equal(plan.risk, 'high');
    assert.equal(plan.approval_required, true);
    assert.equal(plan.target_path, `policies/${PACK_ID}/policy.yaml`);
    assert.equal(plan.policy_digest, cli(ws.root, ['digest', 'drafts/a.yaml']).stdout.trim());

    const human = cli(ws.root, ['plan', 'drafts/a.yaml']);
    assert.match(
      human.stdout,
      new RegExp(`^operation +create ${PACK_ID}\nrisk +high\napproval +required\ndigest +${plan.policy_digest}\n`),
    );
    assert.match(human.stdout, /Diff: new pack/);

    const id = requestAndApprove(ws, 'drafts/a.yaml');
    assert.equal(cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', id]).status, 0);
    const update = cli(ws.root, ['plan', 'drafts/b.yaml']);
    assert.equal(update.status, 0, update.stderr);
    assert.match(update.stdout, new RegExp(`operation +update ${PACK_ID}`));
    assert.match(update.stdout, /risk +medium/);
    assert.match(update.stdout, /Diff:\n {2}~ commands\.block\n/);
  });

  it('request: a pending approval bound to the draft digest (policy_publish:<id>:<12 hex>)', () => {
    const digest = cli(ws.root, ['digest', 'drafts/a.yaml']).stdout.trim();
    const r = cliJson<{
      schema_version: string;
      approval: {
        state: string;
        decision_id: string;
        approver_group: string;
        requested_by: string;
        decision: { action_type: string; policy_digest: string };
      };
    }>(ws.root, ['request', 'drafts/a.yaml', '--requested-by', 'bob', '--approver-group', 'Cloud Security', '--ttl-hours', '2']);
    assert.equal(r.schema_version, 'cavra.policy_pack.publish_request.v1');
    assert.equal(r.approval.state, 'pending');
    assert.equal(r.approval.decision_id, `policy_publish:${PACK_ID}:${digest.slice('sha256:'.length, 'sha256:'.length + 12)}`);
    assert.equal(r.approval.decision.action_type, 'policy_publish');
    assert.equal(r.approval.decision.policy_digest, digest);
    assert.equal(r.approval.approver_group, 'Cloud Security');
    assert.equal(r.approval.requested_by, 'bob');
    const human = cli(ws.root, ['request', 'drafts/a.yaml']);
    assert.match(human.stdout, /^Requested approval apr_[0-9a-f]{12} to create cavra-platform-baseline\n/);
    assert.match(human.stdout, /Next: cavra-policy approval approve apr_[0-9a-f]{12} --actor NAME --reason TEXT/);
  });

  it('digest binding: approve draft A, publish draft B → exit 1 "approval does not match policy draft digest", nothing written', () => {
    const id = requestAndApprove(ws, 'drafts/a.yaml');
    const before = snapshot(ws.root);
    const r = cli(ws.root, ['publish', 'drafts/b.yaml', '--approval', id]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'cavra-policy: approval does not match policy draft digest\n');
    assert.ok(!existsSync(published(ws)));
    const after = snapshot(ws.root);
    // Only the lock files of the stores may come and go; no policy, signature or store content changed.
    assert.deepEqual(
      Object.keys(after).filter((f) => !f.endsWith('.lock')),
      Object.keys(before).filter((f) => !f.endsWith('.lock')),
    );
    for (const f of Object.keys(before)) assert.equal(after[f], before[f], `${f} changed`);
  });

  it("publish while the approval is pending: exit 1 with CAVRA's message, nothing written", () => {
    const id = cliJson<{ approval: { approval_id: string } }>(ws.root, ['request', 'drafts/a.yaml']).approval.approval_id;
    const r = cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', id]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /policy publish approval must be approved before write-back/);
    assert.ok(!existsSync(published(ws)));
  });

  it('publish with an approval past its expires_at is refused', () => {
    const id = requestAndApprove(ws, 'drafts/a.yaml');
    const storePath = join(ws.root, '.cavra', 'approvals.json');
    const store = JSON.parse(readFileSync(storePath, 'utf8'));
    store.items.find((a: { approval_id: string }) => a.approval_id === id).expires_at = '2020-01-01T00:00:00+00:00';
    writeFileSync(storePath, `${JSON.stringify(store, null, 2)}\n`);
    const r = cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', id]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /policy publish approval expired at 2020-01-01T00:00:00\+00:00/);
    assert.ok(!existsSync(published(ws)));
  });

  it("publish an approved draft with Ed25519: the author's bytes and a signature that verifies", () => {
    const key = cliJson<{ private_key_path: string }>(ws.root, ['keygen', '--output', 'keys', '--key-id', 'release']);
    const id = requestAndApprove(ws, 'drafts/a.yaml');
    const r = cliJson<{
      schema_version: string;
      status: string;
      policy_id: string;
      signature_verified: boolean;
      signature_message: string;
      approval: { approval_id: string; state: string };
    }>(ws.root, [
      'publish',
      'drafts/a.yaml',
      '--approval',
      id,
      '--private-key',
      key.private_key_path,
      '--key-id',
      'release',
      '--signer',
      'ci',
    ]);
    assert.equal(r.schema_version, 'cavra.policy_pack.publish_result.v1');
    assert.equal(r.status, 'published');
    assert.equal(r.signature_verified, true);
    assert.equal(r.signature_message, 'verified Ed25519 signature');
    assert.deepEqual([r.approval.approval_id, r.approval.state], [id, 'approved']);
    assert.equal(readFileSync(join(published(ws), 'policy.yaml'), 'utf8'), DRAFT_A);
    const sig = JSON.parse(readFileSync(join(published(ws), 'policy.yaml.sig.json'), 'utf8'));
    assert.equal(sig.key_id, 'release');
    assert.equal(sig.signer, 'ci');
    assert.equal(sig.digest, `sha256:${createHash('sha256').update(DRAFT_A).digest('hex')}`);
    const v = cli(ws.root, ['verify', `policies/${PACK_ID}/policy.yaml`, '--public-key', 'keys/release.public.pem']);
    assert.equal(v.status, 0, v.stderr);
  });

  it('publish signs with HS256 from $CAVRA_POLICY_SIGNING_KEY, and the key is not printed', () => {
    const secret = 'workspace-hmac-secret-42';
    const id = requestAndApprove(ws, 'drafts/a.yaml');
    const r = cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', id], { CAVRA_POLICY_SIGNING_KEY: secret });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Published cavra-platform-baseline \(sha256:[0-9a-f]{64}\)\n/);
    assert.match(r.stdout, /verified +yes: verified HS256 signature/);
    assert.ok(!(r.stdout + r.stderr).includes(secret));
    assert.equal(JSON.parse(readFileSync(join(published(ws), 'policy.yaml.sig.json'), 'utf8')).algorithm, 'HS256');
    assert.equal(cli(ws.root, ['verify', `policies/${PACK_ID}/policy.yaml`, '--key', secret]).status, 0);
  });

  it('publish errors: unknown approval exits 1; a missing --approval or draft file exits 2', () => {
    const unknown = cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', 'apr_000000000000']);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr, 'cavra-policy: approval not found\n');
    const noApproval = cli(ws.root, ['publish', 'drafts/a.yaml']);
    assert.equal(noApproval.status, 2);
    assert.match(noApproval.stderr, /publish needs --approval ID/);
    const noFile = cli(ws.root, ['publish', 'drafts/none.yaml', '--approval', 'apr_000000000000']);
    assert.equal(noFile.status, 2);
    assert.match(noFile.stderr, /cannot read drafts\/none\.yaml: ENOENT/);
  });

  it("--root, --policy-dir and --store, or CAVRA's environment variables, choose the files", () => {
    const elsewhere = cavraWorkspace();
    try {
      const viaRoot = cliJson<{ total: number }>(elsewhere.root, ['catalog', '--root', ws.root]);
      assert.equal(viaRoot.total, 1);
      const store = join(elsewhere.root, 'custom', 'approvals.json');
      cliJson(ws.root, ['request', 'drafts/a.yaml', '--store', store]);
      assert.equal(JSON.parse(readFileSync(store, 'utf8')).items.length, 1);
      const viaEnv = cliJson<{ total: number }>(ws.root, ['approval', 'list'], { CAVRA_APPROVAL_STORE: store });
      assert.equal(viaEnv.total, 1);
      assert.equal(cliJson<{ total: number }>(ws.root, ['approval', 'list']).total, 0);
      const emptyRoot = cliJson<{ total: number }>(ws.root, ['catalog'], { CAVRA_POLICY_DIR: join(elsewhere.root, 'drafts') });
      assert.equal(emptyRoot.total, 0);
    } finally {
      elsewhere.remove();
    }
  });
});
