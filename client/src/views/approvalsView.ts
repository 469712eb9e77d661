// Approvals grouped by state, pending first, optionally filtered by approver group; each approval
// expands to its history, so an auditor sees who did what and when.
import * as vscode from 'vscode';
import type { ApprovalHistoryEntry, ApprovalRecord, ApprovalState, AttachedDecision } from '../../../server/src/protocol';
import type { WorkflowClient } from '../workflowClient';
import { isOverdueNow, overdueNote } from '../approvalClock';
import { folderTarget } from '../workspaceFolder';
import { folderGroups, folderItem, folderKey, idInFolder, onlyFolder, type FolderNode } from './folderGroups';
import { RefreshableTree } from './refreshableTree';

type Folder = vscode.WorkspaceFolder | undefined;

/** `folder`: the workspace folder whose store holds the approval (commands on a node act there). */
export type ApprovalNode =
  | { kind: 'group'; state: ApprovalState; items: ApprovalRecord[]; folder: Folder }
  /** `inInbox`: the row under "Waiting for me"; the same approval also has its row under its state. */
  | { kind: 'approval'; record: ApprovalRecord; folder: Folder; inInbox?: boolean }
  | { kind: 'history'; entry: ApprovalHistoryEntry }
  | { kind: 'attached'; entry: AttachedDecision }
  | { kind: 'error'; message: string }
  /** "Waiting for me": pending, current approvals of my approver groups (client/src/approverInbox.ts). */
  | { kind: 'inbox'; items: ApprovalRecord[]; folder: Folder; error?: string; lookedAt?: number }
  | FolderNode;

const ORDER: ApprovalState[] = ['pending', 'break_glass', 'approved', 'denied', 'expired'];
const ICONS: Record<ApprovalState, string> = {
  pending: 'clock',
  approved: 'pass',
  denied: 'circle-slash',
  expired: 'watch',
  break_glass: 'flame',
};

export function approvalLabel(r: ApprovalRecord): string {
  const d = r.decision ?? {};
  if (d.action_type === 'policy_publish') return `publish ${String(d.policy_id ?? d.policy_pack ?? '')}`;
  return `${String(d.action_type ?? 'decision')} ${String(d.target ?? '')}`.trim();
}

/** The group an approval is listed in: an overdue pending approval with the expired ones. */
function groupOf(r: ApprovalRecord): ApprovalState {
  return r.state === 'pending' && isOverdueNow(r) ? 'expired' : r.state;
}

/**
 * What the view reads of the approver's inbox (client/src/approverInbox.ts implements it): the view only
 * shows, the inbox watches and polls.
 */
export interface InboxSource {
  /** My approver groups in the folder; throws when they cannot be read (said in the section). */
  groups(folder: Folder): string[];
  waiting(folder: Folder): { items: ApprovalRecord[]; error?: string; lookedAt?: number };
}

/** Everything a folder's rows show, their children included (history, attached decisions, overdue marks). */
function rowsFingerprint(rows: ApprovalNode[]): string {
  const records = (items: ApprovalRecord[]) => items.map((r) => [r, isOverdueNow(r)]);
  return JSON.stringify(
    rows.map((n) => {
      switch (n.kind) {
        case 'group':
          return [n.kind, n.state, records(n.items)];
        case 'inbox':
          return [n.kind, records(n.items), n.error ?? null, n.lookedAt === undefined];
        case 'error':
          return [n.kind, n.message];
        default:
          return [n.kind];
      }
    }),
  );
}

export class ApprovalsView extends RefreshableTree<ApprovalNode> {
  approverGroup: string | undefined;
  /** Set at activation: the source of the "Waiting for me" section. */
  inbox: InboxSource | undefined;
  /** The rest of the filter (client/src/commands/filterApprovals.ts; the rule: server/src/policy/approvalFilter.ts). */
  filter: { state?: string; requested_by?: string; text?: string } = {};
  /** Which folders have approvals, for the `cavra.hasApprovals` context key. */
  private counts = new Map<string, number>();

  constructor(private workflows: WorkflowClient) {
    super();
  }

  /** A row also shows whether its approval is overdue, which changes with the clock, not the record. */
  protected override fingerprint(rows: ApprovalNode[]): string {
    return rowsFingerprint(rows);
  }

  getTreeItem(node: ApprovalNode): vscode.TreeItem {
    switch (node.kind) {
      case 'error':
        return this.errorItem(vscode.l10n.t('approvals'), node.message);
      case 'folder':
        return folderItem('approvals', node);
      case 'inbox': {
        // Before the first look there is no count to show: an empty "(0)" would tell an approver nothing waits.
        const looking = !node.error && node.lookedAt === undefined;
        const t = new vscode.TreeItem(
          looking ? vscode.l10n.t('Waiting for me') : vscode.l10n.t('Waiting for me ({0})', node.items.length),
          node.items.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
        );
        t.id = idInFolder(node.folder, 'approval-inbox');
        t.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : looking ? 'loading~spin' : 'inbox');
        t.description = node.error ? vscode.l10n.t('could not look') : looking ? vscode.l10n.t('looking…') : undefined;
        t.tooltip =
          node.error ??
          vscode.l10n.t('Pending, current approvals routed to my approver groups (cavra.approvals.myApproverGroups)');
        t.contextValue = 'approvalInbox';
        return t;
      }
      case 'group': {
        const t = new vscode.TreeItem(
          `${node.state.replace('_', '-')} (${node.items.length})`,
          node.state === 'pending' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        // A stable id keeps the group expanded or collapsed as the user left it across refreshes
        // (without one, VS Code derives it from the label, which has the count in it).
        t.id = idInFolder(node.folder, `approval-group:${node.state}`);
        t.iconPath = new vscode.ThemeIcon(ICONS[node.state]);
        t.contextValue = `approvalGroup.${node.state}`;
        return t;
      }
      case 'approval': {
        const r = node.record;
        const t = new vscode.TreeItem(approvalLabel(r), vscode.TreeItemCollapsibleState.Collapsed);
        // Unique per row: an approval waiting for me is listed twice (inbox and pending), and two rows with
        // one id made VS Code resolve an inline action's row to nothing (Deny then asked which approval).
        t.id = idInFolder(node.folder, node.inInbox ? `inbox:${r.approval_id}` : r.approval_id);
        t.description = `${r.approver_group} · ${r.approval_id}`;
        // Past its time, a pending approval is shown with the expired ones and offers only Expire: the
        // server refuses approving or denying it (policy/approvalExpiry.ts).
        const overdue = isOverdueNow(r);
        t.iconPath = new vscode.ThemeIcon(overdue ? 'watch' : (ICONS[r.state] ?? 'question'));
        t.contextValue = overdue && r.state === 'pending' ? 'approval.overdue' : `approval.${r.state}`;
        if (overdue) t.description = `${String(t.description)} · ${vscode.l10n.t('overdue')}`;
        const d = r.decision ?? {};
        const md = new vscode.MarkdownString();
        md.appendText(`${r.approval_id} — ${r.state}\n\n`);
        md.appendText(
          `action: ${String(d.action_type ?? '')}\ntarget: ${String(d.target ?? '')}\nrule: ${String(d.rule_id ?? '')}\nseverity: ${String(d.severity ?? '')}\n`,
        );
        if (d.policy_digest) md.appendText(`digest: ${String(d.policy_digest)}\n`);
        md.appendText(
          `${vscode.l10n.t('requested by {0} at {1}', r.requested_by, r.requested_at)}\n${vscode.l10n.t('expires {0}', r.expires_at)}`,
        );
        const note = overdueNote(r);
        if (note) md.appendText(`\n\n${note}`);
        t.tooltip = md;
        t.command = {
          command: 'cavra.showApproval',
          title: vscode.l10n.t('Show approval'),
          arguments: [r.approval_id, ...(node.folder ? [node.folder.uri.toString()] : [])],
        };
        return t;
      }
      case 'attached': {
        const x = node.entry;
        const t = new vscode.TreeItem(
          vscode.l10n.t('decision attached: {0}', x.decision_id),
          vscode.TreeItemCollapsibleState.None,
        );
        t.description = `${x.attached_at} — ${String(x.decision.decision ?? '')} ${String(x.decision.action_type ?? '')} ${String(x.decision.target ?? '')}`;
        t.tooltip = x.why;
        t.iconPath = new vscode.ThemeIcon('link');
        return t;
      }
      case 'history': {
        const h = node.entry;
        const t = new vscode.TreeItem(vscode.l10n.t('{0} by {1}', h.event, h.actor), vscode.TreeItemCollapsibleState.None);
        t.description = `${h.timestamp}${h.reason ? ` — ${h.reason}` : ''}${h.external_ref ? ` (${h.external_ref})` : ''}`;
        t.tooltip = t.description;
        t.iconPath = new vscode.ThemeIcon('history');
        return t;
      }
    }
  }

  async getChildren(node?: ApprovalNode): Promise<ApprovalNode[]> {
    if (node?.kind === 'group') return node.items.map((record) => ({ kind: 'approval', record, folder: node.folder }));
    if (node?.kind === 'inbox')
      return node.items.map((record) => ({ kind: 'approval', record, folder: node.folder, inInbox: true }));
    if (node?.kind === 'approval') {
      // History and attached decisions in time order: an auditor reads one story.
      const events: { at: string; node: ApprovalNode }[] = [
        ...(node.record.history ?? []).map((entry) => ({ at: entry.timestamp, node: { kind: 'history' as const, entry } })),
        ...(node.record.attached_decisions ?? []).map((entry) => ({
          at: entry.attached_at,
          node: { kind: 'attached' as const, entry },
        })),
      ];
      return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((e) => e.node);
    }
    if (node?.kind === 'folder') return this.shown(node.folder);
    if (node) return [];
    const groups = folderGroups();
    if (groups) {
      const open = new Set(groups.map((g) => g.folder.uri.toString()));
      for (const key of this.counts.keys()) if (!open.has(key)) this.counts.delete(key);
    } else this.counts.clear();
    return groups ?? this.shown(onlyFolder());
  }

  /** "Waiting for me", when I have approver groups (or my groups could not be read). */
  private inboxNode(folder: Folder): ApprovalNode | undefined {
    if (!this.inbox) return undefined;
    let groups: string[];
    try {
      groups = this.inbox.groups(folder);
    } catch (e) {
      return { kind: 'inbox', items: [], folder, error: (e as Error).message };
    }
    if (!groups.length) return undefined;
    const { items, error, lookedAt } = this.inbox.waiting(folder);
    return { kind: 'inbox', items, folder, error, lookedAt };
  }

  /** One folder's approvals, grouped by state. */
  protected async load(folder: Folder): Promise<ApprovalNode[]> {
    try {
      // Every match, past CAVRA's 500-item page (the server pages with offset and applies what CAVRA cannot).
      const list = await this.workflows.call('findApprovals', {
        ...folderTarget(folder).params,
        ...this.filter,
        approver_group: this.approverGroup,
      });
      const groups: ApprovalNode[] = [];
      const mine = this.inboxNode(folder);
      if (mine) groups.push(mine);
      for (const state of ORDER) {
        const items = list.items.filter((r) => groupOf(r) === state);
        if (items.length) groups.push({ kind: 'group', state, items, folder });
      }
      this.counts.set(folderKey(folder), list.items.length);
      const any = [...this.counts.values()].some((n) => n > 0);
      void vscode.commands.executeCommand('setContext', 'cavra.hasApprovals', any);
      return groups;
    } catch (e) {
      return [{ kind: 'error', message: (e as Error).message }];
    }
  }
}
