// Restricted Mode: validation, hover and views work; anything that writes, signs, approves or calls a
// remote server waits for the workspace to be trusted.
import * as vscode from 'vscode';

export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        '{0} is disabled in Restricted Mode: it writes policy files, signs, records approvals or calls a remote server. Trust this workspace to enable it.',
        action,
      ),
      vscode.l10n.t('Manage Workspace Trust'),
    )
    .then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
