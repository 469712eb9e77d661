// Restricted Mode in a real extension host: validation, hovers, views and read-only reports work;
// every command that writes, signs, approves or rolls out refuses before asking anything, the language
// server refuses the mutations itself, and nothing is written to the workspace.
// Runs when the workspace is untrusted: test/e2e/extension-host.sh opens it untrusted (VS Code's
// server enables workspace trust unless started with --disable-workspace-trust). `@vscode/test-electron`
// passes --disable-workspace-trust, so there the suite is skipped (test/e2e's code-server run is trusted too).
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cavra-studio.cavra-policy-studio';

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test run must open the e2e workspace');
  return f.uri.fsPath;
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

/** Every file under `dir` (relative path → bytes as text), to prove a command wrote nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
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
 * Runs a UI command that must refuse at once in Restricted Mode. Were it to ask for input instead, its
 * promise would wait for the user: bounded here (the quick input is closed) so the suite reports it.
 */
async function refusesAtOnce(command: string, ...args: unknown[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    Promise.resolve(vscode.commands.executeCommand(command, ...args)).then(
      () => 'done',
      () => 'done',
    ),
    new Promise<'asked'>((r) => {
      timer = setTimeout(() => r('asked'), 3_000);
    }),
  ]);
  clearTimeout(timer);
  if (settled === 'asked') {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.fail(`${command} asked for input in Restricted Mode instead of refusing`);
  }
}

describe('Restricted Mode (extension host, untrusted workspace)', function () {
  this.timeout(60_000);
  let draft: vscode.Uri;

  before(async function () {
    if (vscode.workspace.isTrusted) {
      console.log('      (skipped: this workspace is trusted, e.g. @vscode/test-electron passes --disable-workspace-trust)');
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
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the backend says why mutations are off', async () => {
    const info = await vscode.commands.executeCommand<any>('cavra.server.backendInfo', {});
    assert.match(String(info.restricted), /Restricted Mode/);
  });

  it('validation, hovers, the catalog and read-only reports still work', async () => {
    const uri = vscode.Uri.file(join(folder(), 'policies', 'cavra-payments', 'policy.yaml'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await eventually('the cavra error on line 6', () =>
      vscode.languages
        .getDiagnostics(uri)
        .find((d) => d.source === 'cavra' && d.range.start.line === 5 && d.severity === vscode.DiagnosticSeverity.Error),
    );
    const hovers = await eventually('a hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        new vscode.Position(7, 2),
      );
      return h?.length ? h : undefined;
    });
    assert.ok(hovers.length);
    const catalog = await vscode.commands.executeCommand<any>('cavra.server.catalog', {});
    assert.ok(catalog.items.length >= 2);
    const plan = await vscode.commands.executeCommand<any>('cavra.server.publishPlan', { uri: draft.toString() });
    assert.equal(plan.policy_id, 'cavra-baseline');
    await vscode.commands.executeCommand('cavra.previewDraft', draft);
    await eventually('the draft preview panel', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Draft: cavra-baseline'),
    );
  });

  it('the server refuses every mutation with 403 and writes nothing', async () => {
    const before = snapshot(folder());
    const calls: [string, unknown][] = [
      ['publishRequest', { uri: draft.toString(), approver_group: 'Platform Security', ttl_hours: 24 }],
      ['publish', { uri: draft.toString(), approval_id: 'apr_000000000000' }],
      ['createApproval', { decision: { decision_id: 'd1', action_type: 'shell_command', target: 'ls' } }],
      ['approve', { approval_id: 'apr_000000000000', actor: 'a', reason: 'r' }],
      ['breakGlass', { decision: { decision_id: 'd1' }, actor: 'a', reason: 'r', approver_group: 'g', ttl_hours: 1 }],
      ['rolloutApply', { repository: 'payments/api', policy_pack: 'cavra-baseline', mode: 'enforce', state: 'active' }],
    ];
    for (const [method, params] of calls) {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand(`cavra.server.${method}`, params)),
        (e: Error) => /disabled in Restricted Mode/.test(e.message),
        `cavra.server.${method} must be refused`,
      );
    }
    assert.deepEqual(snapshot(folder()), before, 'no file changed');
  });

  it('the UI commands that write refuse before asking anything', async () => {
    const before = snapshot(folder());
    for (const command of [
      'cavra.requestPublishApproval',
      'cavra.publishSigned',
      'cavra.approve',
      'cavra.deny',
      'cavra.expire',
      'cavra.breakGlass',
      'cavra.applyRolloutChange',
      'cavra.createPack',
    ]) {
      await refusesAtOnce(command, command.includes('Publish') ? draft : undefined);
    }
    assert.deepEqual(snapshot(folder()), before, 'no file changed');
    assert.equal(existsSync(join(folder(), '.cavra', 'approvals.json')), false);
  });
});
