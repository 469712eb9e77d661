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

// A function, not a constant: the localized words are looked up when shown, not when the module loads.
const STATE_WORDS = (): Record<PackState['signature'], [string, string]> => ({
  verified: [vscode.l10n.t('signed'), 'verified'],
  modified: [vscode.l10n.t('modified since signed'), 'warning'],
  invalid: [vscode.l10n.t('signature invalid'), 'error'],
  'not-pinned': [vscode.l10n.t('signed, signer not pinned'), 'warning'],
  unsigned: [vscode.l10n.t('unsigned'), 'circle-outline'],
  unknown: [vscode.l10n.t('published (signature not reported)'), 'question'],
});

export class PacksView extends RefreshableTree<PackNode> {
  constructor(
    private workflows: WorkflowClient,
    private policyFileUri: (folder: Folder, id: string) => vscode.Uri | undefined,
  ) {
    super();
  }

  getTreeItem(node: PackNode): vscode.TreeItem {
    if (node.kind === 'error') return this.errorItem(vscode.l10n.t('policy packs'), node.message);
    if (node.kind === 'folder') return folderItem('packs', node);
    if (node.kind === 'parent') {
      const item = new vscode.TreeItem(vscode.l10n.t('inherits {0}', node.id), vscode.TreeItemCollapsibleState.None);
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
        ? STATE_WORDS()[state.signature]
        : [vscode.l10n.t('not published'), 'circle-outline'];
    t.description = vscode.l10n.t('{0} · {1} rules · {2}', String(pack.version ?? ''), total, words);
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
      md.appendText(`\n\n${vscode.l10n.t('Signature: {0}', state.signature_message)}`);
      if (state.provenance)
        md.appendText(`\n${vscode.l10n.t('Chain: {0}: {1}', state.provenance.label, state.provenance.message)}`);
      if (state.published_under)
        md.appendText(
          `\n${vscode.l10n.t(
            'Published under approval {0} ({1}) at {2}',
            state.published_under.approval_id,
            state.published_under.policy_digest,
            state.published_under.published_at,
          )}`,
        );
    }
    t.tooltip = md;
    const uri = this.policyFileUri(node.folder, String(pack.id));
    if (uri) {
      t.resourceUri = uri;
      t.command = { command: 'vscode.open', title: vscode.l10n.t('Open policy'), arguments: [uri] };
    }
    return t;
  }

  async getChildren(node?: PackNode): Promise<PackNode[]> {
    if (node?.kind === 'pack') {
      const inherits = node.item.summary.inherits;
      const parents = typeof inherits === 'string' ? [inherits] : Array.isArray(inherits) ? (inherits as string[]) : [];
      return parents.map((id) => ({ kind: 'parent', id }));
    }
    if (node?.kind === 'folder') return this.shown(node.folder);
    if (node) return [];
    return folderGroups() ?? this.shown(onlyFolder());
  }

  /** One folder's catalog, each pack with its publish state. */
  protected async load(folder: Folder): Promise<PackNode[]> {
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
