// Runs inside a real VS Code extension host (test/e2e/extension-host.sh here, `npm run test:electron`
// where VS Code can be downloaded). The commands that need no input, called as other extensions and
// keybindings call them: what they open (webview panels, diff editors) and what the language server
// answers through its `cavra.server.*` commands. Holds in a trusted workspace and in Restricted Mode
// (nothing here writes).
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cavra-studio.cavra-policy-studio';

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test run must open the e2e workspace');
  return f.uri.fsPath;
}

/** Polls `probe` (bounded) until it returns a value; fails naming `what`. */
async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let error: unknown;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      error = e;
    }
    if (Date.now() + delay > deadline)
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${error ? `: ${(error as Error).message}` : ''}`);
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

function tabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

describe('commands (extension host)', function () {
  this.timeout(60_000);
  let draft: vscode.Uri;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    ensureFixture(ext.extensionPath);
    await ext.activate();
    draft = vscode.Uri.file(join(folder(), 'policies', 'cavra-baseline', 'policy.draft.yaml'));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every command package.json contributes, and the server commands', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    // The language client registers the server's executeCommand commands once the server answered.
    const all = await eventually('cavra.server.* commands', async () => {
      const list = await vscode.commands.getCommands(true);
      return list.includes('cavra.server.catalog') ? list : undefined;
    });
    const missing = contributed.filter((c) => !all.includes(c));
    assert.deepEqual(missing, [], 'contributed but not registered');
    for (const m of [
      'backendInfo',
      'catalog',
      'packState',
      'draftPreview',
      'publishPlan',
      'publishRequest',
      'publish',
      'approve',
      'breakGlass',
      'rolloutPlan',
      'rolloutApply',
      'verifyEvidence',
    ]) {
      assert.ok(all.includes(`cavra.server.${m}`), `cavra.server.${m}`);
    }
  });

  it('the server answers for the local workspace: backend, catalog, pack state, publish plan', async () => {
    const info = await vscode.commands.executeCommand<any>('cavra.server.backendInfo', {});
    assert.equal(info.kind, 'local');
    assert.equal(info.location, folder());
    assert.equal(info.restricted === null, vscode.workspace.isTrusted, `restricted: ${info.restricted}`);

    const catalog = await vscode.commands.executeCommand<any>('cavra.server.catalog', {});
    const ids = catalog.items.map((i: any) => i.id);
    assert.ok(ids.includes('cavra-baseline') && ids.includes('cavra-payments'), `catalog: ${ids}`);

    const published = vscode.Uri.file(join(folder(), 'policies', 'cavra-baseline', 'policy.yaml'));
    const state = await vscode.commands.executeCommand<any>('cavra.server.packState', { uri: published.toString() });
    assert.equal(state.policy_id, 'cavra-baseline');
    assert.equal(state.published, true);
    assert.ok(['unsigned', 'verified', 'modified'].includes(state.signature), state.signature);

    const plan = await vscode.commands.executeCommand<any>('cavra.server.publishPlan', { uri: draft.toString() });
    assert.equal(plan.policy_id, 'cavra-baseline');
    assert.match(plan.policy_digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok(['low', 'medium', 'high', 'critical'].includes(plan.risk));
  });

  it('cavra.refreshViews resolves', async () => {
    await vscode.commands.executeCommand('cavra.refreshViews');
  });

  it('cavra.previewDraft opens the draft preview webview for a file', async () => {
    await vscode.commands.executeCommand('cavra.previewDraft', draft);
    const tab = await eventually('the "Draft: cavra-baseline" tab', () =>
      tabs().find((t) => t.label === 'Draft: cavra-baseline'),
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'a webview panel');
    assert.match((tab.input as vscode.TabInputWebview).viewType, /cavra\.draftPreview$/);
  });

  it('cavra.planPublish opens the publish plan webview', async () => {
    await vscode.commands.executeCommand('cavra.planPublish', draft);
    const tab = await eventually('the "Publish plan: cavra-baseline" tab', () =>
      tabs().find((t) => t.label === 'Publish plan: cavra-baseline'),
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview);
    assert.match((tab.input as vscode.TabInputWebview).viewType, /cavra\.publishPlan$/);
  });

  it('cavra.diffPublished opens a diff of the published pack (virtual document) against the draft', async () => {
    await vscode.commands.executeCommand('cavra.diffPublished', draft);
    const tab = await eventually('the published ↔ draft diff', () =>
      tabs().find((t) => t.input instanceof vscode.TabInputTextDiff),
    );
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'cavra-view');
    assert.equal(input.modified.toString(), draft.toString());
    assert.equal(tab.label, 'cavra-baseline: published ↔ draft');
    const published = await vscode.workspace.openTextDocument(input.original);
    assert.match(published.getText(), /id: cavra-baseline/);
  });

  it('validation: the invalid pack gets its cavra diagnostic on line 6; hovers answer', async () => {
    const uri = vscode.Uri.file(join(folder(), 'policies', 'cavra-payments', 'policy.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'cavra-policy');
    // Line 6 (`mode: strict`) also carries the information that the parent's mode differs: find the error.
    const d = await eventually('a cavra error on line 6', () =>
      vscode.languages
        .getDiagnostics(uri)
        .find((x) => x.source === 'cavra' && x.range.start.line === 5 && x.code === 'wrong-mode-vocabulary'),
    );
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    // Line 8 is `filesystem:`.
    const hovers = await eventually('a hover on filesystem:', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        new vscode.Position(7, 2),
      );
      return h?.length ? h : undefined;
    });
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /file access/i);
  });
});
