// Which workspace folder a workflow acts on. In a multi-root workspace each folder has its own policy
// root, store (.cavra/), keys and settings, and the server keeps one backend per folder: a request
// names its folder, and a command that could mean two folders takes it from what it was invoked on,
// else from the active editor's file, else asks.
import * as vscode from 'vscode';
import type { FolderParams } from '../../server/src/protocol';

export interface FolderTarget {
  /** Undefined when the window has no folder (a file opened alone): the server then uses its own. */
  folder: vscode.WorkspaceFolder | undefined;
  /** What a request sends to act on that folder. */
  params: FolderParams;
  /** The `cavra` settings as they apply in that folder (resource settings may differ per folder). */
  config: vscode.WorkspaceConfiguration;
}

export function folderTarget(folder: vscode.WorkspaceFolder | undefined): FolderTarget {
  return {
    folder,
    params: folder ? { folder: folder.uri.toString() } : {},
    config: vscode.workspace.getConfiguration('cavra', folder?.uri),
  };
}

/** The folder of a file. */
export function folderOfUri(uri: vscode.Uri): FolderTarget {
  return folderTarget(vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0]);
}

function isWorkspaceFolder(value: unknown): value is vscode.WorkspaceFolder {
  const f = value as vscode.WorkspaceFolder | undefined;
  return !!f && typeof f === 'object' && f.uri instanceof vscode.Uri && typeof f.index === 'number';
}

/** The folder an argument carries: a file URI, a tree node with a `folder`, a tree item with a `resourceUri`. */
export function folderOfArg(arg: unknown): vscode.WorkspaceFolder | undefined {
  if (arg instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(arg);
  if (isWorkspaceFolder(arg)) return arg;
  const a = arg as { folder?: unknown; resourceUri?: unknown } | undefined;
  if (!a || typeof a !== 'object') return undefined;
  if (isWorkspaceFolder(a.folder)) return a.folder;
  if (typeof a.folder === 'string') return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(a.folder));
  if (a.resourceUri instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(a.resourceUri);
  return undefined;
}

/**
 * The folder a workflow acts on: the argument's, else the only folder, else the active editor's
 * file's, else the one the user picks. Undefined when the user cancels the pick.
 */
export async function chooseFolder(arg: unknown, what: string): Promise<FolderTarget | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const given = folderOfArg(arg);
  if (given) return folderTarget(given);
  if (folders.length <= 1) return folderTarget(folders[0]);
  const active = vscode.window.activeTextEditor?.document.uri;
  const ofEditor = active && vscode.workspace.getWorkspaceFolder(active);
  if (ofEditor) return folderTarget(ofEditor);
  const picked = await vscode.window.showQuickPick(
    folders.map((folder) => ({ label: folder.name, description: folder.uri.fsPath, folder })),
    {
      title: vscode.l10n.t('{0}: which workspace folder?', what),
      placeHolder: vscode.l10n.t('Each folder has its own packs, store and settings'),
      ignoreFocusOut: true,
    },
  );
  return picked ? folderTarget(picked.folder) : undefined;
}
