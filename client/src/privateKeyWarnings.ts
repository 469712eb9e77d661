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
  const choice = await vscode.window.showWarningMessage(
    `A private key is inside the workspace (${vscode.workspace.asRelativePath(uri)}): a commit would publish it, and anyone who can read the repository could sign.`,
    'Move to Key Home',
    'Learn More',
  );
  if (choice === 'Learn More') {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(extensionUri, 'docs', 'keys.md'));
  } else if (choice === 'Move to Key Home' && requireTrust('Moving a private key')) {
    try {
      const moved = await workflows.call('movePrivateKey', { ...folderOfUri(uri).params, uri: uri.toString() });
      void vscode.window.showInformationMessage(
        `Moved the private key to ${moved.to}. Publishing finds it there; pin its public key's fingerprint (cavra-policy keys pin).`,
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`The key was not moved: ${(e as Error).message}`);
    }
  }
}
