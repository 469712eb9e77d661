// bundle export / bundle verify through the CLI process: a pack published through an approval with an
// Ed25519 key exports to one file that verifies offline (in a folder holding nothing else), and every
// tampering (a changed byte, a removed record, a swapped approval, a re-signed policy, a swapped key)
// is named by the part it broke.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { DRAFT_B, PACK_ID, cavraWorkspace, requestAndApprove } from './cavraWorkspace';

interface Bundle {
  pack_id: string;
  policy: { base64: string; text: string };
  signature: { text: string };
  public_key: { pem: string; fingerprint: string } | null;
  approval: { approval_id: string; state: string; decided_by?: string; history: { event: string }[] };
  publish_plan: { policy_digest: string | null; risk: string | null };
  evidence: { records: { seq: number; event: string }[]; chain: unknown[]; head: { seq: number } };
  manifest: { parts: Record<string, string> };
}

interface Verdict {
  ok: boolean;
  status: string;
  problems: { part: string; message: string }[];
}

/** A workspace where PACK_ID is published from drafts/a.yaml under an approval, signed with Ed25519 key `release`. */
function publishedWorkspace(): { ws: TempWorkspace; approvalId: string; fingerprint: string } {
  const ws = cavraWorkspace();
  cliJson(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', 'release']);
  const approvalId = requestAndApprove(ws, 'drafts/a.yaml');
  const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];
  assert.equal(cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', approvalId, ...key]).status, 0);
  const exported = cliJson<{ key_fingerprint: string }>(ws.root, ['bundle', 'export', PACK_ID, '--output', 'out/bundle.json']);
  return { ws, approvalId, fingerprint: exported.key_fingerprint };
}

describe('cavra-policy bundle export / verify', () => {
  let ws: TempWorkspace;
  let offline: TempWorkspace;
  let approvalId: string;
  let fingerprint: string;
  before(() => {
    ({ ws, approvalId, fingerprint } = publishedWorkspace());
  });
  after(() => ws.remove());
  // Verification happens in a folder that holds the bundle and nothing else.
  beforeEach(() => {
    offline = tempWorkspace({});
    copyFileSync(join(ws.root, 'out', 'bundle.json'), join(offline.root, 'bundle.json'));
  });
  afterEach(() => offline.remove());

  const bundle = (): Bundle => JSON.parse(readFileSync(join(offline.root, 'bundle.json'), 'utf8')) as Bundle;
  const save = (b: Bundle) => writeFileSync(join(offline.root, 'bundle.json'), JSON.stringify(b, null, 2));
  const verify = (...extra: string[]) => cli(offline.root, ['bundle', 'verify', 'bundle.json', ...extra]);
  const verdict = (...extra: string[]) => {
    const r = verify('--json', ...extra);
    return { ...(JSON.parse(r.stdout) as Verdict), exit: r.status };
  };

  it('holds the exact bytes, the signature, the key, the approval with its history, the plan and the evidence', () => {
    const b = bundle();
    const published = readFileSync(join(ws.root, 'policies', PACK_ID, 'policy.yaml'));
    assert.deepEqual(Buffer.from(b.policy.base64, 'base64'), published);
    assert.equal(b.policy.text, published.toString('utf8'));
    assert.equal(b.signature.text, readFileSync(join(ws.root, 'policies', PACK_ID, 'policy.yaml.sig.json'), 'utf8'));
    assert.equal(b.public_key?.pem, readFileSync(join(ws.root, '.cavra/policy-signing/release.public.pem'), 'utf8'));
    assert.equal(b.approval.approval_id, approvalId);
    assert.deepEqual(
      b.approval.history.map((h) => h.event),
      ['requested', 'approved'],
    );
    assert.equal(b.approval.decided_by, 'alice');
    assert.equal(b.publish_plan.risk, 'high');
    assert.deepEqual(
      b.evidence.records.map((r) => r.event),
      ['publish_request', 'approve', 'publish'],
    );
    assert.equal(b.evidence.head.seq, 3);
    assert.deepEqual(Object.keys(b.manifest.parts).sort(), [
      'approval.json',
      'evidence/chain.json',
      'evidence/seq-000001',
      'evidence/seq-000002',
      'evidence/seq-000003',
      'policy.yaml',
      'policy.yaml.sig.json',
      'public_key.pem',
      'publish_plan.json',
    ]);
  });

  it('with the pinned fingerprint it is VERIFIED; without a pin it says only that it is self-consistent', () => {
    const pinned = verify('--trusted-key-fingerprint', fingerprint);
    assert.equal(pinned.status, 0, pinned.stderr);
    assert.match(
      pinned.stdout,
      /^VERIFIED bundle\.json: verified: the bundle is self-consistent and signed by the pinned key [0-9a-f]{64}\n/,
    );
    const unpinned = verify();
    assert.equal(unpinned.status, 0, unpinned.stderr);
    assert.match(
      unpinned.stdout,
      /^SELF-CONSISTENT bundle\.json: the bundle is self-consistent; no key is pinned, so who signed it is not verified/,
    );
    const json = verdict();
    assert.deepEqual([json.exit, json.ok, json.status, json.problems], [0, true, 'self-consistent', []]);
  });

  it('the fingerprint is SHA-256 of the raw Ed25519 key, over the last 32 bytes of its SubjectPublicKeyInfo', () => {
    const pem = bundle().public_key!.pem;
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64');
    const raw = der.subarray(der.length - 32);
    assert.equal(fingerprint, createHash('sha256').update(raw).digest('hex'));
  });

  it('a changed byte in policy.yaml is named: manifest, signature and the missing publish record', () => {
    const b = bundle();
    const text = b.policy.text.replace('terraform apply -auto-approve', 'terraform plan -auto-approve');
    b.policy = { base64: Buffer.from(text).toString('base64'), text };
    save(b);
    const v = verdict('--trusted-key-fingerprint', fingerprint);
    assert.equal(v.exit, 1);
    const parts = v.problems.map((p) => p.part);
    assert.ok(parts.includes('policy.yaml'));
    assert.match(v.problems.find((p) => p.part === 'policy.yaml')!.message, /^policy\.yaml changed: the manifest says sha256:/);
    assert.ok(v.problems.some((p) => /policy digest mismatch: the policy changed after signing/.test(p.message)));
    assert.ok(v.problems.some((p) => /no publish record of .* for these policy\.yaml bytes/.test(p.message)));
    const human = verify();
    assert.equal(human.status, 1);
    assert.match(human.stderr, /^cavra-policy: bundle\.json: bundle verification failed: \d+ problem\(s\)\n {2}policy\.yaml: /);
  });

  it('text that no longer matches the base64 bytes is named with its line', () => {
    const b = bundle();
    b.policy.text = b.policy.text.replace('Platform Baseline', 'Platform Baseline!');
    save(b);
    const v = verdict();
    assert.equal(v.exit, 1);
    assert.deepEqual(v.problems, [
      { part: 'policy.yaml', message: 'policy.text differs from the bytes in policy.base64 at line 3' },
    ]);
  });

  it('a removed evidence record is named by its seq', () => {
    const b = bundle();
    b.evidence.records = b.evidence.records.filter((r) => r.event !== 'approve');
    save(b);
    const v = verdict();
    assert.equal(v.exit, 1);
    assert.ok(
      v.problems.some(
        (p) =>
          p.part === 'evidence/seq-000002' &&
          p.message === 'evidence/seq-000002 is listed in the manifest but missing from the bundle: the record was removed',
      ),
      JSON.stringify(v.problems),
    );
    assert.ok(v.problems.some((p) => /no approve or break_glass record for approval/.test(p.message)));
  });

  it('a removed record with its manifest entry is still caught: the publish record is required', () => {
    const b = bundle();
    b.evidence.records = b.evidence.records.filter((r) => r.event !== 'publish');
    delete b.manifest.parts['evidence/seq-000003'];
    save(b);
    const v = verdict();
    assert.equal(v.exit, 1);
    assert.deepEqual(
      v.problems.map((p) => p.part),
      ['evidence'],
    );
    assert.match(v.problems[0].message, /^no publish record of cavra-platform-baseline for these policy\.yaml bytes/);
  });

  it('an edited evidence record is named: its hash no longer matches', () => {
    const b = bundle();
    (b.evidence.records[1] as { actor?: string }).actor = 'mallory';
    save(b);
    const v = verdict();
    assert.equal(v.exit, 1);
    assert.ok(v.problems.some((p) => p.part === 'evidence/seq-000002' && /was altered: its content hashes to/.test(p.message)));
  });

  it('a swapped approval (another approved request, manifest recomputed) is named', () => {
    // A second approval, for another draft, taken from the same store.
    const other = cavraWorkspace({ 'drafts/b.yaml': DRAFT_B });
    try {
      const otherId = requestAndApprove(other, 'drafts/b.yaml');
      const swapped = cliJson<Bundle['approval']>(other.root, ['approval', 'get', otherId]);
      const b = bundle();
      b.approval = swapped;
      delete b.manifest.parts['approval.json']; // the forger leaves the manifest entry out…
      save(b);
      const v = verdict();
      assert.equal(v.exit, 1);
      const messages = v.problems.filter((p) => p.part === 'approval.json').map((p) => p.message);
      assert.ok(messages.some((m) => m === `approval.json is in the bundle but not in the manifest: it was added after export`));
      assert.ok(
        messages.some((m) =>
          m.startsWith(`holds approval ${otherId}, but the publish record (seq 3) names ${approvalId}: the approval was swapped`),
        ),
      );
      assert.ok(messages.some((m) => /is bound to digest sha256:\w+, but policy\.yaml has digest sha256:/.test(m)));
    } finally {
      other.remove();
    }
  });

  it('a policy edited and re-signed with the same key (the tampering scenario) is named: no publish record of those bytes, an approval bound to another digest', () => {
    // The scenario, done to the bundle: new bytes, signed again with the real key, manifest redone.
    const forged = tempWorkspace({});
    try {
      const b = bundle();
      const text = b.policy.text.replace('terraform apply -auto-approve', 'terraform plan -auto-approve');
      const file = forged.write('policy.yaml', text);
      const key = join(ws.root, '.cavra/policy-signing/release.private.pem');
      assert.equal(cli(forged.root, ['sign', file, '--private-key', key, '--key-id', 'release']).status, 0);
      b.policy = { base64: Buffer.from(text).toString('base64'), text };
      b.signature.text = readFileSync(`${file}.sig.json`, 'utf8');
      delete b.manifest.parts['policy.yaml'];
      delete b.manifest.parts['policy.yaml.sig.json'];
      save(b);
      const v = verdict('--trusted-key-fingerprint', fingerprint);
      assert.equal(v.exit, 1);
      // The signature itself verifies with the pinned key: what fails is the chain to the approval.
      assert.ok(!v.problems.some((p) => /signature mismatch/.test(p.message)));
      assert.ok(v.problems.some((p) => /^no publish record of .* for these policy\.yaml bytes/.test(p.message)));
      assert.ok(v.problems.some((p) => p.part === 'approval.json' && /is bound to digest/.test(p.message)));
    } finally {
      forged.remove();
    }
  });

  it('a whole bundle forged in another workspace with another key is self-consistent, and fails only with the pin', () => {
    const mallory = publishedWorkspace();
    try {
      copyFileSync(join(mallory.ws.root, 'out', 'bundle.json'), join(offline.root, 'bundle.json'));
      const unpinned = verify();
      assert.equal(unpinned.status, 0);
      assert.match(unpinned.stdout, /^SELF-CONSISTENT /);
      const v = verdict('--trusted-key-fingerprint', fingerprint);
      assert.equal(v.exit, 1);
      assert.deepEqual(v.problems, [
        {
          part: 'public_key.pem',
          message: `signed by key ${mallory.fingerprint}, not by the pinned key ${fingerprint}: the bundle was re-signed with another key`,
        },
      ]);
    } finally {
      mallory.ws.remove();
    }
  });

  it('a pin that is not a fingerprint and a file that is not JSON are usage and input errors (exit 2)', () => {
    const bad = verify('--trusted-key-fingerprint', 'abc');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--trusted-key-fingerprint "abc" is not a fingerprint: expected 64 hex digits/);
    offline.write('bundle.json', '{ not json');
    const unreadable = verify();
    assert.equal(unreadable.status, 2);
    assert.match(unreadable.stderr, /bundle\.json: not valid JSON \(evidence bundle\)/);
  });
});

describe('cavra-policy bundle export refusals', () => {
  it('a policy edited and re-signed after publishing has no publish record: export exits 1 saying so', () => {
    const { ws } = publishedWorkspace();
    try {
      const policy = join(ws.root, 'policies', PACK_ID, 'policy.yaml');
      writeFileSync(policy, readFileSync(policy, 'utf8').replace('terraform apply', 'terraform plan'));
      const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];
      assert.equal(cli(ws.root, ['sign', policy, ...key]).status, 0);
      const r = cli(ws.root, ['bundle', 'export', PACK_ID]);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /^cavra-policy: no publish record in the evidence log for cavra-platform-baseline\/policy\.yaml as it is now \(sha256:[0-9a-f]{64}\)/,
      );
      const missing = cli(ws.root, ['bundle', 'export', 'no-such-pack']);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /no-such-pack is not published: .*policy\.yaml does not exist/);
      assert.equal(cli(ws.root, ['bundle', 'export']).status, 2);
    } finally {
      ws.remove();
    }
  });
});

describe('cavra-policy bundle of an HS256-signed pack', () => {
  it('carries no public key: self-consistent at best, and a pin cannot be met', () => {
    const ws = cavraWorkspace();
    try {
      const id = requestAndApprove(ws, 'drafts/a.yaml');
      assert.equal(cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', id, '--key', 'shared-secret']).status, 0);
      const exported = cli(ws.root, ['bundle', 'export', PACK_ID, '--output', 'b.json']);
      assert.equal(exported.status, 0, exported.stderr);
      assert.match(exported.stdout, /signing key {2}none \(HS256 signature\)/);
      const b = JSON.parse(readFileSync(join(ws.root, 'b.json'), 'utf8')) as Bundle;
      assert.equal(b.public_key, null);
      assert.match(cli(ws.root, ['bundle', 'verify', 'b.json']).stdout, /^SELF-CONSISTENT /);
      const pinned = cli(ws.root, ['bundle', 'verify', 'b.json', '--trusted-key-fingerprint', 'a'.repeat(64), '--json']);
      assert.equal(pinned.status, 1);
      assert.deepEqual((JSON.parse(pinned.stdout) as Verdict).problems, [
        {
          part: 'public_key.pem',
          message: `a key is pinned (${'a'.repeat(64)}) but the bundle has no Ed25519 public key: signed HS256`,
        },
      ]);
    } finally {
      ws.remove();
    }
  });
});
