// The server marks private key files under the workspace (`private-key-in-workspace`); this turns the
// first sighting of each into a warning with "Move to Key Home" (the server moves it) and "Learn More".
import * as vscode from 'vscode';
import { requireTrust } from './trust';
import type { WorkflowClient } from './workflowClient';
import { folderOfUri } from './workspaceFolder';

const CODE = 'private-key-in-workspace';

export function watchPrivateKeyWarnings(workflows: WorkflowClient, extensionUri: vscode.Uri): vscode.Disposable {
  const shown = new Set<string>();
  return vscode.languages.onDidChangeDiagnostics((e) => {
    for (const uri of e.uris) {
      if (shown.has(uri.toString())) continue;
      if (!vscode.languages.getDiagnostics(uri).some((d) => d.code === CODE)) continue;
      shown.add(uri.toString());
      void offer(workflows, extensionUri, uri);
    }
  });
}

async function offer(workflows: WorkflowClient, extensionUri: vscode.Uri, uri: vscode.Uri): Promise<void> {
  const move = vscode.l10n.t('Move to Key Home');
  const learn = vscode.l10n.t('Learn More');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'A private key is inside the workspace ({0}): a commit would publish it, and anyone who can read the repository could sign.',
      vscode.workspace.asRelativePath(uri),
    ),
    move,
    learn,
  );
  if (choice === learn) {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(extensionUri, 'docs', 'keys.md'));
  } else if (choice === move && requireTrust(vscode.l10n.t('Moving a private key'))) {
    try {
      const moved = await workflows.call('movePrivateKey', { ...folderOfUri(uri).params, uri: uri.toString() });
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          "Moved the private key to {0}. Publishing finds it there; pin its public key's fingerprint (cavra-policy keys pin).",
          moved.to,
        ),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The key was not moved: {0}', (e as Error).message));
    }
  }
}
