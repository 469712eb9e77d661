// Rollouts: where each pack is rolled out, in which mode and state.
import * as vscode from 'vscode';
import type { PolicyRolloutRecord } from '../../../server/src/protocol';
import type { WorkflowClient } from '../workflowClient';
import { folderTarget } from '../workspaceFolder';
import { folderGroups, folderItem, idInFolder, onlyFolder, type FolderNode } from './folderGroups';
import { RefreshableTree } from './refreshableTree';

type Folder = vscode.WorkspaceFolder | undefined;

/** `folder`: the workspace folder whose inventory holds the rollout. */
export type RolloutNode =
  { kind: 'rollout'; record: PolicyRolloutRecord; folder: Folder } | { kind: 'error'; message: string } | FolderNode;

export class RolloutsView extends RefreshableTree<RolloutNode> {
  constructor(private workflows: WorkflowClient) {
    super();
  }

  getTreeItem(node: RolloutNode): vscode.TreeItem {
    if (node.kind === 'error') return this.errorItem(vscode.l10n.t('rollouts'), node.message);
    if (node.kind === 'folder') return folderItem('rollouts', node);
    const r = node.record;
    const t = new vscode.TreeItem(r.rollout_id, vscode.TreeItemCollapsibleState.None);
    t.description = `${r.policy_pack} · ${r.mode} · ${r.state} · ${r.coverage_percent}%`;
    t.tooltip = vscode.l10n.t(
      '{0} runs {1}@{2} in {3} mode ({4}), owner {5}, coverage {6}%. Updated {7}.',
      r.repository,
      r.policy_pack,
      r.policy_version,
      r.mode,
      r.state,
      r.owner,
      r.coverage_percent,
      r.updated_at,
    );
    t.iconPath = new vscode.ThemeIcon(r.mode === 'break_glass' ? 'flame' : r.state === 'active' ? 'play-circle' : 'debug-pause');
    t.contextValue = 'rollout';
    t.id = idInFolder(node.folder, r.rollout_id);
    t.command = { command: 'cavra.planRolloutChange', title: vscode.l10n.t('Plan a change'), arguments: [r, node.folder] };
    return t;
  }

  async getChildren(node?: RolloutNode): Promise<RolloutNode[]> {
    if (node?.kind === 'folder') return this.shown(node.folder);
    if (node) return [];
    return folderGroups() ?? this.shown(onlyFolder());
  }

  protected async load(folder: Folder): Promise<RolloutNode[]> {
    try {
      const list = await this.workflows.call('listRollouts', folderTarget(folder).params);
      return list.items.map((record) => ({ kind: 'rollout', record, folder }));
    } catch (e) {
      return [{ kind: 'error', message: (e as Error).message }];
    }
  }
}
