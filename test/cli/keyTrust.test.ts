// Keys that stay private (issue 15, section 2), through the CLI process: keygen keeps the private key
// out of git work trees and in the key home; a signature counts only when its key is pinned outside the
// repository; rotation keeps old signatures, revocation voids them and names the packs to publish
// again; an external signer (a script around OpenSSL) signs without the studio reading the key.
// verify runs with --signature-only here: these cases are about key trust alone (the whole chain from the
// bytes to an approval is test/cli/publishProvenance.test.ts).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { PACK_ID, cavraWorkspace, requestAndApprove } from './cavraWorkspace';
import { cli, cliJson, hasOpenssl } from './cliProcess';

const policyText = (id: string) => `metadata:
  id: ${id}
  title: ${id}
  description: A pack to sign.
  version: "2026.05"
commands:
  block:
    - terraform apply -auto-approve
`;

interface Keygen {
  private_key_path: string;
  public_key_path: string;
  fingerprint: string;
  pinned_in: string;
}

/** The fingerprint as OpenSSL alone computes it: SHA-256 of the raw key, the last 32 bytes of the DER. */
function opensslFingerprint(publicPem: string): string {
  const der = spawnSync('openssl', ['pkey', '-pubin', '-in', publicPem, '-outform', 'DER']);
  assert.equal(der.status, 0, der.stderr.toString());
  return `sha256:${createHash('sha256').update(der.stdout.subarray(-32)).digest('hex')}`;
}

describe('cavra-policy keys: private keys, pins, rotation, revocation, external signer', () => {
  let ws: TempWorkspace;
  let elsewhere: string;
  const packs = ['pay', 'ledger', 'audit'];
  const policy = (id: string) => `policies/${id}/policy.yaml`;
  beforeEach(() => {
    ws = tempWorkspace(Object.fromEntries(packs.map((id) => [policy(id), policyText(id)])));
    elsewhere = mkdtempSync(join(tmpdir(), 'cavra-elsewhere-'));
  });
  afterEach(() => {
    ws.remove();
    rmSync(elsewhere, { recursive: true, force: true });
  });
  const keygen = (keyId: string, env: NodeJS.ProcessEnv = {}) =>
    cliJson<Keygen>(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', keyId], env);

  it('keygen refuses to write a private key inside a git work tree; told to, it does and warns', () => {
    assert.equal(spawnSync('git', ['init', '-q', ws.root]).status, 0);
    const refused = cli(ws.root, ['keygen', '--output', 'keys', '--key-id', 'release', '--private-key-dir', '.cavra/keys']);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      new RegExp(
        `refusing to write the private key into ${join(ws.root, '.cavra/keys')}: it is inside the git work tree ${ws.root}, where a commit publishes it`,
      ),
    );
    assert.match(refused.stderr, /--allow-private-key-in-repository/);
    assert.ok(!existsSync(join(ws.root, '.cavra/keys')) && !existsSync(join(ws.root, 'keys')), 'nothing written');
    // A worktree or submodule has a .git file, not a folder: still a work tree.
    const sub = join(ws.root, 'sub');
    mkdirSync(sub);
    writeFileSync(join(sub, '.git'), 'gitdir: ../.git/worktrees/sub\n');
    const inSub = cli(sub, ['keygen', '--output', 'keys', '--key-id', 'r', '--private-key-dir', 'k']);
    assert.equal(inSub.status, 1);
    assert.match(inSub.stderr, /inside the git work tree .*sub/);

    const allowed = cli(ws.root, [
      'keygen',
      '--output',
      'keys',
      '--key-id',
      'release',
      '--private-key-dir',
      '.cavra/keys',
      '--allow-private-key-in-repository',
    ]);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.ok(existsSync(join(ws.root, '.cavra/keys/release.private.pem')));
    assert.match(allowed.stdout, new RegExp(`warning: the private key is inside the git work tree ${ws.root}: never commit it`));
  });

  it('by default the private key goes to the key home ($CAVRA_KEY_HOME, else XDG, else ~/.config), the public key where asked', () => {
    assert.equal(spawnSync('git', ['init', '-q', ws.root]).status, 0);
    const home = join(elsewhere, 'cavra-home');
    const k = keygen('release', { CAVRA_KEY_HOME: home });
    assert.equal(k.private_key_path, join(home, 'release.private.pem'));
    assert.equal(k.public_key_path, join(ws.root, '.cavra/policy-signing/release.public.pem'));
    assert.ok(!existsSync(join(ws.root, '.cavra/policy-signing/release.private.pem')));
    if (process.platform !== 'win32') assert.equal(statSync(k.private_key_path).mode & 0o777, 0o600);
    // The maker's own pin, beside the private key.
    assert.equal(k.pinned_in, join(home, 'trusted-key-fingerprints.txt'));
    assert.match(readFileSync(k.pinned_in, 'utf8'), new RegExp(`^${k.fingerprint}  # keygen release\\n$`));

    const xdg = keygen('xdg', { CAVRA_KEY_HOME: '', XDG_CONFIG_HOME: join(elsewhere, 'xdg') });
    assert.equal(xdg.private_key_path, join(elsewhere, 'xdg', 'cavra-policy-studio', 'keys', 'xdg.private.pem'));
    const fallback = keygen('home', { CAVRA_KEY_HOME: '', XDG_CONFIG_HOME: '', HOME: join(elsewhere, 'user') });
    assert.equal(
      fallback.private_key_path,
      join(elsewhere, 'user', '.config', 'cavra-policy-studio', 'keys', 'home.private.pem'),
    );
  });

  it('the fingerprint is SHA-256 of the raw Ed25519 key: OpenSSL gives the same, either half of the pair gives it', function () {
    const k = keygen('release');
    const fromPublic = cliJson<{ fingerprint: string }>(ws.root, ['keys', 'fingerprint', k.public_key_path]).fingerprint;
    const fromPrivate = cli(ws.root, ['keys', 'fingerprint', k.private_key_path]);
    assert.equal(fromPrivate.status, 0, fromPrivate.stderr);
    assert.equal(fromPrivate.stdout, `${k.fingerprint}\n`);
    assert.equal(fromPublic, k.fingerprint);
    assert.match(k.fingerprint, /^sha256:[0-9a-f]{64}$/);
    const notAKey = cli(ws.root, ['keys', 'fingerprint', policy('pay')]);
    assert.equal(notAKey.status, 2);
    assert.match(notAKey.stderr, /policies\/pay\/policy\.yaml: not a PEM/);
    if (!hasOpenssl()) this.skip();
    assert.equal(opensslFingerprint(k.public_key_path), k.fingerprint);
  });

  it('an unpinned key: "valid signature, signer not pinned", exit 1, never "verified"; a flag, the environment or keys pin trusts it', () => {
    const k = keygen('release');
    assert.equal(cli(ws.root, ['sign', policy('pay'), '--private-key', k.private_key_path, '--key-id', 'release']).status, 0);
    // Another user (another key home) has the workspace's public key, but pinned nothing.
    const other = { CAVRA_KEY_HOME: join(elsewhere, 'other-user') };
    const unpinned = cli(ws.root, ['verify', '--signature-only', policy('pay'), '--json'], other);
    assert.equal(unpinned.status, 1);
    const out = JSON.parse(unpinned.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.problem, 'signer-not-pinned');
    assert.equal(out.signer_trust, 'not-pinned');
    assert.equal(out.signature_checked, true);
    assert.equal(out.key_fingerprint, k.fingerprint);
    assert.equal(
      out.message,
      `valid signature, signer not pinned: the key ${k.fingerprint} (key_id "release") is not pinned outside the repository`,
    );
    assert.match(unpinned.stderr, /If you trust this signer, pin the fingerprint: cavra-policy keys pin <fingerprint>/);
    assert.doesNotMatch(unpinned.stdout + unpinned.stderr, /verified Ed25519/);

    const byFlag = cli(ws.root, ['verify', '--signature-only', policy('pay'), '--trusted-key-fingerprint', k.fingerprint], other);
    assert.equal(byFlag.status, 0, byFlag.stderr);
    assert.match(
      byFlag.stdout,
      /verified Ed25519 signature \(trusted key .*release\.public\.pem, pinned by --trusted-key-fingerprint\)/,
    );
    const byEnv = cli(ws.root, ['verify', '--signature-only', policy('pay')], {
      ...other,
      CAVRA_TRUSTED_KEY_FINGERPRINTS: `sha256:${'0'.repeat(64)}, ${k.fingerprint.toUpperCase().replace('SHA256:', '')}`,
    });
    assert.equal(byEnv.status, 0, byEnv.stderr);
    assert.match(byEnv.stdout, /pinned by \$CAVRA_TRUSTED_KEY_FINGERPRINTS/);
    const pin = cli(
      ws.root,
      ['keys', 'pin', '.cavra/policy-signing/release.public.pem', '--note', 'release key of team pay'],
      other,
    );
    assert.equal(pin.status, 0, pin.stderr);
    assert.equal(cli(ws.root, ['verify', '--signature-only', policy('pay')], other).status, 0);
    const listed = cliJson<{ pinned: { fingerprint: string; note?: string }[] }>(ws.root, ['keys', 'list'], other);
    assert.deepEqual(
      listed.pinned.map((p) => [p.fingerprint, p.note]),
      [[k.fingerprint, 'release key of team pay']],
    );
    // Pinning twice changes nothing.
    assert.match(cli(ws.root, ['keys', 'pin', k.fingerprint], other).stdout, /is already in/);
  });

  it('a malformed pin is an error naming where it is: a flag exits 2 with usage, a pins file names its line', () => {
    const k = keygen('release');
    assert.equal(cli(ws.root, ['sign', policy('pay'), '--private-key', k.private_key_path]).status, 0);
    const flag = cli(ws.root, ['verify', '--signature-only', policy('pay'), '--trusted-key-fingerprint', 'abc123']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /--trusted-key-fingerprint: "abc123" is not a key fingerprint: expected sha256: and 64 hex digits/);
    writeFileSync(k.pinned_in, `${k.fingerprint}\nnot-a-fingerprint # typo\n`);
    const file = cli(ws.root, ['verify', '--signature-only', policy('pay')]);
    assert.equal(file.status, 2);
    assert.match(file.stderr, new RegExp(`${k.pinned_in}:2: "not-a-fingerprint" is not a key fingerprint`));
    const env = cli(ws.root, ['keys', 'list'], { CAVRA_REVOKED_KEY_FINGERPRINTS: 'sha256:xyz' });
    assert.equal(env.status, 2);
    assert.match(env.stderr, /\$CAVRA_REVOKED_KEY_FINGERPRINTS: "sha256:xyz" is not a key fingerprint/);
  });

  it('rotation keeps old signatures valid under the retired key; revoking it fails them with "revoked" and names the packs to publish again', () => {
    const old = keygen('release-2025');
    for (const id of ['pay', 'ledger']) {
      assert.equal(
        cli(ws.root, ['sign', policy(id), '--private-key', old.private_key_path, '--key-id', 'release-2025']).status,
        0,
      );
    }
    // Rotate: a new key signs from now on; the old one is retired but stays pinned.
    const next = keygen('release-2026');
    assert.equal(
      cli(ws.root, ['sign', policy('audit'), '--private-key', next.private_key_path, '--key-id', 'release-2026']).status,
      0,
    );
    for (const id of packs) assert.equal(cli(ws.root, ['verify', '--signature-only', policy(id)]).status, 0, id);

    const revoke = cli(ws.root, ['keys', 'revoke', old.fingerprint, '--note', 'laptop stolen 2026-12-01']);
    assert.equal(revoke.status, 0, revoke.stderr);
    const r = cli(ws.root, ['verify', '--signature-only', policy('pay'), '--json']);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.problem, 'revoked-key');
    assert.equal(out.signer_trust, 'revoked');
    assert.match(
      out.message,
      new RegExp(
        `^revoked: the signing key ${old.fingerprint} \\(key_id "release-2025"\\) is revoked \\(.*revoked-key-fingerprints\\.txt, "laptop stolen 2026-12-01"\\)`,
      ),
    );
    assert.deepEqual(out.must_republish, [policy('ledger'), policy('pay')]);
    assert.match(
      r.stderr,
      /Packs signed by this key, to publish again through an approval:\n {2}policies\/ledger\/policy\.yaml\n {2}policies\/pay\/policy\.yaml/,
    );
    assert.match(r.stderr, /Publish the pack again through an approval with a current key/);
    // The new key's pack is untouched; the revocation wins over a pin given on the command line too.
    assert.equal(cli(ws.root, ['verify', '--signature-only', policy('audit')]).status, 0);
    const pinnedAnyway = cli(ws.root, [
      'verify',
      '--signature-only',
      policy('ledger'),
      '--trusted-key-fingerprint',
      old.fingerprint,
    ]);
    assert.equal(pinnedAnyway.status, 1);
    assert.match(pinnedAnyway.stderr, /revoked: the signing key/);
    // CI revokes by flag or secret, with no key home at all.
    const ci = {
      CAVRA_KEY_HOME: join(elsewhere, 'ci'),
      CAVRA_TRUSTED_KEY_FINGERPRINTS: `${old.fingerprint},${next.fingerprint}`,
    };
    assert.equal(cli(ws.root, ['verify', '--signature-only', policy('pay')], ci).status, 0);
    const ciRevoked = cli(
      ws.root,
      ['verify', '--signature-only', policy('pay'), '--revoked-key-fingerprint', old.fingerprint],
      ci,
    );
    assert.equal(ciRevoked.status, 1);
    assert.match(ciRevoked.stderr, /is revoked \(--revoked-key-fingerprint\)/);
  });

  describe('an external signer (a script around openssl pkeyutl)', () => {
    const script = join(repoRoot, 'test', 'fixtures', 'keys', 'openssl-signer.sh');
    let signerKey: string;
    let signerPublic: string;
    beforeEach(function () {
      if (!hasOpenssl()) this.skip();
      // The key lives where the studio is never told about it: only the script knows.
      signerKey = join(elsewhere, 'hsm.pem');
      signerPublic = join(ws.root, '.cavra/policy-signing/hsm.public.pem');
      mkdirSync(join(ws.root, '.cavra/policy-signing'), { recursive: true });
      assert.equal(spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', signerKey]).status, 0);
      assert.equal(spawnSync('openssl', ['pkey', '-in', signerKey, '-pubout', '-out', signerPublic]).status, 0);
    });
    const signer = `sh ${JSON.stringify(script)}`;

    it('sign: the bytes go to the command, its signature lands in sig.json, and it verifies here and with OpenSSL', () => {
      const env = { SIGNER_KEY: signerKey };
      const signed = cli(
        ws.root,
        ['sign', policy('pay'), '--external-signer', signer, '--public-key', signerPublic, '--key-id', 'hsm'],
        env,
      );
      assert.equal(signed.status, 0, signed.stderr);
      const sig = JSON.parse(readFileSync(join(ws.root, `${policy('pay')}.sig.json`), 'utf8'));
      assert.equal(sig.algorithm, 'Ed25519');
      assert.equal(sig.key_id, 'hsm');
      assert.equal(sig.public_key_sha256, createHash('sha256').update(readFileSync(signerPublic)).digest('hex'));
      // The key's base64 body as text, not as a pattern: '+' and '/' made some random keys an invalid RegExp.
      const keyBody = readFileSync(signerKey, 'utf8').split('\n')[1];
      assert.ok(keyBody.length > 20 && !(signed.stdout + signed.stderr).includes(keyBody), 'the private key is not printed');

      const fp = opensslFingerprint(signerPublic);
      const verified = cli(ws.root, ['verify', '--signature-only', policy('pay'), '--trusted-key-fingerprint', fp]);
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(verified.stdout, /verified Ed25519 signature \(trusted key .*hsm\.public\.pem/);
      const sigBin = join(elsewhere, 'sig.bin');
      writeFileSync(sigBin, Buffer.from(sig.signature, 'base64'));
      const ossl = spawnSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          signerPublic,
          '-rawin',
          '-in',
          join(ws.root, policy('pay')),
          '-sigfile',
          sigBin,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(ossl.status, 0, ossl.stderr + ossl.stdout);

      // The environment names the signer as a CI job would.
      const byEnv = cli(ws.root, ['sign', policy('ledger')], {
        ...env,
        CAVRA_EXTERNAL_SIGNER: signer,
        CAVRA_EXTERNAL_SIGNER_PUBLIC_KEY: signerPublic,
      });
      assert.equal(byEnv.status, 0, byEnv.stderr);
      assert.equal(cli(ws.root, ['verify', '--signature-only', policy('ledger'), '--trusted-key-fingerprint', fp]).status, 0);
    });

    it('a signer with another key, a failing signer or garbage output: exit 1, the reason, no sig.json', () => {
      const sigPath = join(ws.root, `${policy('pay')}.sig.json`);
      const otherKey = join(elsewhere, 'other.pem');
      assert.equal(spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', otherKey]).status, 0);
      const wrongKey = cli(ws.root, ['sign', policy('pay'), '--external-signer', signer, '--public-key', signerPublic], {
        SIGNER_KEY: otherKey,
      });
      assert.equal(wrongKey.status, 1);
      assert.match(wrongKey.stderr, /the external signer returned a signature that does not verify with its public key/);
      const failing = cli(ws.root, ['sign', policy('pay'), '--external-signer', signer, '--public-key', signerPublic], {
        SIGNER_KEY: join(elsewhere, 'missing.pem'),
      });
      assert.equal(failing.status, 1);
      assert.match(failing.stderr, /external signer `sh .*openssl-signer\.sh"?` exited 1: .*/);
      const garbage = cli(ws.root, [
        'sign',
        policy('pay'),
        '--external-signer',
        'echo not-a-signature',
        '--public-key',
        signerPublic,
      ]);
      assert.equal(garbage.status, 1);
      assert.match(garbage.stderr, /must print the base64 of a 64-byte Ed25519 signature on stdout/);
      assert.ok(!existsSync(sigPath));
      const usage = cli(ws.root, ['sign', policy('pay'), '--external-signer', signer]);
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /an external signer needs its public key: add --public-key PEM/);
      const both = cli(ws.root, ['sign', policy('pay'), '--external-signer', signer, '--public-key', signerPublic, '--key', 'k']);
      assert.equal(both.status, 2);
      assert.match(both.stderr, /--external-signer and a key both given/);
    });
  });
});

describe('cavra-policy publish through an external signer', () => {
  let ws: TempWorkspace;
  let keyDir: string;
  beforeEach(function () {
    if (!hasOpenssl()) this.skip();
    ws = cavraWorkspace();
    keyDir = mkdtempSync(join(tmpdir(), 'cavra-hsm-'));
  });
  afterEach(() => {
    ws?.remove();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('an approved draft is published and signed by the command; verify with the pin says verified', () => {
    const key = join(keyDir, 'hsm.pem');
    const pub = ws.write('.cavra/policy-signing/hsm.public.pem', '');
    assert.equal(spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]).status, 0);
    assert.equal(spawnSync('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]).status, 0);
    const id = requestAndApprove(ws, 'drafts/a.yaml');
    const script = join(repoRoot, 'test', 'fixtures', 'keys', 'openssl-signer.sh');
    const r = cliJson<{ signature_verified: boolean; signature_message: string }>(
      ws.root,
      ['publish', 'drafts/a.yaml', '--approval', id, '--external-signer', `sh ${script}`, '--public-key', pub, '--key-id', 'hsm'],
      { SIGNER_KEY: key },
    );
    assert.equal(r.signature_verified, true);
    const fp = opensslFingerprint(pub);
    const v = cli(ws.root, ['verify', `policies/${PACK_ID}/policy.yaml`, '--trusted-key-fingerprint', fp, '--json']);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).signer_trust, 'pinned');
  });
});
