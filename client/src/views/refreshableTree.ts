// The shared shape of our tree views: load once per refresh, show the error as an item rather than
// an empty tree, refresh on demand and when the store changes.
import * as vscode from 'vscode';

export abstract class RefreshableTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private emitter = new vscode.EventEmitter<T | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  refresh(): void {
    this.emitter.fire(undefined);
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
