// A first publish end to end in a real extension host, through the commands the extension and its
// language server register (no UI driving: test/e2e/workflows.e2e.ts does that part). After each
// mutation the views are refreshed, the pack state follows, and an edit of the published file gets the
// signature-mismatch diagnostic. Needs a trusted workspace (@vscode/test-electron passes
// --disable-workspace-trust); skipped in Restricted Mode, which restricted.vscode.ts covers.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cavra-studio.cavra-policy-studio';

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test run must open the e2e workspace');
  return f.uri.fsPath;
}

async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() + delay > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay)); // poll interval
  }
}

/**
 * The suites need the e2e fixture (test/fixtures/e2e-workspace) in the workspace: extension-host.sh
 * opens a copy of it; `npm run test:electron` opens an empty folder, so the missing files are copied
 * in from the extension's own checkout (existing files are left alone).
 */
function ensureFixture(extensionPath: string): void {
  cpSync(join(extensionPath, 'test', 'fixtures', 'e2e-workspace'), folder(), {
    recursive: true,
    force: false,
    errorOnExist: false,
  });
}

const server = <T = any>(method: string, params: unknown) =>
  vscode.commands.executeCommand<T>(`cavra.server.${method}`, params) as Promise<T>;

describe('publish (extension host, trusted workspace)', function () {
  this.timeout(60_000);
  this.bail(true);
  let draft: vscode.Uri;
  let published: vscode.Uri;
  let digest = '';
  let approvalId = '';

  before(async function () {
    if (!vscode.workspace.isTrusted) {
      console.log(
        '      (skipped: Restricted Mode; restricted.vscode.ts covers it. Trusted runs: @vscode/test-electron, or extension-host.sh with --disable-workspace-trust)',
      );
      this.skip();
    }
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    ensureFixture(ext.extensionPath);
    await ext.activate();
    // Activation does not wait for the language server; its commands are registered once it runs.
    await eventually('the language server commands', async () =>
      (await vscode.commands.getCommands(true)).includes('cavra.server.backendInfo') ? true : undefined,
    );
    draft = vscode.Uri.file(join(folder(), 'policies', 'cavra-baseline', 'policy.draft.yaml'));
    published = vscode.Uri.file(join(folder(), 'policies', 'cavra-baseline', 'policy.yaml'));
    // A signing key made with the extension's own CLI, kept in the workspace as an existing workspace
    // has it (never the developer's key home), and pinned in the user settings so its signatures count.
    const keyDir = join(folder(), '.cavra', 'policy-signing');
    if (!existsSync(join(keyDir, 'exthost.private.pem'))) {
      const r = spawnSync(
        process.execPath,
        [
          join(ext.extensionPath, 'dist', 'cli.js'),
          'keygen',
          '--output',
          keyDir,
          '--key-id',
          'exthost',
          '--private-key-dir',
          keyDir,
          '--allow-private-key-in-repository',
        ],
        { encoding: 'utf8', env: { ...process.env, CAVRA_KEY_HOME: join(keyDir, '.key-home') } },
      );
      assert.equal(r.status, 0, r.stderr);
    }
    const fp = spawnSync(
      process.execPath,
      [join(ext.extensionPath, 'dist', 'cli.js'), 'keys', 'fingerprint', join(keyDir, 'exthost.public.pem')],
      { encoding: 'utf8' },
    );
    assert.equal(fp.status, 0, fp.stderr);
    await vscode.workspace
      .getConfiguration('cavra')
      .update('signing.trustedKeyFingerprints', [fp.stdout.trim()], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('cavra')
      .update('signing.trustedKeyFingerprints', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('requests and approves a publish; the approval carries the draft digest', async () => {
    const plan = await server('publishPlan', { uri: draft.toString() });
    digest = plan.policy_digest;
    const requested = await server('publishRequest', {
      uri: draft.toString(),
      approver_group: 'Platform Security',
      ttl_hours: 24,
      requested_by: 'exthost',
    });
    approvalId = requested.approval.approval_id;
    assert.equal(requested.approval.state, 'pending');
    assert.equal(requested.approval.decision.policy_digest, digest);
    const approved = await server('approve', {
      approval_id: approvalId,
      actor: 'ian.owner',
      reason: 'reviewed',
      external_ref: 'CHG-1',
    });
    assert.equal(approved.state, 'approved');
    const list = await server('listApprovals', { state: 'approved', limit: 500 });
    assert.ok(list.items.some((a: any) => a.approval_id === approvalId));
    await vscode.commands.executeCommand('cavra.refreshViews');
  });

  it('publishes signed with the Ed25519 key; the pack state is verified', async () => {
    const result = await server('publish', {
      uri: draft.toString(),
      approval_id: approvalId,
      key_id: 'exthost',
      signer: 'pat.platform',
    });
    assert.equal(result.signature_verified, true, result.signature_message);
    assert.equal(result.policy_path, published.fsPath);
    assert.ok(existsSync(published.fsPath) && existsSync(`${published.fsPath}.sig.json`));
    assert.equal(JSON.parse(readFileSync(`${published.fsPath}.sig.json`, 'utf8')).key_id, 'exthost');
    await vscode.commands.executeCommand('cavra.refreshViews');
    const state = await server('packState', { uri: published.toString() });
    assert.equal(state.signature, 'verified', state.signature_message);
    assert.equal(state.published_under?.approval_id, approvalId);
    assert.equal(state.published_under?.policy_digest, digest);
    const chain = await server('verifyEvidence', {});
    assert.equal(chain.ok, true, chain.message);
  });

  it('an edit of the published file: signature-mismatch on line 1 and the state "modified"', async () => {
    const doc = await vscode.workspace.openTextDocument(published);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'cavra-policy');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(published, new vscode.Position(0, 0), '# edited after signing\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const d = await eventually('the signature-mismatch diagnostic', () =>
      vscode.languages
        .getDiagnostics(published)
        .find((x) => x.code === 'signature-mismatch' || (x.code as { value?: unknown })?.value === 'signature-mismatch'),
    );
    assert.equal(d.range.start.line, 0);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /modified since it was signed/);
    const state = await server('packState', { uri: published.toString() });
    assert.equal(state.signature, 'modified');
  });

  it('applies a rollout change: the inventory has the record, the evidence chain holds', async () => {
    const request = {
      repository: 'payments/api',
      policy_pack: 'cavra-baseline',
      mode: 'enforce',
      state: 'active',
      owner: 'payments-team',
      coverage_percent: 40,
      policy_version: '1.1.0',
    };
    const plan = await server('rolloutPlan', request);
    assert.equal(plan.operation, 'create');
    const applied = await server('rolloutApply', request);
    assert.equal(applied.rollout.rollout_id, 'payments/api:cavra-baseline');
    const inventory = JSON.parse(readFileSync(join(folder(), '.cavra', 'api', 'inventory.json'), 'utf8'));
    assert.ok(
      inventory.policy_rollouts.some((r: any) => r.rollout_id === 'payments/api:cavra-baseline' && r.coverage_percent === 40),
    );
    const rollouts = await server('listRollouts', {});
    assert.ok(rollouts.items.some((r: any) => r.rollout_id === 'payments/api:cavra-baseline'));
    await vscode.commands.executeCommand('cavra.refreshViews');
    const chain = await server('verifyEvidence', {});
    assert.equal(chain.ok, true, chain.message);
    assert.equal(chain.records, 4);
  });
});
