// Approvals grouped by state, pending first, optionally filtered by approver group; each approval
// expands to its history, so an auditor sees who did what and when.
import * as vscode from 'vscode';
import type { ApprovalHistoryEntry, ApprovalRecord, ApprovalState, AttachedDecision } from '../../../server/src/protocol';
import type { WorkflowClient } from '../workflowClient';
import { isOverdueNow, overdueNote } from '../approvalClock';
import { RefreshableTree } from './refreshableTree';

export type ApprovalNode =
  | { kind: 'group'; state: ApprovalState; items: ApprovalRecord[] }
  | { kind: 'approval'; record: ApprovalRecord }
  | { kind: 'history'; entry: ApprovalHistoryEntry }
  | { kind: 'attached'; entry: AttachedDecision }
  | { kind: 'error' };

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

export class ApprovalsView extends RefreshableTree<ApprovalNode> {
  approverGroup: string | undefined;

  constructor(private workflows: WorkflowClient) {
    super();
  }

  getTreeItem(node: ApprovalNode): vscode.TreeItem {
    switch (node.kind) {
      case 'error':
        return this.errorItem('approvals');
      case 'group': {
        const t = new vscode.TreeItem(
          `${node.state.replace('_', '-')} (${node.items.length})`,
          node.state === 'pending' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        // A stable id keeps the group expanded or collapsed as the user left it across refreshes
        // (without one, VS Code derives it from the label, which has the count in it).
        t.id = `approval-group:${node.state}`;
        t.iconPath = new vscode.ThemeIcon(ICONS[node.state]);
        t.contextValue = `approvalGroup.${node.state}`;
        return t;
      }
      case 'approval': {
        const r = node.record;
        const t = new vscode.TreeItem(approvalLabel(r), vscode.TreeItemCollapsibleState.Collapsed);
        t.id = r.approval_id;
        t.description = `${r.approver_group} · ${r.approval_id}`;
        // Past its time, a pending approval is shown with the expired ones and offers only Expire: the
        // server refuses approving or denying it (policy/approvalExpiry.ts).
        const overdue = isOverdueNow(r);
        t.iconPath = new vscode.ThemeIcon(overdue ? 'watch' : (ICONS[r.state] ?? 'question'));
        t.contextValue = overdue && r.state === 'pending' ? 'approval.overdue' : `approval.${r.state}`;
        if (overdue) t.description = `${String(t.description)} · overdue`;
        const d = r.decision ?? {};
        const md = new vscode.MarkdownString();
        md.appendText(`${r.approval_id} — ${r.state}\n\n`);
        md.appendText(
          `action: ${String(d.action_type ?? '')}\ntarget: ${String(d.target ?? '')}\nrule: ${String(d.rule_id ?? '')}\nseverity: ${String(d.severity ?? '')}\n`,
        );
        if (d.policy_digest) md.appendText(`digest: ${String(d.policy_digest)}\n`);
        md.appendText(`requested by ${r.requested_by} at ${r.requested_at}\nexpires ${r.expires_at}`);
        const note = overdueNote(r);
        if (note) md.appendText(`\n\n${note}`);
        t.tooltip = md;
        t.command = { command: 'cavra.showApproval', title: 'Show approval', arguments: [r.approval_id] };
        return t;
      }
      case 'attached': {
        const x = node.entry;
        const t = new vscode.TreeItem(`decision attached: ${x.decision_id}`, vscode.TreeItemCollapsibleState.None);
        t.description = `${x.attached_at} — ${String(x.decision.decision ?? '')} ${String(x.decision.action_type ?? '')} ${String(x.decision.target ?? '')}`;
        t.tooltip = x.why;
        t.iconPath = new vscode.ThemeIcon('link');
        return t;
      }
      case 'history': {
        const h = node.entry;
        const t = new vscode.TreeItem(`${h.event} by ${h.actor}`, vscode.TreeItemCollapsibleState.None);
        t.description = `${h.timestamp}${h.reason ? ` — ${h.reason}` : ''}${h.external_ref ? ` (${h.external_ref})` : ''}`;
        t.tooltip = t.description;
        t.iconPath = new vscode.ThemeIcon('history');
        return t;
      }
    }
  }

  async getChildren(node?: ApprovalNode): Promise<ApprovalNode[]> {
    if (node?.kind === 'group') return node.items.map((record) => ({ kind: 'approval', record }));
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
    if (node) return [];
    try {
      const list = await this.workflows.call('listApprovals', { limit: 500, approver_group: this.approverGroup });
      this.error = undefined;
      const groups: ApprovalNode[] = [];
      for (const state of ORDER) {
        const items = list.items.filter((r) => groupOf(r) === state);
        if (items.length) groups.push({ kind: 'group', state, items });
      }
      void vscode.commands.executeCommand('setContext', 'cavra.hasApprovals', list.items.length > 0);
      return groups;
    } catch (e) {
      this.error = (e as Error).message;
      return [{ kind: 'error' }];
    }
  }
}
