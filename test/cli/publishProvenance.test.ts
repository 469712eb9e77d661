// `cavra-policy verify` follows the whole chain (issue 15, section 1), through the CLI process: each
// provenance state from a workspace made the way a user makes it (request, approve, publish, sign), or
// changed the way an intruder would (an edited store, a signature made outside the studio with
// node:crypto, as CAVRA's own CLI would make it). The tampering scenario of the issue comes first.
import { strict as assert } from 'node:assert';
import { createHash, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceLog } from '../../server/src/backend/evidence';
import { AUDIENCE, ISSUER, makeKey, sign } from '../unit/actor/fixtures';
import { cli, cliJson } from './cliProcess';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

const PACK = 'cavra-pay';
const POLICY = `policies/${PACK}/policy.yaml`;
const DRAFT = `metadata:
  id: ${PACK}
  title: Payments
  description: Payment platform controls.
  version: "1"
commands:
  block:
    - terraform apply*
`;

interface VerifyJson {
  ok: boolean;
  signature_ok: boolean;
  provenance: { state: string; outcome: string; label: string; message: string; approval_id: string | null };
}

describe('cavra-policy verify: the whole chain from the bytes to the approval', function () {
  this.timeout(60000);
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ 'drafts/pay.yaml': DRAFT });
    cliJson(ws.root, ['keygen', '--output', 'keys', '--key-id', 'release']);
  });
  afterEach(() => ws.remove());

  const verify = (...extra: string[]) => cli(ws.root, ['verify', POLICY, '--public-key', 'keys/release.public.pem', ...extra]);
  const verifyJson = (...extra: string[]) => JSON.parse(verify('--json', ...extra).stdout) as VerifyJson;

  function request(): { approval_id: string; decision: Record<string, unknown> } {
    return cliJson<{ approval: { approval_id: string; decision: Record<string, unknown> } }>(ws.root, [
      'request',
      'drafts/pay.yaml',
    ]).approval;
  }

  function publish(approvalId: string, ...signing: string[]): void {
    const keys = signing.length ? signing : ['--private-key', 'keys/release.private.pem', '--key-id', 'release'];
    const r = cli(ws.root, ['publish', 'drafts/pay.yaml', '--approval', approvalId, ...keys]);
    assert.equal(r.status, 0, r.stderr);
  }

  function approvedPublish(): string {
    const { approval_id } = request();
    cliJson(ws.root, ['approval', 'approve', approval_id, '--actor', 'alice', '--reason', 'reviewed']);
    publish(approval_id);
    return approval_id;
  }

  /** A signature in CAVRA's sig.json form, made with node:crypto: what CAVRA's own CLI would write. */
  function signOutsideTheStudio(text: string): void {
    writeFileSync(join(ws.root, POLICY), text);
    const bytes = Buffer.from(text, 'utf8');
    const sig = {
      schema_version: 'cavra.policy-signature.v1',
      algorithm: 'Ed25519',
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      signature: cryptoSign(null, bytes, createPrivateKey(readFileSync(join(ws.root, 'keys/release.private.pem')))).toString(
        'base64',
      ),
      signed_at: new Date().toISOString(),
      signer: 'cavra-cli',
      key_id: 'release',
      public_key_sha256: createHash('sha256')
        .update(readFileSync(join(ws.root, 'keys/release.public.pem')))
        .digest('hex'),
      policy_file: 'policy.yaml',
    };
    writeFileSync(join(ws.root, `${POLICY}.sig.json`), `${JSON.stringify(sig, null, 2)}\n`);
  }

  /** Changes the approval store the way someone with write access to it could. */
  function editStore(change: (items: Record<string, unknown>[]) => Record<string, unknown>[]): void {
    const file = join(ws.root, '.cavra/approvals.json');
    const store = JSON.parse(readFileSync(file, 'utf8')) as { items: Record<string, unknown>[] };
    writeFileSync(file, `${JSON.stringify({ ...store, items: change(store.items) }, null, 2)}\n`);
  }

  it('the issue\'s tampering: publish under an approval, edit, sign with the same key: verify fails, naming "signed outside an approval"', () => {
    const approvalId = approvedPublish();
    const before = verify();
    assert.equal(before.status, 0, before.stderr);
    assert.match(before.stdout, /^OK policies\/cavra-pay\/policy\.yaml: verified Ed25519 signature/);
    assert.match(
      before.stdout,
      new RegExp(`chain: verified: published \\(evidence seq \\d+\\) under approval ${approvalId} by alice`),
    );
    assert.equal(verifyJson().provenance.state, 'verified');

    const file = join(ws.root, POLICY);
    writeFileSync(file, readFileSync(file, 'utf8').replace('terraform apply*', 'terraform plan*'));
    appendFileSync(file, '    - kubectl delete*\n');
    assert.equal(verify().status, 1, 'the edit alone breaks the signature');
    const signed = cli(ws.root, ['sign', POLICY, '--private-key', 'keys/release.private.pem', '--key-id', 'release']);
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(signed.stdout, /recorded in \.cavra\/evidence\.jsonl as a signature outside any publish/);

    const after = verify();
    assert.equal(after.status, 1);
    assert.equal(after.stdout, '');
    assert.match(
      after.stderr,
      /^cavra-policy: verification failed for policies\/cavra-pay\/policy\.yaml: signed outside an approval: these bytes \(sha256:[0-9a-f]{64}\) were signed by local with cavra-policy sign \(evidence seq \d+, /,
    );
    assert.match(after.stderr, /Do not sign them again/);
    const json = verifyJson();
    assert.deepEqual(
      [json.ok, json.signature_ok, json.provenance.state, json.provenance.outcome],
      [false, true, 'signed-outside-approval', 'fail'],
    );
    // The signature alone (CAVRA's check) still passes, and the log is intact: only the chain catches it.
    assert.equal(verify('--signature-only').status, 0);
    assert.equal(cli(ws.root, ['evidence', 'verify']).status, 0);
    const sign = new EvidenceLog(join(ws.root, '.cavra/evidence.jsonl'), { now: () => '' }).read().pop()!;
    assert.equal(sign.event, 'sign');
    assert.deepEqual([sign.details.policy_id, sign.details.policy_path, sign.details.outside_publish], [PACK, POLICY, true]);
  });

  it('break-glass publish: verified, flagged (exit 0 with a warning)', () => {
    const { decision } = request();
    writeFileSync(join(ws.root, 'decision.json'), JSON.stringify(decision));
    const bg = cliJson<{ approval_id: string; state: string }>(ws.root, [
      'approval',
      'break-glass',
      'decision.json',
      '--actor',
      'oncall',
      '--reason',
      'payments outage',
      '--external-ref',
      'INC-777',
    ]);
    assert.equal(bg.state, 'break_glass');
    publish(bg.approval_id);
    const r = verify();
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`chain: warning: break-glass publish: .*under break-glass approval ${bg.approval_id} by oncall`),
    );
    const json = verifyJson();
    assert.deepEqual([json.ok, json.provenance.state, json.provenance.outcome], [true, 'break-glass-publish', 'flag']);
  });

  it('published outside the studio (no publish of the pack in the log): its own status, exit 0 with a note', () => {
    ws.write(POLICY, DRAFT);
    signOutsideTheStudio(DRAFT);
    const r = verify();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /chain: note: published outside the studio: the evidence log holds no publish of cavra-pay/);
    assert.equal(verifyJson().provenance.outcome, 'notice');
  });

  it('no publish record: the pack was published here, but these bytes were signed elsewhere', () => {
    approvedPublish();
    signOutsideTheStudio(DRAFT.replace('terraform apply*', 'terraform plan*'));
    assert.equal(verify('--signature-only').status, 0);
    const r = verify();
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /no publish record: the evidence log has no publish of these bytes \(sha256:[0-9a-f]{64}\); the last publish of cavra-pay \(seq \d+\) wrote sha256:/,
    );
  });

  it('the approval behind the publish: bound to another digest, not found, not approved (an edited store)', () => {
    const approvalId = approvedPublish();
    editStore((items) =>
      items.map((a) => ({ ...a, decision: { ...(a.decision as object), policy_digest: `sha256:${'1'.repeat(64)}` } })),
    );
    const bound = verify();
    assert.equal(bound.status, 1);
    assert.match(
      bound.stderr,
      new RegExp(
        `approval bound to another digest: approval ${approvalId} is bound to sha256:1{64}, but these bytes normalize to sha256:[0-9a-f]{64}`,
      ),
    );
    editStore((items) =>
      items.map((a) => ({ ...a, state: 'denied', decision: { ...(a.decision as object), policy_digest: null } })),
    );
    assert.match(
      verify().stderr,
      new RegExp(`approval not approved: approval ${approvalId} \\(named by publish seq \\d+\\) is denied`),
    );
    editStore(() => []);
    assert.match(
      verify().stderr,
      new RegExp(`approval not found: the publish of these bytes \\(evidence seq \\d+\\) names approval ${approvalId}`),
    );
    assert.equal(verifyJson().provenance.state, 'approval-not-found');
  });

  it('approver not verified: with RBAC configured, an approval decided by a name alone does not verify', () => {
    approvedPublish();
    ws.write('.cavra/rbac.yaml', 'approval_rbac:\n  repository_permissions: []\n');
    const r = verify('--rbac-file', '.cavra/rbac.yaml');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /approver not verified: approval apr_[0-9a-f]{12} was decided by alice without a verified identity/);
    assert.match(r.stderr, /Have a verified approver decide a new approval/);
    // The same from CAVRA's variable.
    assert.equal(
      cli(ws.root, ['verify', POLICY, '--public-key', 'keys/release.public.pem'], {
        CAVRA_APPROVAL_RBAC_FILE: '.cavra/rbac.yaml',
      }).status,
      1,
    );
    assert.equal(verify().status, 0, 'without OIDC/RBAC a named approver is what CAVRA records');
  });

  it('approver verified: with OIDC configured, an approval decided by a verified actor (an OIDC token) verifies', async () => {
    const key = await makeKey('k-approver');
    const now = Math.floor(Date.now() / 1000);
    ws.write(
      '.cavra/approver.jwt',
      await sign(key, { email: 'sec-lead@example.com', groups: ['Platform Security'], iat: now, exp: now + 3600 }),
    );
    ws.write('.cavra/jwks.json', JSON.stringify({ keys: [key.publicJwk] }));
    ws.write('.cavra/oidc.json', JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwks_path: 'jwks.json' }));
    const actor = ['--oidc-config', '.cavra/oidc.json', '--actor-token', '.cavra/approver.jwt'];
    const { approval_id } = cliJson<{ approval: { approval_id: string } }>(ws.root, [
      'request',
      'drafts/pay.yaml',
      ...actor,
    ]).approval;
    cliJson(ws.root, ['approval', 'approve', approval_id, '--reason', 'reviewed', ...actor]);
    publish(approval_id, '--private-key', 'keys/release.private.pem', '--key-id', 'release', ...actor);
    const r = verify('--oidc-config', '.cavra/oidc.json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`chain: verified: published \\(evidence seq \\d+\\) under approval ${approval_id} by sec-lead@example.com`),
    );
  });

  it('signature not verified: a digest-only SHA256 publish proves no signer, so the chain does not hold', () => {
    const { approval_id } = request();
    cliJson(ws.root, ['approval', 'approve', approval_id, '--actor', 'alice', '--reason', 'reviewed']);
    const r = cli(ws.root, ['publish', 'drafts/pay.yaml', '--approval', approval_id]);
    assert.equal(r.status, 0, r.stderr);
    const v = verify();
    assert.equal(v.status, 1);
    assert.match(
      v.stderr,
      /signature not verified: the signature is not valid for a trusted key: a digest-only SHA256 signature/,
    );
    // A signature that fails is reported as before, with the chain's state in the JSON.
    appendFileSync(join(ws.root, POLICY), '# edited\n');
    const edited = verifyJson();
    assert.deepEqual([edited.signature_ok, edited.provenance.state], [false, 'signature-not-verified']);
  });

  it('evidence paths: relative from now on; an older log with absolute paths is kept as written, the switch recorded once', async () => {
    const logFile = join(ws.root, '.cavra/evidence.jsonl');
    // A log as the studio wrote it before this change: a publish naming an absolute path.
    await new EvidenceLog(logFile, { now: () => '2026-01-01T00:00:00+00:00' }).append({
      event: 'publish',
      actor: 'policy-authoring-api',
      approval_ids: ['apr_000000000001'],
      digests: { policy_file_digest: `sha256:${'2'.repeat(64)}` },
      details: { policy_id: 'older-pack', policy_path: join(ws.root, 'policies/older-pack/policy.yaml') },
    });
    const oldLine = readFileSync(logFile, 'utf8');
    approvedPublish();
    approvedPublish();
    const text = readFileSync(logFile, 'utf8');
    assert.ok(text.startsWith(oldLine), 'the old record is kept byte for byte');
    const records = new EvidenceLog(logFile, { now: () => '' }).read();
    const switches = records.filter((r) => r.event === 'evidence_paths_relative');
    assert.equal(switches.length, 1);
    assert.equal(switches[0].seq, 2, 'recorded before the first record of the new rule');
    assert.equal(switches[0].details.root, ws.root);
    const publishes = records.filter((r) => r.event === 'publish').slice(1);
    assert.deepEqual(
      publishes.map((r) => r.details.policy_path),
      [POLICY, POLICY],
    );
    assert.equal(cli(ws.root, ['evidence', 'verify']).status, 0);
  });
});
