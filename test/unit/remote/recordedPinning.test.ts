// The test server is pinned to CAVRA: for the SPEC 3.2 draft's journey its answers, read through the
// remote client, have CAVRA's recorded fields, order and words (test/fixtures/cavra-recorded), times
// and ids aside; publish signs as a CAVRA server does (SHA256 form without a key, HS256 with one).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import { dirname, join } from 'node:path';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { verifyPolicySignature } from '../../../server/src/signing';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { assertSameOrderedJson } from './serverStamped';
import { TOKEN } from './remoteFixtures';

const SPEC_DRAFT = {
  id: 'cavra-platform-baseline',
  title: 'Platform Baseline',
  description: 'Platform engineering controls.',
  version: '2026.05',
  commands: { block: ['terraform apply -auto-approve'] },
};
const ROLLOUT = {
  rollout_id: 'payments-platform',
  repository: 'payments/api',
  policy_pack: 'cavra-platform-baseline',
  mode: 'strict',
  state: 'active',
  coverage_percent: 95,
};
const CAVRA_PACKS = ['cavra-agentic-delivery', 'cavra-ai-agent-baseline', 'cavra-github-enterprise', 'cavra-mcp-enterprise'];

function recordedDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'cavra-recorded');
    if (existsSync(candidate)) return candidate;
  }
  return join(process.cwd(), 'test', 'fixtures', 'cavra-recorded');
}
const recordedText = (name: string) => readFileSync(join(recordedDir(), name), 'utf8');
const recorded = (name: string): unknown => JSON.parse(recordedText(name));

/** The raw bytes the server sends, to check the wire itself (Starlette's compact JSON). */
function rawGet(url: string): Promise<{ contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ contentType: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') }),
        );
      })
      .on('error', reject);
  });
}

describe("test server pinned to CAVRA's recorded answers (SPEC 3.2 journey)", function () {
  this.timeout(20_000);
  let s: LocalCavraServer;
  let backend: RemoteBackend;
  before(async () => {
    s = await startLocalCavraServer({ packs: CAVRA_PACKS });
    backend = new RemoteBackend({ url: s.url, token: TOKEN, proxy: false });
  });
  after(() => s.close());

  it('GET /policy-pack-catalog is catalog.json', async () => {
    assertSameOrderedJson(await backend.catalog(), recorded('catalog.json'), [s.root], 'catalog');
    const raw = await rawGet(`${s.url}/policy-pack-catalog`);
    assert.equal(raw.contentType, 'application/json');
    assert.equal(raw.body, JSON.stringify(recorded('catalog.json')), "compact JSON, CAVRA's order, byte for byte");
  });

  it('draft, plan, publish-request, approve, publish are draft/plan/preq/approve/publish.json', async () => {
    assertSameOrderedJson(await backend.draft({ draft: SPEC_DRAFT }), recorded('draft.json'), [s.root], 'draft');
    assertSameOrderedJson(await backend.publishPlan({ draft: SPEC_DRAFT }), recorded('plan.json'), [s.root], 'plan');
    const preq = await backend.publishRequest({ draft: SPEC_DRAFT });
    assertSameOrderedJson(preq, recorded('preq.json'), [s.root], 'publish request');
    const id = preq.approval.approval_id;
    assertSameOrderedJson(await backend.approve(id, { actor: 'a', reason: 'r' }), recorded('approve.json'), [s.root], 'approve');
    const published = await backend.publish({ draft: SPEC_DRAFT, approval_id: id });
    assertSameOrderedJson(published, recorded('publish.json'), [s.root], 'publish');

    // The files the server wrote are CAVRA's bytes, signed in the digest-keyed SHA256 form.
    const policyBytes = readFileSync(published.policy_path);
    assert.equal(policyBytes.toString('utf8'), recordedText('published-policy.yaml'));
    const sig = JSON.parse(readFileSync(published.signature_path, 'utf8'));
    const recordedSig = JSON.parse(recordedText('published-policy.yaml.sig.json'));
    assert.deepEqual(Object.keys(sig), Object.keys(recordedSig));
    assert.deepEqual({ ...sig, signed_at: '' }, { ...recordedSig, signed_at: '' });
  });

  it('change-plan and apply-change are changeplan.json and apply.json', async () => {
    assertSameOrderedJson(await backend.rolloutChangePlan(ROLLOUT), recorded('changeplan.json'), [s.root], 'change plan');
    assertSameOrderedJson(await backend.rolloutApplyChange(ROLLOUT), recorded('apply.json'), [s.root], 'apply change');
  });

  it('with $CAVRA_POLICY_SIGNING_KEY the server signs HS256, verifiable with that key only', async () => {
    const keyed = await startLocalCavraServer({ signingKey: 'cavra-server-signing-key' });
    try {
      const b = new RemoteBackend({ url: keyed.url, proxy: false });
      const preq = await b.publishRequest({ draft: SPEC_DRAFT });
      await b.approve(preq.approval.approval_id, { actor: 'a', reason: 'r' });
      const published = await b.publish({ draft: SPEC_DRAFT, approval_id: preq.approval.approval_id });
      assert.equal(published.signature_verified, true);
      assert.equal(published.signature_message, 'verified HS256 signature');
      const bytes = readFileSync(published.policy_path);
      const sigText = readFileSync(published.signature_path, 'utf8');
      assert.equal(JSON.parse(sigText).algorithm, 'HS256');
      assert.equal(verifyPolicySignature(bytes, sigText, { hmacKey: 'cavra-server-signing-key' }).ok, true);
      assert.equal(verifyPolicySignature(bytes, sigText, { hmacKey: 'another-key' }).ok, false);
    } finally {
      await keyed.close();
    }
  });
});
