// Keys in the editor, over a real stdio language server: a private key under the workspace gets a
// warning on its file (cleared once it is moved away); a published pack signed by an unpinned key is
// "signed, signer not pinned" (a warning, never verified) until the user's setting pins it, and a
// revoked key fails it; Publish Signed runs the user's external signer (a script around OpenSSL), never
// one from a workspace folder's settings and never in Restricted Mode.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, FileChangeType } from 'vscode-languageserver-protocol/node';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { KeyTrustChangedNotification, WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import {
  generateKeyPair,
  keyFingerprint,
  serializeSignature,
  signPolicyBytes,
  verifyPolicySignature,
} from '../../server/src/signing';
import { cli, hasOpenssl, testKeyHome } from '../cli/cliProcess';
import { LspClient } from '../lsp/lspClient';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

const pack = (id: string) => `metadata:
  id: ${id}
  title: ${id}
  description: A published pack.
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

describe('keys in the editor (stdio language server)', function () {
  this.timeout(30_000);
  let ws: TempWorkspace;
  let client: LspClient | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    ws.remove();
  });

  it('warns on a private key under the workspace, not on public keys, and clears the warning once it is moved away', async () => {
    const pair = generateKeyPair();
    ws = tempWorkspace({
      '.cavra/policy-signing/release.private.pem': pair.privateKeyPem,
      '.cavra/policy-signing/release.public.pem': pair.publicKeyPem,
      'ops/legacy.key': generateKeyPair().privateKeyPem.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY'),
      'node_modules/some-lib/test.pem': pair.privateKeyPem,
    });
    client = await LspClient.start({ workspace: ws.root, env: { CAVRA_KEY_HOME: '/home/me/.config/cavra-policy-studio/keys' } });
    const key = client.uriOf('.cavra/policy-signing/release.private.pem');
    const warned = await client.publishedFor(key, (p) => p.diagnostics.length > 0, 'the private key warning');
    assert.equal(warned.diagnostics.length, 1);
    const [d] = warned.diagnostics;
    assert.equal(d.code, 'private-key-in-workspace');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.match(String(d.message), /^A private key inside the workspace: a commit would publish it/);
    assert.match(String(d.message), /Move it to your key home, \/home\/me\/\.config\/cavra-policy-studio\/keys/);
    const legacy = await client.publishedFor(
      client.uriOf('ops/legacy.key'),
      (p) => p.diagnostics.length > 0,
      'the RSA key warning',
    );
    assert.equal(legacy.diagnostics[0].code, 'private-key-in-workspace');
    const warnedFiles = new Set(
      client.published.filter((p) => p.diagnostics.some((x) => x.code === 'private-key-in-workspace')).map((p) => p.uri),
    );
    assert.deepEqual(
      [...warnedFiles].sort(),
      [key, client.uriOf('ops/legacy.key')].sort(),
      'public keys and node_modules are not warned about',
    );

    renameSync(join(ws.root, '.cavra/policy-signing/release.private.pem'), join(ws.root, 'moved-away.txt'));
    await client.filesChanged(['.cavra/policy-signing/release.private.pem'], FileChangeType.Deleted);
    const cleared = await client.publishedFor(key, (p) => p.diagnostics.length === 0, 'the warning cleared');
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('"Move to Key Home" moves the key file out of the workspace (mode 600, never over a key), and the warning goes', async () => {
    const pair = generateKeyPair();
    ws = tempWorkspace({ '.cavra/policy-signing/release.private.pem': pair.privateKeyPem, 'notes.pem': 'not a key\n' });
    const home = mkdtempSync(join(tmpdir(), 'cavra-key-home-'));
    try {
      client = await LspClient.start({ workspace: ws.root, env: { CAVRA_KEY_HOME: home } });
      const key = client.uriOf('.cavra/policy-signing/release.private.pem');
      await client.publishedFor(key, (p) => p.diagnostics.length > 0, 'the private key warning');
      const moved = await client.connection.sendRequest(WorkflowRequests.movePrivateKey, { uri: key });
      assert.deepEqual(moved, {
        from: join(ws.root, '.cavra/policy-signing/release.private.pem'),
        to: join(home, 'release.private.pem'),
      });
      assert.equal(readFileSync(moved.to, 'utf8'), pair.privateKeyPem);
      assert.equal(statSync(moved.to).mode & 0o777, 0o600);
      assert.ok(!existsSync(moved.from));
      await client.filesChanged(['.cavra/policy-signing/release.private.pem'], FileChangeType.Deleted);
      await client.publishedFor(key, (p) => p.diagnostics.length === 0, 'the warning cleared');

      const again = ws.write('.cavra/policy-signing/release.private.pem', generateKeyPair().privateKeyPem);
      const clash = await failure(client.connection.sendRequest(WorkflowRequests.movePrivateKey, { uri: key }));
      assert.equal(clash.status, 409);
      assert.ok(existsSync(again), 'nothing moved over the existing key');
      assert.equal(readFileSync(moved.to, 'utf8'), pair.privateKeyPem);
      const notKey = await failure(
        client.connection.sendRequest(WorkflowRequests.movePrivateKey, { uri: client.uriOf('notes.pem') }),
      );
      assert.equal(notKey.status, 400);
      assert.match(notKey.detail, /is not a private key file/);
      await client.stop();
      client = await LspClient.start({
        workspace: ws.root,
        env: { CAVRA_KEY_HOME: home },
        initializationOptions: { trusted: false },
      });
      const restricted = await failure(client.connection.sendRequest(WorkflowRequests.movePrivateKey, { uri: key }));
      assert.equal(restricted.status, 403);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('an unpinned signer is "signed, signer not pinned" (a warning), verified once the user pins it, invalid once revoked', async () => {
    const pair = generateKeyPair();
    const text = pack('cavra-pay');
    const sig = signPolicyBytes(Buffer.from(text), { privateKeyPem: pair.privateKeyPem, keyId: 'release', signer: 'ci' });
    ws = tempWorkspace({
      'policies/cavra-pay/policy.yaml': text,
      'policies/cavra-pay/policy.yaml.sig.json': serializeSignature(sig),
      '.cavra/policy-signing/release.public.pem': pair.publicKeyPem,
    });
    const fingerprint = keyFingerprint(pair.publicKeyPem);
    client = await LspClient.start({ workspace: ws.root });
    const c = client.connection;
    const uri = client.uriOf('policies/cavra-pay/policy.yaml');

    const unpinned = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(unpinned?.signature, 'not-pinned');
    assert.equal(unpinned?.signer_trust, 'not-pinned');
    assert.equal(unpinned?.signature_problem, 'signer-not-pinned');
    assert.equal(unpinned?.key_fingerprint, fingerprint);
    assert.match(unpinned?.signature_message ?? '', /^valid signature, signer not pinned/);
    await client.open(uri, text);
    const [warning] = await client.diagnostics(uri);
    assert.equal(warning.code, 'signature-not-pinned');
    assert.equal(warning.severity, DiagnosticSeverity.Warning);
    assert.match(
      String(warning.message),
      /pin the fingerprint: cavra-policy keys pin <fingerprint>, the user setting cavra\.signing\.trustedKeyFingerprints/,
    );

    await client.changeSettings({ signing: { trustedKeyFingerprints: [fingerprint] } } as never);
    // Pinned, the signature verifies; the pack was never published through the studio, which the chain
    // notes as information (publish-provenance), not as a signature finding.
    await client.publishedFor(
      uri,
      (p) => p.diagnostics.every((d) => d.code !== 'signature-not-pinned' && d.code !== 'signature-mismatch'),
      'no signature finding once pinned',
    );
    const pinned = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(pinned?.signature, 'verified');
    assert.equal(pinned?.signer_trust, 'pinned');

    await client.changeSettings({
      signing: { trustedKeyFingerprints: [fingerprint], revokedKeyFingerprints: [fingerprint] },
    } as never);
    const revokedDiagnostics = await client.publishedFor(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'signature-mismatch'),
      'the revoked finding',
    );
    const finding = revokedDiagnostics.diagnostics.find((d) => d.code === 'signature-mismatch')!;
    assert.equal(finding.severity, DiagnosticSeverity.Error);
    assert.match(String(finding.message), /revoked: the signing key .* is revoked \(cavra\.signing\.revokedKeyFingerprints\)/);
    const revoked = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(revoked?.signature, 'invalid');
    assert.equal(revoked?.signature_problem, 'revoked-key');
  });

  it('a pin or revocation made in a terminal (cavra-policy keys pin|revoke) is noticed: diagnostics and views follow', async () => {
    const pair = generateKeyPair();
    const text = pack('cavra-term');
    const sig = signPolicyBytes(Buffer.from(text), { privateKeyPem: pair.privateKeyPem, keyId: 'term' });
    ws = tempWorkspace({
      'policies/cavra-term/policy.yaml': text,
      'policies/cavra-term/policy.yaml.sig.json': serializeSignature(sig),
      '.cavra/policy-signing/term.public.pem': pair.publicKeyPem,
    });
    client = await LspClient.start({ workspace: ws.root });
    const told: string[] = [];
    let heard: () => void = () => undefined;
    client.connection.onNotification(KeyTrustChangedNotification.method, (p: { keyHome: string }) => {
      told.push(p.keyHome);
      heard();
    });
    /** The next KeyTrustChanged notification, within 10 s (the key home is polled every second). */
    const nextNotice = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no cavra/keyTrustChanged after ${what} within 10 s`)), 10_000);
        heard = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const uri = client.uriOf('policies/cavra-term/policy.yaml');
    await client.open(uri, text);
    const [warning] = await client.diagnostics(uri);
    assert.equal(warning.code, 'signature-not-pinned');

    // The CLI as a process, with the same user's key home as the server (nothing in the workspace changes).
    const fingerprint = keyFingerprint(pair.publicKeyPem);
    const pinNoticed = nextNotice('keys pin');
    const pinned = cli(ws.root, ['keys', 'pin', fingerprint]);
    assert.equal(pinned.status, 0, pinned.stderr);
    await pinNoticed;
    await client.publishedFor(
      uri,
      (p) => p.diagnostics.every((d) => d.code !== 'signature-not-pinned' && d.code !== 'signature-mismatch'),
      'no signature finding once pinned in the key home',
    );
    assert.deepEqual(told, [testKeyHome(ws.root)], 'the client is told, with the key home');
    assert.equal((await client.connection.sendRequest(WorkflowRequests.packState, { uri }))?.signature, 'verified');

    const revokeNoticed = nextNotice('keys revoke');
    const revoked = cli(ws.root, ['keys', 'revoke', fingerprint, '--note', 'laptop lost']);
    assert.equal(revoked.status, 0, revoked.stderr);
    await revokeNoticed;
    const after = await client.publishedFor(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'signature-mismatch'),
      'the revoked finding',
    );
    assert.match(String(after.diagnostics.find((d) => d.code === 'signature-mismatch')!.message), /revoked/);
  });

  it("a workspace folder's settings cannot pin a key (user settings only)", async () => {
    const pair = generateKeyPair();
    const text = pack('cavra-ops');
    const sig = signPolicyBytes(Buffer.from(text), { privateKeyPem: pair.privateKeyPem, keyId: 'ops' });
    ws = tempWorkspace({});
    const second = tempWorkspace({
      'policies/cavra-ops/policy.yaml': text,
      'policies/cavra-ops/policy.yaml.sig.json': serializeSignature(sig),
      '.cavra/policy-signing/ops.public.pem': pair.publicKeyPem,
    });
    try {
      client = await LspClient.start({
        workspace: ws.root,
        folders: [{ path: second.root, settings: { signing: { trustedKeyFingerprints: [keyFingerprint(pair.publicKeyPem)] } } }],
      });
      const state = await client.connection.sendRequest(WorkflowRequests.packState, {
        uri: pathToFileURL(join(second.root, 'policies/cavra-ops/policy.yaml')).href,
      });
      assert.equal(state?.signature, 'not-pinned');
    } finally {
      second.remove();
    }
  });

  describe('Publish Signed through an external signer', () => {
    const script = join(repoRoot, 'test', 'fixtures', 'keys', 'openssl-signer.sh');
    let keyDir: string;
    let signerKey: string;
    beforeEach(function () {
      if (!hasOpenssl()) this.skip();
      keyDir = mkdtempSync(join(tmpdir(), 'cavra-hsm-'));
      signerKey = join(keyDir, 'hsm.pem');
      assert.equal(spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', signerKey]).status, 0);
      ws = tempWorkspace({ 'policies/cavra-pay/policy.yaml': pack('cavra-pay') });
      assert.equal(
        spawnSync('openssl', ['pkey', '-in', signerKey, '-pubout', '-out', join(ws.root, 'hsm.public.pem')]).status,
        0,
      );
    });
    afterEach(() => {
      if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    });
    const approved = async (c: LspClient, uri: string, folder?: string) => {
      const request = await c.connection.sendRequest(WorkflowRequests.publishRequest, { uri });
      await c.connection.sendRequest(WorkflowRequests.approve, {
        folder,
        approval_id: request.approval.approval_id,
        actor: 'a',
        reason: 'r',
      });
      return request.approval.approval_id;
    };

    it("signs with the user's command: the signature verifies with the signer's public key; the key is never read", async () => {
      client = await LspClient.start({
        workspace: ws.root,
        env: { SIGNER_KEY: signerKey },
        settings: { signing: { externalSigner: `sh ${script}`, externalSignerPublicKey: 'hsm.public.pem' } } as never,
      });
      const uri = client.uriOf('policies/cavra-pay/policy.yaml');
      const id = await approved(client, uri);
      const both = await failure(
        client.connection.sendRequest(WorkflowRequests.publish, { uri, approval_id: id, key_id: 'x', external_signer: true }),
      );
      assert.equal(both.detail, 'choose a key id or the external signer, not both');
      const result = await client.connection.sendRequest(WorkflowRequests.publish, {
        uri,
        approval_id: id,
        external_signer: true,
      });
      assert.equal(result.signature_verified, true);
      const policy = join(ws.root, 'policies/cavra-pay/policy.yaml');
      const publicPem = readFileSync(join(ws.root, 'hsm.public.pem'), 'utf8');
      const checked = verifyPolicySignature(readFileSync(policy), readFileSync(`${policy}.sig.json`, 'utf8'), {
        publicKeyPems: [publicPem],
        pins: { pinned: [{ fingerprint: keyFingerprint(publicPem), source: 'test' }], revoked: [] },
      });
      assert.equal(checked.ok, true, checked.message);
      assert.equal(checked.signerTrust, 'pinned');
    });

    it("never runs a signer from a workspace folder's settings, nor in Restricted Mode", async () => {
      const planted = join(ws.root, 'pwned');
      const second = tempWorkspace({ 'policies/cavra-ops/policy.yaml': pack('cavra-ops') });
      try {
        client = await LspClient.start({
          workspace: ws.root,
          folders: [
            {
              path: second.root,
              settings: { signing: { externalSigner: `touch ${planted}`, externalSignerPublicKey: 'x.pem' } },
            },
          ],
        });
        const uri = pathToFileURL(join(second.root, 'policies/cavra-ops/policy.yaml')).href;
        const id = await approved(client, uri, pathToFileURL(second.root).href);
        const refused = await failure(
          client.connection.sendRequest(WorkflowRequests.publish, { uri, approval_id: id, external_signer: true }),
        );
        assert.equal(refused.status, 400);
        assert.match(
          refused.detail,
          /no external signer is configured: set cavra\.signing\.externalSigner in your user settings \(a workspace cannot set it\)/,
        );
        await client.stop();

        client = await LspClient.start({
          workspace: ws.root,
          initializationOptions: { trusted: false, signing: { externalSigner: `touch ${planted}` } },
          settings: { signing: { externalSigner: `touch ${planted}` } } as never,
        });
        const restricted = await failure(
          client.connection.sendRequest(WorkflowRequests.publish, {
            uri: client.uriOf('policies/cavra-pay/policy.yaml'),
            approval_id: 'apr_any',
            external_signer: true,
          }),
        );
        assert.equal(restricted.status, 403);
        assert.match(restricted.detail, /Restricted Mode/);
        assert.ok(!existsSync(planted), 'no command ran');
      } finally {
        second.remove();
      }
    });
  });
});
