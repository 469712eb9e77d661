// Evidence: the hash-chained log of every mutation, newest first.
import * as vscode from 'vscode';
import type { EvidenceRecord } from '../../../server/src/protocol';
import type { WorkflowClient } from '../workflowClient';
import { RefreshableTree } from './refreshableTree';

export type EvidenceNode =
  { kind: 'record'; record: EvidenceRecord; bad: boolean } | { kind: 'unavailable'; reason: string } | { kind: 'error' };

export class EvidenceView extends RefreshableTree<EvidenceNode> {
  /** Set by Verify Evidence Chain: the first record that failed, highlighted in the tree. */
  firstBadSeq: number | undefined;

  constructor(private workflows: WorkflowClient) {
    super();
  }

  getTreeItem(node: EvidenceNode): vscode.TreeItem {
    if (node.kind === 'error') return this.errorItem('evidence');
    if (node.kind === 'unavailable') {
      // A remote CAVRA server keeps no such log: say so rather than show an empty (or the local) log.
      const item = new vscode.TreeItem('Evidence log not available', vscode.TreeItemCollapsibleState.None);
      item.description = node.reason;
      item.tooltip = node.reason;
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    const r = node.record;
    const t = new vscode.TreeItem(`#${r.seq} ${r.event}`, vscode.TreeItemCollapsibleState.None);
    t.description = `${r.actor ?? 'unknown'} · ${r.recorded_at}`;
    t.iconPath = new vscode.ThemeIcon(node.bad ? 'error' : 'note');
    const lines = [
      `${r.event} by ${r.actor ?? 'unknown'} at ${r.recorded_at}`,
      r.approval_ids.length ? `approvals: ${r.approval_ids.join(', ')}` : '',
      ...Object.entries(r.digests).map(([k, v]) => `${k}: ${v}`),
      `record hash: ${r.record_hash}`,
      `previous: ${r.prev_hash}`,
    ].filter(Boolean);
    t.tooltip = lines.join('\n');
    t.contextValue = 'evidence';
    return t;
  }

  async getChildren(node?: EvidenceNode): Promise<EvidenceNode[]> {
    if (node) return [];
    try {
      const list = await this.workflows.call('listEvidence', { limit: 500 });
      this.error = undefined;
      if (list.unavailable) return [{ kind: 'unavailable', reason: list.unavailable }];
      return [...list.items]
        .reverse()
        .map((record) => ({ kind: 'record', record, bad: this.firstBadSeq !== undefined && record.seq >= this.firstBadSeq }));
    } catch (e) {
      this.error = (e as Error).message;
      return [{ kind: 'error' }];
    }
  }
}
