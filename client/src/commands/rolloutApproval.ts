// Rollouts that name their approval, in the editor: "Request Approval" after planning a change that
// requires one, and the approval to apply it under. The server binds the approval to the change
// (policy/rolloutApproval.ts) and refuses a mismatch with why; the picker here only offers candidates.
import * as vscode from 'vscode';
import type { ApprovalRecord, RolloutChangeRequest } from '../../../server/src/protocol';
import { isOverdueNow } from '../approvalClock';
import { requireTrust } from '../trust';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder, type FolderTarget } from '../workspaceFolder';
import type { CommandContext } from './context';

type FolderChange = RolloutChangeRequest & FolderTarget['params'];

/** `request`: the planned change (the plan's "Request Approval" button passes it, with its folder). */
export async function requestRolloutApproval(ctx: CommandContext, request?: FolderChange): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Requesting a rollout approval'))) return;
  try {
    if (!request) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Plan the rollout change first ("CAVRA: Plan Rollout Change"), then use its Request Approval button.'),
      );
      return;
    }
    const target = await chooseFolder(
      request.folder ? { folder: request.folder } : undefined,
      vscode.l10n.t('Request Rollout Approval'),
    );
    if (!target) return;
    const requestedBy = target.config.get<string>('actor')?.trim() || undefined;
    const result = await ctx.workflows.call('rolloutRequestApproval', {
      ...request,
      ...target.params,
      ...(requestedBy ? { requested_by: requestedBy } : {}),
    });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Approval {0} requested for rollout {1} from {2} (bound to change {3}). Apply the change with it once approved.',
        result.approval.approval_id,
        result.plan.after.rollout_id,
        result.approval.approver_group,
        result.change_digest,
      ),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Request Rollout Approval'), e, ctx.log);
  }
}

export const WITHOUT_APPROVAL = 'without';

/**
 * The approval to apply a change under, when the plan requires one: an approval id, `WITHOUT_APPROVAL`
 * (CAVRA does not enforce approval, SPEC 3.7; the evidence then says so), or undefined when cancelled.
 */
export async function pickRolloutApproval(
  ctx: CommandContext,
  target: FolderTarget,
  rolloutId: string,
): Promise<string | undefined> {
  const list = await ctx.workflows.call('listApprovals', { ...target.params, limit: 500 });
  const usable = (a: ApprovalRecord) => (a.state === 'approved' || a.state === 'break_glass') && !isOverdueNow(a);
  const candidates = list.items
    .filter((a) => a.decision?.action_type === 'policy_rollout' && a.decision?.target === rolloutId)
    .sort((a, b) => Number(usable(b)) - Number(usable(a)));
  const items: (vscode.QuickPickItem & { id: string })[] = [
    ...candidates.map((a) => ({
      id: a.approval_id,
      label: `${usable(a) ? '$(pass)' : '$(circle-slash)'} ${a.approval_id}`,
      description: `${a.state}${isOverdueNow(a) ? vscode.l10n.t(' (expired)') : ''} · ${a.approver_group}${a.decided_by ? vscode.l10n.t(' · by {0}', a.decided_by) : ''}`,
      detail: vscode.l10n.t('change {0}: the server checks it is this exact change', String(a.decision.rollout_change_digest)),
    })),
    {
      id: WITHOUT_APPROVAL,
      label: `$(warning) ${vscode.l10n.t('Apply without approval')}`,
      detail: vscode.l10n.t('CAVRA allows it; the evidence records "applied without approval although the plan requires one"'),
    },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: vscode.l10n.t('Approval for rollout {0}', rolloutId),
    placeHolder: candidates.length
      ? vscode.l10n.t('The approval this change is applied under')
      : vscode.l10n.t('No approval requested for this rollout yet'),
  });
  return pick?.id;
}
