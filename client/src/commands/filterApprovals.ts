// Filter Approvals: state, approver group, requester and text for the Approvals view. CAVRA's list
// filters only state and approver group; the server applies requester and text after fetching every
// page (server/src/backend/approvalPages.ts), so the view is not limited to CAVRA's 500-item page.
import * as vscode from 'vscode';
import type { ApprovalsView } from '../views/approvalsView';

const STATES = ['pending', 'approved', 'denied', 'expired', 'break_glass'];

export async function filterApprovals(view: ApprovalsView): Promise<void> {
  const state = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('any state'), value: undefined as string | undefined },
      ...STATES.map((s) => ({ label: s, value: s })),
    ].map((i) => ({
      ...i,
      picked: i.value === view.filter.state,
    })),
    {
      title: vscode.l10n.t('Filter approvals (1/4): state'),
      placeHolder: view.filter.state ? vscode.l10n.t('now {0}', view.filter.state) : vscode.l10n.t('any state'),
    },
  );
  if (!state) return;
  const ask = async (step: number, what: string, value: string | undefined) =>
    vscode.window.showInputBox({
      title: vscode.l10n.t('Filter approvals ({0}/4): {1}', step, what),
      prompt: vscode.l10n.t('Leave empty for any'),
      value: value ?? '',
    });
  const group = await ask(2, vscode.l10n.t('approver group (exact)'), view.approverGroup);
  if (group === undefined) return;
  const requester = await ask(3, vscode.l10n.t('requested by (exact)'), view.filter.requested_by);
  if (requester === undefined) return;
  const text = await ask(4, vscode.l10n.t('text (every word, in ids, people, action, target, reason)'), view.filter.text);
  if (text === undefined) return;
  view.approverGroup = group.trim() || undefined;
  view.filter = {
    ...(state.value ? { state: state.value } : {}),
    ...(requester.trim() ? { requested_by: requester.trim() } : {}),
    ...(text.trim() ? { text: text.trim() } : {}),
  };
  view.refresh();
}
