// attest / attest verify through the CLI process, in a git repository whose PR publishes two packs: one
// through an approval, one under break-glass. The DSSE envelope is checked with Sigstore's verifier
// (@sigstore/verify, a DSSE implementation this project did not write: its PAE and Ed25519 check), and
// every tampering (payload, payload type, signing key) is refused by it and by `attest verify`.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { PACK_ID, cavraWorkspace, requestAndApprove } from './cavraWorkspace';

const HOTFIX = `metadata:
  id: cavra-hotfix
  title: Hotfix
  description: Emergency controls.
  version: "2026.06"
  inherits: cavra-ai-agent-baseline
commands:
  block:
    - rm -rf /
`;

interface Envelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

interface Statement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: {
    base: string | null;
    packs: {
      policy_id: string;
      risk: string | null;
      approval: {
        approval_id: string;
        state: string;
        decided_by: string | null;
        external_ref: string | null;
        break_glass: boolean;
      } | null;
      signature: { status: string };
      changes: { entries_added: { list: string; entry: string }[] } | null;
    }[];
  };
}

function git(root: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}

/** Sigstore's verifier over our envelope as a v0.3 bundle carrying a public-key hint and no transparency log. */
function sigstoreVerify(envelope: Envelope, publicKeyPem: string): void {
  const bundle = bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      publicKey: { hint: 'attestation-key' },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: envelope,
  });
  const root = { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(root as unknown as Parameters<typeof toTrustMaterial>[0], (hint) => {
    assert.equal(hint, 'attestation-key');
    return { publicKey: createPublicKey(publicKeyPem), validFor: () => true };
  });
  // Offline by design: no transparency log or timestamp authority, only the key.
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 0 }).verify(toSignedEntity(bundle));
}

describe('cavra-policy attest / attest verify', () => {
  let ws: TempWorkspace;
  let normalId: string;
  let breakGlassId: string;
  const publicKey = () => join(ws.root, '.cavra/policy-signing/release.public.pem');
  const envelopeFile = () => join(ws.root, 'out', 'cavra-attestation.intoto.json');
  const envelope = () => JSON.parse(readFileSync(envelopeFile(), 'utf8')) as Envelope;
  const statementOf = (e: Envelope) => JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8')) as Statement;
  const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];

  before(() => {
    ws = cavraWorkspace({ 'drafts/hotfix.yaml': HOTFIX });
    git(ws.root, 'init', '-q');
    git(ws.root, 'add', '-A');
    git(ws.root, 'commit', '-qm', 'base');
    cliJson(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', 'release']);
    normalId = requestAndApprove(ws, 'drafts/a.yaml');
    assert.equal(cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', normalId, ...key]).status, 0);
    // The hotfix goes out under break-glass: its publish decision, overridden at once.
    const requested = cliJson<{ approval: { decision: unknown } }>(ws.root, ['request', 'drafts/hotfix.yaml']);
    ws.write('hotfix-decision.json', JSON.stringify(requested.approval.decision));
    const bg = [
      'approval',
      'break-glass',
      'hotfix-decision.json',
      '--actor',
      'oncall',
      '--reason',
      'outage INC-9',
      '--external-ref',
      'INC-9',
    ];
    breakGlassId = cliJson<{ approval_id: string }>(ws.root, bg).approval_id;
    assert.equal(cli(ws.root, ['publish', 'drafts/hotfix.yaml', '--approval', breakGlassId, ...key]).status, 0);
    const r = cli(ws.root, ['attest', '--base', 'HEAD', '--output-dir', 'out']);
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => ws.remove());

  it('the Markdown names each pack, its rule changes, risk, approval and signature, and marks break-glass loudly', () => {
    const md = readFileSync(join(ws.root, 'out', 'cavra-attestation.md'), 'utf8');
    assert.match(md, /^## CAVRA policy attestation\n\n> \[!CAUTION\]\n> \*\*BREAK-GLASS PUBLISH\*\* of `cavra-hotfix`/);
    assert.match(md, /2 pack\(s\) changed against `HEAD`; \*\*1 need attention\*\*\./);
    assert.ok(
      md.includes(`| \`${PACK_ID}\` | high | \`${normalId}\` | approved | Platform Security | alice | — | verified |`),
      md,
    );
    assert.ok(
      md.includes(
        `| \`cavra-hotfix\` | high | \`${breakGlassId}\` | **BREAK-GLASS** (break_glass) | Change Advisory Board | oncall | INC-9 | verified |`,
      ),
      md,
    );
    assert.ok(md.includes('- :rotating_light: **BREAK-GLASS**: outage INC-9 (by oncall)'));
    assert.ok(md.includes('```diff\n+ commands.block: terraform apply -auto-approve\n'));
    assert.ok(md.includes('+ commands.block: rm -rf /\n'));
  });

  it('the envelope is DSSE over an in-toto Statement v1 whose subjects are the published files by SHA-256', () => {
    const e = envelope();
    assert.equal(e.payloadType, 'application/vnd.in-toto+json');
    const s = statementOf(e);
    assert.equal(s._type, 'https://in-toto.io/Statement/v1');
    assert.equal(s.predicateType, 'urn:cavra-policy-studio:attestation:policy-approval:v1');
    const expected = ['cavra-hotfix', PACK_ID].map((id) => {
      const bytes = readFileSync(join(ws.root, 'policies', id, 'policy.yaml'));
      return { name: `policies/${id}/policy.yaml`, digest: { sha256: createHash('sha256').update(bytes).digest('hex') } };
    });
    assert.deepEqual(s.subject, expected);
    const [hotfix, baseline] = s.predicate.packs;
    assert.deepEqual(
      [hotfix.approval?.state, hotfix.approval?.break_glass, hotfix.approval?.external_ref, hotfix.approval?.decided_by],
      ['break_glass', true, 'INC-9', 'oncall'],
    );
    assert.deepEqual(
      [baseline.approval?.approval_id, baseline.approval?.state, baseline.approval?.break_glass],
      [normalId, 'approved', false],
    );
    assert.deepEqual(baseline.changes?.entries_added, [{ list: 'commands.block', entry: 'terraform apply -auto-approve' }]);
    assert.equal(s.predicate.base, 'HEAD');
  });

  it("Sigstore's DSSE verifier accepts it with the publishing key, and so does attest verify", () => {
    const pem = readFileSync(publicKey(), 'utf8');
    sigstoreVerify(envelope(), pem);
    const r = cli(ws.root, ['attest', 'verify', envelopeFile(), '--public-key', publicKey()]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^OK .*cavra-attestation\.intoto\.json: DSSE signature verified with key [0-9a-f]{64}; in-toto Statement v1, 2 subject\(s\)\n/,
    );
    assert.match(r.stdout, /cavra-hotfix: apr_\w+ break_glass \(break-glass publish\)/);
  });

  it('with --root, attest verify also compares each subject with the file under review', () => {
    const ok = cli(ws.root, ['attest', 'verify', envelopeFile(), '--public-key', publicKey(), '--root', ws.root]);
    assert.equal(ok.status, 0, ok.stderr);
    const policy = join(ws.root, 'policies', 'cavra-hotfix', 'policy.yaml');
    const original = readFileSync(policy);
    try {
      writeFileSync(policy, `${original.toString('utf8')}# one more line\n`);
      const r = cli(ws.root, ['attest', 'verify', envelopeFile(), '--public-key', publicKey(), '--root', ws.root]);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /the files under .* are not the attested ones: policies\/cavra-hotfix\/policy\.yaml is sha256:[0-9a-f]{64}, the attestation says sha256:[0-9a-f]{64}$/m,
      );
    } finally {
      writeFileSync(policy, original);
    }
  });

  describe('tampering', () => {
    const tampered = (change: (e: Envelope) => void) => {
      const e = envelope();
      change(e);
      const file = ws.write('out/tampered.json', JSON.stringify(e));
      return { e, file };
    };

    it('a changed payload (the break-glass flag flipped) is refused by Sigstore and by attest verify', () => {
      const { e, file } = tampered((env) => {
        const s = statementOf(env);
        s.predicate.packs[0].approval!.break_glass = false;
        env.payload = Buffer.from(JSON.stringify(s)).toString('base64');
      });
      assert.throws(() => sigstoreVerify(e, readFileSync(publicKey(), 'utf8')), /signature verification failed/);
      const r = cli(ws.root, ['attest', 'verify', file, '--public-key', publicKey()]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /no signature in the envelope verifies with the given key/);
    });

    it('a changed payloadType is refused (PAE binds the type)', () => {
      const { e, file } = tampered((env) => (env.payloadType = 'application/json'));
      assert.throws(() => sigstoreVerify(e, readFileSync(publicKey(), 'utf8')), /signature verification failed/);
      assert.equal(cli(ws.root, ['attest', 'verify', file, '--public-key', publicKey()]).status, 1);
    });

    it('another key is refused; a file that is not JSON is an input error', () => {
      cliJson(ws.root, ['keygen', '--output', 'other-keys', '--key-id', 'mallory']);
      const other = join(ws.root, 'other-keys', 'mallory.public.pem');
      assert.throws(() => sigstoreVerify(envelope(), readFileSync(other, 'utf8')), /signature verification failed/);
      const r = cli(ws.root, ['attest', 'verify', envelopeFile(), '--public-key', other]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /no signature in the envelope verifies with the given key \(fingerprint [0-9a-f]{64}\)/);
      writeFileSync(join(ws.root, 'out', 'broken.json'), '{');
      assert.equal(cli(ws.root, ['attest', 'verify', 'out/broken.json', '--public-key', other]).status, 2);
      assert.equal(cli(ws.root, ['attest', 'verify', envelopeFile()]).status, 2);
    });

    it('a policy edited and re-signed after publishing is attested as having no approval', () => {
      const policy = join(ws.root, 'policies', PACK_ID, 'policy.yaml');
      const original = readFileSync(policy);
      const sig = readFileSync(`${policy}.sig.json`);
      try {
        writeFileSync(policy, original.toString('utf8').replace('terraform apply', 'terraform plan'));
        assert.equal(cli(ws.root, ['sign', policy, ...key]).status, 0);
        const r = cli(ws.root, ['attest', '--packs', PACK_ID, '--output-dir', 'out/edited']);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`  ${PACK_ID}: no approval\\n`));
        const md = readFileSync(join(ws.root, 'out/edited/cavra-attestation.md'), 'utf8');
        assert.ok(md.includes(`| \`${PACK_ID}\` |`) && md.includes('| **none** |'), md);
        assert.match(md, /:warning: \*\*no approval\*\*: no publish record in the evidence log for these bytes/);
        const s = statementOf(
          JSON.parse(readFileSync(join(ws.root, 'out/edited/cavra-attestation.intoto.json'), 'utf8')) as Envelope,
        );
        assert.equal(s.predicate.packs[0].approval, null);
      } finally {
        writeFileSync(policy, original);
        writeFileSync(`${policy}.sig.json`, sig);
      }
    });
  });

  it('usage: neither --base nor --packs, a bad ref, and a workspace with no Ed25519 key are exit 2', () => {
    const none = cli(ws.root, ['attest']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /attest needs --base GITREF \(what changed since\) or --packs a,b/);
    const badRef = cli(ws.root, ['attest', '--base', 'no-such-ref']);
    assert.equal(badRef.status, 2);
    assert.match(badRef.stderr, /git rev-parse .*no-such-ref/);
    const noKey = cli(ws.root, ['attest', '--packs', PACK_ID, '--key-dir', 'nowhere', '--output-dir', 'out/none']);
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /no attestation key: the publishing private key is not in .*nowhere; pass --attestation-key PEM/);
  });

  it('--attestation-key signs with a configured key when the packs have no publishing key at hand', () => {
    cliJson(ws.root, ['keygen', '--output', 'attest-keys', '--key-id', 'attestor']);
    const r = cli(ws.root, [
      'attest',
      '--packs',
      `${PACK_ID},cavra-hotfix`,
      '--attestation-key',
      'attest-keys/attestor.private.pem',
      '--output-dir',
      'out/configured',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(readFileSync(join(ws.root, 'out/configured/cavra-attestation.intoto.json'), 'utf8')) as Envelope;
    sigstoreVerify(e, readFileSync(join(ws.root, 'attest-keys/attestor.public.pem'), 'utf8'));
    assert.equal(statementOf(e).predicate.packs[0].changes, null);
  });
});
