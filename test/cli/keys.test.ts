// keygen → sign → verify through the CLI process, checked independently by OpenSSL; tampering and
// wrong keys exit 1; secrets never appear in any output. verify checks the signature alone here
// (--signature-only); the whole chain is test/cli/publishProvenance.test.ts.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson, hasOpenssl } from './cliProcess';

const POLICY = `metadata:
  id: cavra-keys-test
  title: Keys test
  description: A pack to sign.
  version: "2026.05"
# the author's comment is part of the signed bytes
commands:
  block:
    - terraform apply -auto-approve
`;

interface KeygenResult {
  key_id: string;
  private_key_path: string;
  public_key_path: string;
  public_key_sha256: string;
}

describe('cavra-policy keygen, sign, verify', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ 'policies/cavra-keys-test/policy.yaml': POLICY });
  });
  afterEach(() => ws.remove());
  const policy = 'policies/cavra-keys-test/policy.yaml';

  function keygen(keyId = 'release'): KeygenResult {
    return cliJson<KeygenResult>(ws.root, ['keygen', '--output', 'keys', '--key-id', keyId]);
  }

  it("keygen writes CAVRA's two PEM files, the private one readable by the owner only", () => {
    const k = keygen();
    assert.equal(k.key_id, 'release');
    assert.equal(k.private_key_path, join(ws.root, 'keys', 'release.private.pem'));
    assert.equal(k.public_key_path, join(ws.root, 'keys', 'release.public.pem'));
    assert.match(readFileSync(k.private_key_path, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(readFileSync(k.public_key_path, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(k.public_key_sha256, createHash('sha256').update(readFileSync(k.public_key_path)).digest('hex'));
    if (process.platform !== 'win32') assert.equal(statSync(k.private_key_path).mode & 0o777, 0o600);
  });

  it('keygen never overwrites a key: exit 1, the old files unchanged', () => {
    const k = keygen();
    const before = readFileSync(k.private_key_path, 'utf8');
    const r = cli(ws.root, ['keygen', '--output', 'keys', '--key-id', 'release']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to overwrite .*release\.private\.pem/);
    assert.equal(readFileSync(k.private_key_path, 'utf8'), before);
  });

  it('keygen usage errors exit 2: missing --key-id, a key id that is a path', () => {
    const missing = cli(ws.root, ['keygen', '--output', 'keys']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /keygen needs --key-id ID/);
    const path = cli(ws.root, ['keygen', '--output', 'keys', '--key-id', '../escape']);
    assert.equal(path.status, 2);
    assert.match(path.stderr, /--key-id must be a plain name/);
    assert.ok(!existsSync(join(ws.root, 'escape.private.pem')));
  });

  it('round trip: sign with the private key, verify with the public key, and OpenSSL agrees', function () {
    const k = keygen();
    const signed = cli(ws.root, ['sign', policy, '--private-key', k.private_key_path, '--key-id', 'release', '--signer', 'ci']);
    assert.equal(signed.status, 0, signed.stderr);
    const sigPath = join(ws.root, `${policy}.sig.json`);
    const sig = JSON.parse(readFileSync(sigPath, 'utf8'));
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
    assert.equal(sig.algorithm, 'Ed25519');
    assert.equal(sig.signer, 'ci');
    assert.equal(sig.key_id, 'release');
    assert.equal(sig.policy_file, 'policy.yaml');
    assert.equal(sig.public_key_sha256, k.public_key_sha256);
    assert.equal(sig.digest, `sha256:${createHash('sha256').update(POLICY).digest('hex')}`);

    const verified = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', k.public_key_path]);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, /verified Ed25519 signature/);

    if (!hasOpenssl()) this.skip();
    const sigBin = ws.write('sig.bin', '');
    writeFileSync(sigBin, Buffer.from(sig.signature, 'base64'));
    const ossl = spawnSync(
      'openssl',
      ['pkeyutl', '-verify', '-pubin', '-inkey', k.public_key_path, '-rawin', '-in', join(ws.root, policy), '-sigfile', sigBin],
      { encoding: 'utf8' },
    );
    assert.equal(ossl.status, 0, ossl.stderr + ossl.stdout);
    assert.match(ossl.stdout, /Signature Verified Successfully/);
  });

  it('a key made by OpenSSL signs here and verifies', function () {
    if (!hasOpenssl()) this.skip();
    const gen = spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', join(ws.root, 'o.private.pem')]);
    assert.equal(gen.status, 0);
    spawnSync('openssl', ['pkey', '-in', join(ws.root, 'o.private.pem'), '-pubout', '-out', join(ws.root, 'o.public.pem')]);
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', 'o.private.pem']).status, 0);
    assert.equal(cli(ws.root, ['verify', '--signature-only', policy, '--public-key', 'o.public.pem']).status, 0);
  });

  it('tampering with the policy after signing: exit 1, policy digest mismatch', () => {
    const k = keygen();
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', k.private_key_path]).status, 0);
    appendFileSync(join(ws.root, policy), '    - rm -rf /\n');
    const r = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', k.public_key_path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /verification failed for .*: policy digest mismatch/);
  });

  it('a forged signature with the right digest: exit 1, Ed25519 signature mismatch', () => {
    const k = keygen();
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', k.private_key_path]).status, 0);
    const sigPath = join(ws.root, `${policy}.sig.json`);
    const sig = JSON.parse(readFileSync(sigPath, 'utf8'));
    const raw = Buffer.from(sig.signature, 'base64');
    raw[0] ^= 1;
    writeFileSync(sigPath, JSON.stringify({ ...sig, signature: raw.toString('base64') }, null, 2));
    const r = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', k.public_key_path, '--json']);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.problem, 'signature-mismatch');
    assert.match(r.stderr, /Ed25519 signature mismatch/);
  });

  it('another key is not trusted: exit 1 naming the fingerprint; any one of several --public-key may match', () => {
    const signer = keygen('signer');
    const other = keygen('other');
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', signer.private_key_path]).status, 0);
    const wrong = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', other.public_key_path]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, new RegExp(`fingerprint mismatch: the signing key ${signer.public_key_sha256}`));
    const either = cli(ws.root, [
      'verify',
      '--signature-only',
      policy,
      '--public-key',
      other.public_key_path,
      '--public-key',
      signer.public_key_path,
    ]);
    assert.equal(either.status, 0, either.stderr);
  });

  it("an Ed25519 signature with no trusted key: exit 1, CAVRA's message and where keys are trusted from", () => {
    const k = keygen();
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', k.private_key_path]).status, 0);
    const r = cli(ws.root, ['verify', '--signature-only', policy]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /public key is required for Ed25519 policy signature verification \(no \*\.public\.pem in \.cavra\/policy-signing: add the signer's public key there, or pass --public-key PEM or --key-dir DIR\)/,
    );
  });

  it('verify trusts the key directory (.cavra/policy-signing under --root, as the editor does) without --public-key', () => {
    const k = cliJson<KeygenResult>(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', 'release']);
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', k.private_key_path, '--key-id', 'release']).status, 0);
    const r = cli(ws.root, ['verify', '--signature-only', policy]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `OK ${policy}: verified Ed25519 signature (trusted key .cavra/policy-signing/release.public.pem)\n`);
    // From elsewhere, --root finds the same directory; --key-dir names another one.
    const fromAbove = cli(join(ws.root, 'policies'), [
      'verify',
      '--signature-only',
      join(ws.root, policy),
      '--root',
      ws.root,
      '--json',
    ]);
    assert.equal(fromAbove.status, 0, fromAbove.stderr);
    assert.equal(JSON.parse(fromAbove.stdout).trusted_key, join(ws.root, '.cavra/policy-signing/release.public.pem'));
    const empty = cli(ws.root, ['verify', '--signature-only', policy, '--key-dir', 'nowhere']);
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /no \*\.public\.pem in nowhere/);
    // An explicit --public-key is the only key trusted then.
    const other = keygen('other');
    const explicit = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', other.public_key_path]);
    assert.equal(explicit.status, 1);
    assert.match(explicit.stderr, /fingerprint mismatch/);
  });

  it('a failed verification never advises signing again: it says what changed and to publish again through an approval', () => {
    const k = keygen();
    assert.equal(cli(ws.root, ['sign', policy, '--private-key', k.private_key_path]).status, 0);
    const sigPath = join(ws.root, `${policy}.sig.json`);
    const signedSig = readFileSync(sigPath, 'utf8');
    appendFileSync(join(ws.root, policy), '    - rm -rf /\n');
    const edited = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', k.public_key_path, '--json']);
    assert.equal(edited.status, 1);
    assert.match(
      edited.stderr,
      /policy digest mismatch: the policy changed after signing \(policy\.yaml\.sig\.json says sha256:[0-9a-f]{64}, the file is sha256:[0-9a-f]{64}\)\n/,
    );
    assert.match(
      edited.stderr,
      /The policy's bytes changed after it was signed\. Do not sign it again: that would bless a change nobody approved\. Revert the edit, or publish the change again through an approval \(cavra-policy plan, request, approval approve, publish\)\./,
    );
    assert.match(JSON.parse(edited.stdout).advice, /publish the change again through an approval/);
    writeFileSync(join(ws.root, policy), POLICY);
    const sig = JSON.parse(signedSig);
    writeFileSync(sigPath, JSON.stringify({ ...sig, signature: Buffer.alloc(64).toString('base64') }, null, 2));
    const forged = cli(ws.root, ['verify', '--signature-only', policy, '--public-key', k.public_key_path]);
    assert.equal(forged.status, 1);
    assert.match(forged.stderr, /the signature file was altered, or made with another key\. Do not sign it again/);
    for (const r of [edited, forged]) assert.doesNotMatch(r.stdout + r.stderr, /sign it again(?!:)|re-sign|cavra-policy sign/i);
  });

  it('HS256: sign and verify with --key or $CAVRA_POLICY_SIGNING_KEY; a wrong key exits 1; the key is never printed', () => {
    const secret = 'hmac-secret-value-0123';
    const signed = cli(ws.root, ['sign', policy, '--key', secret, '--json']);
    assert.equal(signed.status, 0, signed.stderr);
    assert.equal(JSON.parse(signed.stdout).signature.algorithm, 'HS256');
    const ok = cli(ws.root, ['verify', '--signature-only', policy], { CAVRA_POLICY_SIGNING_KEY: secret });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = cli(ws.root, ['verify', '--signature-only', policy, '--key', 'another-secret-value']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /HMAC signature mismatch/);
    for (const r of [signed, ok, bad]) assert.ok(!(r.stdout + r.stderr).includes(secret));
  });

  it('no key at all: the digest-only SHA256 form, which still catches an edit', () => {
    const signed = cliJson<{ signature: { algorithm: string } }>(ws.root, ['sign', policy]);
    assert.equal(signed.signature.algorithm, 'SHA256');
    assert.equal(cli(ws.root, ['verify', '--signature-only', policy]).status, 0);
    appendFileSync(join(ws.root, policy), '# edited\n');
    assert.equal(cli(ws.root, ['verify', '--signature-only', policy]).status, 1);
  });

  it('the private key never appears in output, even in an error about it', () => {
    const k = keygen();
    const pemBody = readFileSync(k.private_key_path, 'utf8').split('\n')[1];
    const runs = [
      cli(ws.root, ['sign', policy, '--private-key', k.private_key_path, '--json']),
      cli(ws.root, ['sign', policy, '--private-key', k.private_key_path]),
      cli(ws.root, ['verify', '--signature-only', policy, '--public-key', k.private_key_path]),
    ];
    for (const r of runs) assert.ok(!(r.stdout + r.stderr).includes(pemBody), r.stdout + r.stderr);
  });

  it('an unsigned policy exits 1 and says how to sign it; unreadable inputs exit 2', () => {
    const unsigned = cli(ws.root, ['verify', '--signature-only', policy]);
    assert.equal(unsigned.status, 1);
    assert.match(
      unsigned.stderr,
      /no signature: .*policy\.yaml\.sig\.json does not exist\. A published pack gets its signature from cavra-policy publish, through an approval; for a file outside that flow, cavra-policy sign .* writes one/,
    );
    const missingPolicy = cli(ws.root, ['verify', 'policies/none/policy.yaml']);
    assert.equal(missingPolicy.status, 2);
    assert.match(missingPolicy.stderr, /cannot read policies\/none\/policy\.yaml: ENOENT/);
    const missingSig = cli(ws.root, ['verify', '--signature-only', policy, '--signature', 'nope.sig.json']);
    assert.equal(missingSig.status, 2);
    assert.match(missingSig.stderr, /cannot read nope\.sig\.json: ENOENT/);
    const notAKey = cli(ws.root, ['sign', policy, '--private-key', policy]);
    assert.equal(notAKey.status, 2);
    assert.match(notAKey.stderr, /policy\.yaml: not a PEM/);
  });

  it('sign usage errors exit 2 and write nothing', () => {
    const cases: [string[], RegExp][] = [
      [['sign'], /sign needs the policy file to sign/],
      [['sign', policy, '--key-id', 'x'], /--key-id names an Ed25519 key: add --private-key PEM/],
      [['sign', policy, '--private-key', 'k.pem', '--key', 'abc'], /--private-key and --key both given/],
      [['sign', policy, '--privat-key', 'k.pem'], /unknown option --privat-key for sign \(did you mean --private-key\?\)/],
      [['sign', policy, '--signer'], /--signer needs a value \(NAME\)/],
      [['sign', policy, policy], /sign takes one policy file/],
    ];
    for (const [args, message] of cases) {
      const r = cli(ws.root, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: cavra-policy sign/);
    }
    assert.ok(!existsSync(join(ws.root, `${policy}.sig.json`)));
  });

  it('--help per command exits 0 and lists its options', () => {
    const r = cli(ws.root, ['verify', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: cavra-policy verify <policy\.yaml>/);
    assert.match(r.stdout, /--public-key PEM/);
  });
});
