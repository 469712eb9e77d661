// CAVRA: Open Walkthrough: the Getting Started guide (package.json `contributes.walkthroughs`), one path
// per role, each step's button running the real command.
import * as vscode from 'vscode';

export async function openWalkthrough(extension: vscode.ExtensionContext): Promise<void> {
  // The ids come from the manifest itself (VS Code names a walkthrough `<publisher>.<name>#<id>`): a fork
  // or a renamed VSIX still opens its own guide.
  const manifest = extension.extension.packageJSON as { contributes?: { walkthroughs?: { id: string }[] } };
  const id = manifest.contributes?.walkthroughs?.[0]?.id;
  if (!id) {
    void vscode.window.showErrorMessage(vscode.l10n.t('This build of CAVRA Policy Studio has no walkthrough.'));
    return;
  }
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extension.extension.id}#${id}`, false);
}
