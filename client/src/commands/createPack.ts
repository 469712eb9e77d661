// Create Policy Pack: a new `<policy root>/<id>/policy.yaml` with valid metadata, opened for editing.
import * as vscode from 'vscode';
import { policyRootOf } from '../policyRoot';
import { requireTrust } from '../trust';
import { chooseFolder } from '../workspaceFolder';

export function packTemplate(id: string, title: string): string {
  return `metadata:
  id: ${id}
  title: ${JSON.stringify(title)}
  description: "What this pack protects and for whom."
  version: "0.1.0"
filesystem:
  block_read:
    - ".env"
    - "**/secrets.*"
commands:
  block:
    - "terraform apply*"
  allow:
    - "git status*"
`;
}

/** `arg`: what the command was run on (a folder, a file): the pack goes into that workspace folder's policy root. */
export async function createPack(arg?: unknown): Promise<void> {
  if (!requireTrust('Creating a policy pack')) return;
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showWarningMessage('Open a folder first: policy packs live in <folder>/policies/<id>/policy.yaml.');
    return;
  }
  const folder = (await chooseFolder(arg, 'Create Policy Pack'))?.folder;
  if (!folder) return;
  const id = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Create Policy Pack (1/2): id',
    value: 'cavra-',
    valueSelection: [6, 6],
    validateInput: (v) =>
      /^cavra-[a-z0-9-]+$/.test(v) ? undefined : 'An id is `cavra-` followed by lowercase letters, digits and hyphens',
  });
  if (!id) return;
  const title = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Create Policy Pack (2/2): title',
    validateInput: (v) => (v.trim() ? undefined : 'A title is required'),
  });
  if (!title) return;
  const file = vscode.Uri.joinPath(policyRootOf(folder.uri), id, 'policy.yaml');
  try {
    await vscode.workspace.fs.stat(file);
    void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(file)} already exists; nothing was written.`);
    return;
  } catch {
    // does not exist: good
  }
  await vscode.workspace.fs.writeFile(file, Buffer.from(packTemplate(id, title.trim()), 'utf8'));
  await vscode.window.showTextDocument(file);
  void vscode.commands.executeCommand('cavra.refreshViews');
}
