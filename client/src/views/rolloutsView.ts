// Rollouts: where each pack is rolled out, in which mode and state.
import * as vscode from 'vscode';
import type { PolicyRolloutRecord } from '../../../server/src/protocol';
import type { WorkflowClient } from '../workflowClient';
import { RefreshableTree } from './refreshableTree';

export type RolloutNode = { kind: 'rollout'; record: PolicyRolloutRecord } | { kind: 'error' };

export class RolloutsView extends RefreshableTree<RolloutNode> {
  constructor(private workflows: WorkflowClient) {
    super();
  }

  getTreeItem(node: RolloutNode): vscode.TreeItem {
    if (node.kind === 'error') return this.errorItem('rollouts');
    const r = node.record;
    const t = new vscode.TreeItem(r.rollout_id, vscode.TreeItemCollapsibleState.None);
    t.description = `${r.policy_pack} · ${r.mode} · ${r.state} · ${r.coverage_percent}%`;
    t.tooltip = `${r.repository} runs ${r.policy_pack}@${r.policy_version} in ${r.mode} mode (${r.state}), owner ${r.owner}, coverage ${r.coverage_percent}%. Updated ${r.updated_at}.`;
    t.iconPath = new vscode.ThemeIcon(r.mode === 'break_glass' ? 'flame' : r.state === 'active' ? 'play-circle' : 'debug-pause');
    t.contextValue = 'rollout';
    t.command = { command: 'cavra.planRolloutChange', title: 'Plan a change', arguments: [r] };
    return t;
  }

  async getChildren(node?: RolloutNode): Promise<RolloutNode[]> {
    if (node) return [];
    try {
      const list = await this.workflows.call('listRollouts', {});
      this.error = undefined;
      return list.items.map((record) => ({ kind: 'rollout', record }));
    } catch (e) {
      this.error = (e as Error).message;
      return [{ kind: 'error' }];
    }
  }
}
