// Which policy file a command acts on: the argument (tree item, code lens), else the active editor,
// else the user picks one of the workspace's policy files.
import * as vscode from 'vscode';

export async function resolvePolicyUri(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.includes(':')) return vscode.Uri.parse(arg);
  const withUri = arg as { resourceUri?: vscode.Uri } | undefined;
  if (withUri?.resourceUri instanceof vscode.Uri) return withUri.resourceUri;
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'cavra-policy') return editor.document.uri;
  const root = vscode.workspace.getConfiguration('cavra').get<string>('policyRoot') ?? 'policies';
  const files = await vscode.workspace.findFiles(`${root.replace(/\/+$/, '')}/*/{policy.yaml,policy.draft.yaml}`, '**/node_modules/**', 500);
  if (!files.length) {
    void vscode.window.showWarningMessage(`No policy files under ${root}/. Open a policies/<id>/policy.yaml or run "CAVRA: Create Policy Pack".`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label)),
    { title: 'Which policy?', placeHolder: 'Pick a policy file' },
  );
  return pick?.uri;
}

/** Saves the document first when it is dirty, so the backend sees what the editor shows on disk too. */
export async function saveIfDirty(uri: vscode.Uri): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
}
