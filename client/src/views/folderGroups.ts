// Views in a multi-root workspace: each workspace folder has its own packs, approvals, rollouts and
// evidence, so with several folders every view shows one group per folder (with one, no group level).
import * as vscode from 'vscode';

export interface FolderNode {
  kind: 'folder';
  folder: vscode.WorkspaceFolder;
}

/** One node per workspace folder when there are several; undefined when the view shows no folder level. */
export function folderGroups(): FolderNode[] | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length > 1 ? folders.map((folder) => ({ kind: 'folder', folder })) : undefined;
}

/** The folder a view loads when it shows no folder level (the only one, or none for a file opened alone). */
export function onlyFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

export function folderItem(view: string, node: FolderNode): vscode.TreeItem {
  const t = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
  // Stable per folder, so each group stays as the user left it across refreshes.
  t.id = `${view}-folder:${node.folder.uri.toString()}`;
  t.tooltip = node.folder.uri.fsPath;
  t.iconPath = new vscode.ThemeIcon('root-folder');
  t.contextValue = 'workspaceFolder';
  return t;
}

/** The key a view keeps a folder's rows under (the empty string for a file opened alone). */
export function folderKey(folder: vscode.WorkspaceFolder | undefined): string {
  return folder?.uri.toString() ?? '';
}

/** A tree id that stays unique when two folders hold items with the same id. */
export function idInFolder(folder: vscode.WorkspaceFolder | undefined, id: string): string {
  return folder && (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${folder.uri.toString()}#${id}` : id;
}
