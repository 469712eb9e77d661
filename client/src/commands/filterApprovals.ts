// Filter Approvals: state, approver group, requester and text for the Approvals view. CAVRA's list
// filters only state and approver group; the server applies requester and text after fetching every
// page (server/src/backend/approvalPages.ts), so the view is not limited to CAVRA's 500-item page.
import * as vscode from 'vscode';
import type { ApprovalsView } from '../views/approvalsView';

const STATES = ['pending', 'approved', 'denied', 'expired', 'break_glass'];

export async function filterApprovals(view: ApprovalsView): Promise<void> {
  const state = await vscode.window.showQuickPick(
    [{ label: 'any state', value: undefined as string | undefined }, ...STATES.map((s) => ({ label: s, value: s }))].map((i) => ({
      ...i,
      picked: i.value === view.filter.state,
    })),
    { title: 'Filter approvals (1/4): state', placeHolder: view.filter.state ? `now ${view.filter.state}` : 'any state' },
  );
  if (!state) return;
  const ask = async (step: number, what: string, value: string | undefined) =>
    vscode.window.showInputBox({
      title: `Filter approvals (${step}/4): ${what}`,
      prompt: 'Leave empty for any',
      value: value ?? '',
    });
  const group = await ask(2, 'approver group (exact)', view.approverGroup);
  if (group === undefined) return;
  const requester = await ask(3, 'requested by (exact)', view.filter.requested_by);
  if (requester === undefined) return;
  const text = await ask(4, 'text (every word, in ids, people, action, target, reason)', view.filter.text);
  if (text === undefined) return;
  view.approverGroup = group.trim() || undefined;
  view.filter = {
    ...(state.value ? { state: state.value } : {}),
    ...(requester.trim() ? { requested_by: requester.trim() } : {}),
    ...(text.trim() ? { text: text.trim() } : {}),
  };
  view.refresh();
}
