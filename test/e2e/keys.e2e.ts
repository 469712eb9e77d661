// Issue 15 section 2 in a real VS Code (code-server, the installed VSIX): keys that stay private and
// signers that count only once pinned outside the repository.
// The workspace holds a pack signed by `cavra-policy sign` with a key made with another key home, so the
// editor's user has not pinned it; its private key lands in .cavra/policy-signing/ while the editor runs
// (the old README's instruction put it there). The editor warns about the private key and moves it
// to the user's key home (run.sh's $CAVRA_KEY_HOME, the one code-server's language servers read); the
// signature is "signed, signer not pinned" until the user pins the fingerprint, and
// fails as "revoked" once they revoke it, both done in a terminal with `cavra-policy keys pin|revoke`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const CLI = join(repoRoot, 'dist', 'cli.js');
const ACTIVATION_TIMEOUT = 60_000;
const PUBLISHED = 'policies/cavra-baseline/policy.yaml';

function cli(cwd: string, keyHome: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, CAVRA_KEY_HOME: keyHome },
  });
  if (r.status !== 0) throw new Error(`cavra-policy ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

describe('keys: a private key in the workspace is moved away; a signer counts once pinned, not once revoked', function () {
  this.timeout(180_000);
  this.bail(true);
  let wb: Workbench;
  let tmp = '';
  let ws = '';
  // Unique per run: the editor's key home is shared by the run's scenarios, and a key is never moved over another.
  const keyId = `e2e-release-${process.pid}-${Date.now().toString(36)}`;
  let fingerprint = '';
  /** Where keygen put the private key; the first step copies it into the workspace while the editor runs. */
  let privateKeyMade = '';
  const editorKeyHome = process.env.CAVRA_KEY_HOME ?? '';

  before(async function () {
    this.timeout(120_000);
    assert.ok(editorKeyHome, 'test/e2e/run.sh sets CAVRA_KEY_HOME (the key home of code-server and its language servers)');
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-keys-'));
    ws = join(tmp, 'acme-policies');
    cpSync(FIXTURE, ws, { recursive: true });
    // Made the way an old workspace was set up, with someone else's key home: pinned there, not here.
    const otherHome = join(tmp, 'someone-elses-key-home');
    const keys = join(ws, '.cavra', 'policy-signing');
    privateKeyMade = join(tmp, 'made-outside');
    cli(ws, otherHome, 'keygen', '--output', keys, '--key-id', keyId, '--private-key-dir', privateKeyMade);
    cli(ws, otherHome, 'sign', PUBLISHED, '--private-key', join(privateKeyMade, `${keyId}.private.pem`), '--key-id', keyId);
    fingerprint = cli(ws, otherHome, 'keys', 'fingerprint', join(keys, `${keyId}.public.pem`))
      .trim()
      .split(/\s+/)[0];
    assert.match(fingerprint, /^sha256:[0-9a-f]{64}$/);
    wb = await Workbench.launch();
    await wb.openFolder(ws);
    await wb.openFile(PUBLISHED);
    await wb.waitForStatusBarItem('the CAVRA item', (i) => /CAVRA/.test(i.text), ACTIVATION_TIMEOUT);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    console.error(`  screenshot: ${await wb.failureShot(this.currentTest.title)}`);
    console.error(`  notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}`);
  });
  after(async () => {
    await wb?.close();
    rmSync(join(editorKeyHome, `${keyId}.private.pem`), { force: true });
    if (tmp && process.env.CAVRA_E2E_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  });

  it('warns about the private key (Problems and a notification) and moves it to the key home on request', async () => {
    // Copied in while the editor runs (as `keygen --output` into the workspace did): the warning comes now.
    const inWorkspace = join(ws, '.cavra', 'policy-signing', `${keyId}.private.pem`);
    copyFileSync(join(privateKeyMade, `${keyId}.private.pem`), inWorkspace);
    const keyBytes = readFileSync(inWorkspace, 'utf8');
    const note = new RegExp(`^A private key is inside the workspace \\(\\.cavra/policy-signing/${keyId}\\.private\\.pem\\)`);
    await wb.waitForNotification('the private key warning', note);
    const problem = await wb.waitForProblem(
      'private-key-in-workspace on the key file',
      (p) => p.code === 'private-key-in-workspace' && p.file === `${keyId}.private.pem` && p.severity === 'Warning',
    );
    assert.equal(problem.source, 'cavra');
    await wb.clickNotificationButton(note, 'Move to Key Home');
    const moved = join(editorKeyHome, `${keyId}.private.pem`);
    await wb.waitForNotification(
      'the key moved',
      new RegExp(`^Moved the private key to ${moved.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`),
    );
    assert.equal(existsSync(inWorkspace), false, 'the key left the workspace');
    assert.equal(readFileSync(moved, 'utf8'), keyBytes, 'the same key, byte for byte');
    assert.equal(statSync(moved).mode & 0o777, 0o600, 'readable by its owner only');
    await wb.waitFor(
      'the warning gone from Problems',
      async () => !(await wb.problems()).some((p) => p.code === 'private-key-in-workspace'),
      15_000,
    );
    await wb.clearNotifications();
  });

  it('a valid signature by an unpinned key is "signed, signer not pinned" on the file, in the status bar and in Policy Packs', async () => {
    const p = await wb.waitForProblem(
      'signature-not-pinned on the published file',
      (x) => x.code === 'signature-not-pinned' && x.file === 'policy.yaml' && x.severity === 'Warning',
    );
    assert.match(p.message, /cavra-policy keys pin/);
    assert.ok(p.message.includes(fingerprint), `the message names the fingerprint ${fingerprint}: ${p.message}`);
    await wb.waitForStatusBarItem('signer not pinned', (i) => /signed, signer not pinned/.test(i.text));
    await wb.showView('Policy Packs');
    await wb.waitForTreeRow(
      'Policy Packs',
      'cavra-baseline signer not pinned',
      (r) => r.label === 'cavra-baseline' && /signer not pinned/.test(r.description),
    );
  });

  it('pinned in a terminal (cavra-policy keys pin), the signature counts; revoked there, it fails as revoked', async () => {
    // What the warning tells the user to do, with their key home: the editor notices without a reload.
    cli(ws, editorKeyHome, 'keys', 'pin', fingerprint);
    await wb.waitFor(
      'no signature-not-pinned once pinned',
      async () => !(await wb.problems()).some((x) => x.code === 'signature-not-pinned'),
      30_000,
    );
    await wb.waitForTreeRow(
      'Policy Packs',
      'cavra-baseline pinned (no longer "signer not pinned")',
      (r) => r.label === 'cavra-baseline' && !/signer not pinned/.test(r.description),
    );
    // Signed with `cavra-policy sign`, outside any approval: the chain says so once the signer counts.
    await wb.waitForProblem(
      'publish-provenance',
      (x) => x.code === 'publish-provenance' && /signed outside an approval/.test(x.message),
    );

    cli(ws, editorKeyHome, 'keys', 'revoke', fingerprint, '--note', 'e2e: the laptop was lost');
    const revoked = await wb.waitForProblem(
      'the signature fails as revoked',
      (x) => x.file === 'policy.yaml' && x.severity === 'Error' && /revoked/.test(x.message),
      30_000,
    );
    assert.equal(revoked.code, 'signature-mismatch');
    await wb.waitForStatusBarItem('revoked in the status bar', (i) => /CAVRA .*(invalid|revoked)/.test(i.text));
  });
});
