// One draft's journey through the local backend, compared with CAVRA's own responses for the same
// requests (test/fixtures/cavra-recorded): same fields, same order, same values and wording, times and
// ids aside; the published files are CAVRA's bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyPolicySignature } from '../../../server/src/signing';
import { RECORDED_DIGEST, RECORDED_DRAFT, recorded, recordedText, sameShape, workspace, type Workspace } from './backendFixtures';

describe('local backend: the recorded CAVRA journey', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  it("draft preview is CAVRA's draft response and writes nothing", async () => {
    const draft = await ws.backend.draft({ draft: RECORDED_DRAFT });
    sameShape(draft, recorded('draft.json'));
    assert.deepEqual(require('node:fs').readdirSync(join(ws.root, 'policies')), []);
  });

  it("publish plan is CAVRA's plan (create, high, digest, target path, notes)", async () => {
    const plan = await ws.backend.publishPlan({ draft: RECORDED_DRAFT });
    sameShape(plan, recorded('plan.json'));
    assert.equal(plan.policy_digest, RECORDED_DIGEST);
  });

  it("publish request, approve and publish answer as CAVRA did, and write CAVRA's bytes", async () => {
    const preq = await ws.backend.publishRequest({ draft: RECORDED_DRAFT });
    sameShape(preq, recorded('preq.json'));
    const id = preq.approval.approval_id;
    assert.match(id, /^apr_[0-9a-f]{12}$/);

    const approved = await ws.backend.approve(id, { actor: 'a', reason: 'r' });
    sameShape(approved, recorded('approve.json'));

    const published = await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: id });
    sameShape(published, recorded('publish.json'), join(ws.root));
    assert.equal(published.policy_path, join(ws.root, 'policies', 'cavra-platform-baseline', 'policy.yaml'));

    const policyBytes = readFileSync(published.policy_path);
    assert.equal(policyBytes.toString('utf8'), recordedText('published-policy.yaml'));
    const sigText = readFileSync(published.signature_path, 'utf8');
    const recordedSig = JSON.parse(recordedText('published-policy.yaml.sig.json'));
    assert.equal(
      sigText,
      recordedText('published-policy.yaml.sig.json').replace(recordedSig.signed_at, JSON.parse(sigText).signed_at),
    );
    assert.deepEqual(verifyPolicySignature(policyBytes, sigText), {
      ok: true,
      algorithm: 'SHA256',
      message: 'verified SHA256 signature',
      signatureChecked: true,
    });
  });

  it('the approval store is CAVRA\'s file: {"items": [...]}, sorted keys, indent 2, trailing newline', async () => {
    const preq = await ws.backend.publishRequest({ draft: RECORDED_DRAFT });
    const text = readFileSync(join(ws.root, '.cavra', 'approvals.json'), 'utf8');
    const sortDeep = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortDeep)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sortDeep((v as any)[k])]),
            )
          : v;
    assert.equal(text, `${JSON.stringify({ items: [sortDeep(preq.approval)] }, null, 2)}\n`);
  });

  it("rollout change plan and apply-change are CAVRA's responses", async () => {
    const body = {
      rollout_id: 'payments-platform',
      repository: 'payments/api',
      policy_pack: 'cavra-platform-baseline',
      mode: 'strict',
      state: 'active',
      coverage_percent: 95,
    };
    sameShape(await ws.backend.rolloutChangePlan(body), recorded('changeplan.json'));
    sameShape(await ws.backend.rolloutApplyChange(body), recorded('apply.json'));
    const stored = JSON.parse(readFileSync(join(ws.root, '.cavra', 'api', 'inventory.json'), 'utf8'));
    assert.deepEqual(Object.keys(stored), ['policy_rollouts', 'repositories']);
    assert.equal(stored.policy_rollouts[0].rollout_id, 'payments-platform');
  });

  it('catalog lists the four CAVRA packs as CAVRA did', async () => {
    const cat = workspace({
      packs: ['cavra-agentic-delivery', 'cavra-ai-agent-baseline', 'cavra-github-enterprise', 'cavra-mcp-enterprise'],
    });
    try {
      sameShape(await cat.backend.catalog(), recorded('catalog.json'));
    } finally {
      cat.cleanup();
    }
  });
});
