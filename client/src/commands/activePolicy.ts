// Which policy file a command acts on: the argument (tree item, code lens), else the active editor,
// else the user picks one of the workspace's policy files.
import * as vscode from 'vscode';
import { policyRootOf } from '../policyRoot';

export async function resolvePolicyUri(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.includes(':')) return vscode.Uri.parse(arg);
  const withUri = arg as { resourceUri?: vscode.Uri } | undefined;
  if (withUri?.resourceUri instanceof vscode.Uri) return withUri.resourceUri;
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'cavra-policy') return editor.document.uri;
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => policyRootOf(f.uri));
  const found = await Promise.all(
    roots.map((root) =>
      vscode.workspace.findFiles(
        new vscode.RelativePattern(root, '*/{policy.yaml,policy.draft.yaml}'),
        '**/node_modules/**',
        500,
      ),
    ),
  );
  const files = found.flat();
  if (!files.length) {
    const where = roots.map((root) => `${vscode.workspace.asRelativePath(root)}/`).join(', ') || vscode.l10n.t('the policy root');
    void vscode.window.showWarningMessage(
      vscode.l10n.t('No policy files under {0}. Open a policies/<id>/policy.yaml or run "CAVRA: Create Policy Pack".', where),
    );
    return undefined;
  }
  // Kept open when focus moves: run from the walkthrough, its page re-renders the step as done while the
  // pick opens, and a pick that closed on that left the user with nothing (seen in CI's e2e run).
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label)),
    { title: vscode.l10n.t('Which policy?'), placeHolder: vscode.l10n.t('Pick a policy file'), ignoreFocusOut: true },
  );
  return pick?.uri;
}

/** Saves the document first when it is dirty, so the backend sees what the editor shows on disk too. */
export async function saveIfDirty(uri: vscode.Uri): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
}
