// Runs inside a real VS Code extension host (test/e2e/extension-host.sh): the extension activates
// and policy files get the CAVRA language.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cavra-studio.cavra-policy-studio';

describe('activation', () => {
  it('the extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const others = vscode.extensions.all.filter((e) => !e.packageJSON?.isBuiltin).map((e) => e.id);
    assert.ok(ext, `extension ${EXTENSION_ID} not found; non-built-in extensions: ${others.join(', ') || 'none'}`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('runs in the VS Code the runner installed (the oldest or the newest we test)', () => {
    // extension-host.sh exports the version of the code-server it started; the server passes it on.
    const expected = process.env.CAVRA_E2E_VSCODE_VERSION;
    assert.ok(expected, 'CAVRA_E2E_VSCODE_VERSION is not set: run this suite through test/e2e/extension-host.sh');
    assert.equal(vscode.version, expected);
  });

  it('policies/<id>/policy.yaml opens as cavra-policy', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test run must open a workspace folder');
    const file = join(folder.uri.fsPath, 'policies', 'cavra-x', 'policy.yaml');
    mkdirSync(join(folder.uri.fsPath, 'policies', 'cavra-x'), { recursive: true });
    writeFileSync(file, 'metadata:\n  id: cavra-x\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    assert.equal(doc.languageId, 'cavra-policy');
  });
});
