// Create Policy Pack: a new `<policy root>/<id>/policy.yaml` with valid metadata, opened for editing.
import * as vscode from 'vscode';
import { packIdFromInput } from '../../../server/src/protocol';
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
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Open a folder first: policy packs live in <folder>/policies/<id>/policy.yaml.'),
    );
    return;
  }
  const folder = (await chooseFolder(arg, vscode.l10n.t('Create Policy Pack')))?.folder;
  if (!folder) return;
  const root = policyRootOf(folder.uri);
  const fileOf = (id: string) => vscode.Uri.joinPath(root, id, 'policy.yaml');
  const exists = (uri: vscode.Uri) =>
    vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
  // `newteam` or `cavra-newteam`: one id either way (policy/packId.ts); the box says what will be written.
  const answer = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: vscode.l10n.t('Create Policy Pack (1/2): id'),
    placeHolder: vscode.l10n.t('cavra-payments (the cavra- prefix is added when missing)'),
    validateInput: async (v) => {
      const parsed = packIdFromInput(v);
      if ('error' in parsed) return v.trim() ? parsed.error : undefined;
      const file = fileOf(parsed.id);
      if (await exists(vscode.Uri.joinPath(root, parsed.id)))
        return vscode.l10n.t(
          '{0} already exists: choose another id.',
          vscode.workspace.asRelativePath(vscode.Uri.joinPath(root, parsed.id)),
        );
      return {
        message: vscode.l10n.t('Creates {0} with id {1}', vscode.workspace.asRelativePath(file), parsed.id),
        severity: vscode.InputBoxValidationSeverity.Info,
      };
    },
  });
  if (answer === undefined) return;
  const parsed = packIdFromInput(answer);
  if ('error' in parsed) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Create Policy Pack: {0}', parsed.error));
    return;
  }
  const id = parsed.id;
  const title = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: vscode.l10n.t('Create Policy Pack (2/2): title of {0}', id),
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A title is required')),
  });
  if (!title) return;
  const file = fileOf(id);
  // Checked again: the folder may have appeared while the title was typed.
  if (await exists(vscode.Uri.joinPath(root, id))) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} already exists; nothing was written.', vscode.workspace.asRelativePath(vscode.Uri.joinPath(root, id))),
    );
    return;
  }
  await vscode.workspace.fs.writeFile(file, Buffer.from(packTemplate(id, title.trim()), 'utf8'));
  await vscode.window.showTextDocument(file);
  void vscode.commands.executeCommand('cavra.refreshViews');
}
