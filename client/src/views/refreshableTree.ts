// The shared shape of our tree views: one folder's rows loaded per look, the error shown as an item
// rather than an empty tree, refreshed on demand and when the store changes, and only when the rows
// changed (an inline action clicked on a row being re-created reaches its command without the row:
// see lookBeforeRefresh.ts).
import * as vscode from 'vscode';
import { folderGroups, folderKey, onlyFolder } from './folderGroups';
import { LookBeforeRefresh } from './lookBeforeRefresh';

type Folder = vscode.WorkspaceFolder | undefined;

export abstract class RefreshableTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private emitter = new vscode.EventEmitter<T | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private gate = new LookBeforeRefresh<T[]>((rows) => this.fingerprint(rows));

  /** One folder's rows (the only folder's, or none, when the view shows no folder level). */
  protected abstract load(folder: Folder): Promise<T[]>;

  /** Everything a folder's rows show. Rows are plain data; their folder is where they are, not what they show. */
  protected fingerprint(rows: T[]): string {
    return JSON.stringify(rows, (key, value: unknown) => (key === 'folder' ? undefined : value));
  }

  /** Looks at every folder's rows and re-creates the view's rows only when they changed. */
  refresh(): void {
    const folders = folderGroups()?.map((g) => g.folder) ?? [onlyFolder()];
    void this.gate
      .look(folders.map((f) => [folderKey(f), () => this.load(f)] as const))
      .then((changed) => changed && this.emitter.fire(undefined));
  }

  /** A folder's rows for getChildren: those a look has just found, else loaded; remembered as shown. */
  protected shown(folder: Folder): Promise<T[]> {
    return this.gate.show(folderKey(folder), () => this.load(folder));
  }

  abstract getTreeItem(element: T): vscode.TreeItem;
  abstract getChildren(element?: T): Promise<T[]>;

  protected errorItem(what: string, message: string): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Could not load {0}', what), vscode.TreeItemCollapsibleState.None);
    item.description = message;
    item.tooltip = message;
    item.iconPath = new vscode.ThemeIcon('error');
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
