// Policy Packs: the catalog (id, version, rule counts, inheritance) with each pack's publish state.
import * as vscode from 'vscode';
import type { PackState, PolicyPackCatalogItem } from '../../../server/src/protocol';
import { chainLook } from '../publishChain';
import type { WorkflowClient } from '../workflowClient';
import { folderTarget } from '../workspaceFolder';
import { folderGroups, folderItem, idInFolder, onlyFolder, type FolderNode } from './folderGroups';
import { RefreshableTree } from './refreshableTree';

type Folder = vscode.WorkspaceFolder | undefined;

export type PackNode =
  | { kind: 'pack'; item: PolicyPackCatalogItem; state: PackState | null; folder: Folder }
  | { kind: 'parent'; id: string }
  | { kind: 'error'; message: string }
  | FolderNode;

const STATE_WORDS: Record<PackState['signature'], [string, string]> = {
  verified: ['signed', 'verified'],
  modified: ['modified since signed', 'warning'],
  invalid: ['signature invalid', 'error'],
  unsigned: ['unsigned', 'circle-outline'],
  unknown: ['published (signature not reported)', 'question'],
};

export class PacksView extends RefreshableTree<PackNode> {
  constructor(
    private workflows: WorkflowClient,
    private policyFileUri: (folder: Folder, id: string) => vscode.Uri | undefined,
  ) {
    super();
  }

  getTreeItem(node: PackNode): vscode.TreeItem {
    if (node.kind === 'error') return this.errorItem('policy packs', node.message);
    if (node.kind === 'folder') return folderItem('packs', node);
    if (node.kind === 'parent') {
      const item = new vscode.TreeItem(`inherits ${node.id}`, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('references');
      return item;
    }
    const { item: pack, state } = node;
    const counts = pack.summary.rule_counts;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const inherits = pack.summary.inherits;
    const parents = typeof inherits === 'string' ? [inherits] : Array.isArray(inherits) ? inherits : [];
    const t = new vscode.TreeItem(
      String(pack.id),
      parents.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    const chain = chainLook(state);
    const [words, icon] = chain
      ? [chain.words, chain.icon]
      : state
        ? STATE_WORDS[state.signature]
        : ['not published', 'circle-outline'];
    t.description = `${String(pack.version ?? '')} · ${total} rules · ${words}`;
    t.iconPath = new vscode.ThemeIcon(icon);
    t.contextValue = `pack.${state?.signature ?? 'unknown'}`;
    t.id = idInFolder(node.folder, `pack:${String(pack.id)}`);
    const md = new vscode.MarkdownString();
    // Pack text is data, never markdown: appendText escapes it (no links, images or command URIs).
    md.appendMarkdown('**');
    md.appendText(String(pack.title ?? pack.id));
    md.appendMarkdown('**\n\n');
    md.appendText(`${String(pack.description ?? '')}\n\n`);
    md.appendMarkdown(
      Object.entries(counts)
        .map(([k, v]) => `${k}: ${v}`)
        .join(' · '),
    );
    if (state) {
      md.appendText(`\n\nSignature: ${state.signature_message}`);
      if (state.provenance) md.appendText(`\nChain: ${state.provenance.label}: ${state.provenance.message}`);
      if (state.published_under)
        md.appendText(
          `\nPublished under approval ${state.published_under.approval_id} (${state.published_under.policy_digest}) at ${state.published_under.published_at}`,
        );
    }
    t.tooltip = md;
    const uri = this.policyFileUri(node.folder, String(pack.id));
    if (uri) {
      t.resourceUri = uri;
      t.command = { command: 'vscode.open', title: 'Open policy', arguments: [uri] };
    }
    return t;
  }

  async getChildren(node?: PackNode): Promise<PackNode[]> {
    if (node?.kind === 'pack') {
      const inherits = node.item.summary.inherits;
      const parents = typeof inherits === 'string' ? [inherits] : Array.isArray(inherits) ? (inherits as string[]) : [];
      return parents.map((id) => ({ kind: 'parent', id }));
    }
    if (node?.kind === 'folder') return this.load(node.folder);
    if (node) return [];
    return folderGroups() ?? this.load(onlyFolder());
  }

  /** One folder's catalog, each pack with its publish state. */
  private async load(folder: Folder): Promise<PackNode[]> {
    try {
      const catalog = await this.workflows.call('catalog', folderTarget(folder).params);
      return Promise.all(
        catalog.items.map(async (item): Promise<PackNode> => {
          const uri = this.policyFileUri(folder, String(item.id));
          const state = uri ? await this.workflows.call('packState', { uri: uri.toString() }).catch(() => null) : null;
          return { kind: 'pack', item, state, folder };
        }),
      );
    } catch (e) {
      return [{ kind: 'error', message: (e as Error).message }];
    }
  }
}
