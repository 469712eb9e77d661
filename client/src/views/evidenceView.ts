// Evidence: the hash-chained log of every mutation, newest first.
import * as vscode from 'vscode';
import type { EvidenceRecord } from '../../../server/src/protocol';
import type { WorkflowClient } from '../workflowClient';
import { folderTarget } from '../workspaceFolder';
import { folderGroups, folderItem, idInFolder, onlyFolder, type FolderNode } from './folderGroups';
import { RefreshableTree } from './refreshableTree';

type Folder = vscode.WorkspaceFolder | undefined;

export type EvidenceNode =
  | { kind: 'record'; record: EvidenceRecord; bad: boolean; folder: Folder }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; message: string }
  | FolderNode;

export class EvidenceView extends RefreshableTree<EvidenceNode> {
  /** Set by Verify Evidence Chain, per folder URI: the first record that failed, highlighted in the tree. */
  readonly firstBadSeq = new Map<string, number>();

  constructor(private workflows: WorkflowClient) {
    super();
  }

  getTreeItem(node: EvidenceNode): vscode.TreeItem {
    if (node.kind === 'error') return this.errorItem(vscode.l10n.t('evidence'), node.message);
    if (node.kind === 'folder') return folderItem('evidence', node);
    if (node.kind === 'unavailable') {
      // A remote CAVRA server keeps no such log: say so rather than show an empty (or the local) log.
      const item = new vscode.TreeItem(vscode.l10n.t('Evidence log not available'), vscode.TreeItemCollapsibleState.None);
      item.description = node.reason;
      item.tooltip = node.reason;
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    const r = node.record;
    const t = new vscode.TreeItem(`#${r.seq} ${r.event}`, vscode.TreeItemCollapsibleState.None);
    t.description = `${r.actor ?? vscode.l10n.t('unknown')} · ${r.recorded_at}`;
    t.iconPath = new vscode.ThemeIcon(node.bad ? 'error' : 'note');
    const lines = [
      vscode.l10n.t('{0} by {1} at {2}', r.event, r.actor ?? vscode.l10n.t('unknown'), r.recorded_at),
      r.approval_ids.length ? vscode.l10n.t('approvals: {0}', r.approval_ids.join(', ')) : '',
      ...Object.entries(r.digests).map(([k, v]) => `${k}: ${v}`),
      vscode.l10n.t('record hash: {0}', r.record_hash),
      vscode.l10n.t('previous: {0}', r.prev_hash),
    ].filter(Boolean);
    t.tooltip = lines.join('\n');
    t.contextValue = 'evidence';
    t.id = idInFolder(node.folder, `evidence:${r.seq}`);
    return t;
  }

  async getChildren(node?: EvidenceNode): Promise<EvidenceNode[]> {
    if (node?.kind === 'folder') return this.shown(node.folder);
    if (node) return [];
    return folderGroups() ?? this.shown(onlyFolder());
  }

  protected async load(folder: Folder): Promise<EvidenceNode[]> {
    try {
      const list = await this.workflows.call('listEvidence', { ...folderTarget(folder).params, limit: 500 });
      if (list.unavailable) return [{ kind: 'unavailable', reason: list.unavailable }];
      const firstBad = this.firstBadSeq.get(folder?.uri.toString() ?? '');
      return [...list.items]
        .reverse()
        .map((record) => ({ kind: 'record', record, bad: firstBad !== undefined && record.seq >= firstBad, folder }));
    } catch (e) {
      return [{ kind: 'error', message: (e as Error).message }];
    }
  }
}
