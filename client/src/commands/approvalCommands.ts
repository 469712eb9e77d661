// IAM owner / change manager: Approve, Deny, Expire, shown the decision first; and Show Approval.
import * as vscode from 'vscode';
import type { ApprovalRecord, Decision } from '../../../server/src/protocol';
import { isOverdueNow, overdueNote } from '../approvalClock';
import { requireTrust } from '../trust';
import { approvalLabel, type ApprovalNode } from '../views/approvalsView';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder, folderTarget, type FolderTarget } from '../workspaceFolder';
import { approvalReviewLines } from './approvalReview';
import type { CommandContext } from './context';

/** An approval and the workspace folder whose store holds it (decisions are sent there). */
interface Picked {
  a: ApprovalRecord;
  target: FolderTarget;
}

function decisionLines(a: ApprovalRecord): string {
  const d = a.decision ?? {};
  return [
    `action: ${String(d.action_type ?? '—')}`,
    `target: ${String(d.target ?? '—')}`,
    `rule: ${String(d.rule_id ?? '—')}`,
    `severity: ${String(d.severity ?? '—')}`,
    d.policy_digest ? `digest: ${String(d.policy_digest)}` : '',
    `approver group: ${a.approver_group}`,
    `requested by ${a.requested_by} at ${a.requested_at}; expires ${a.expires_at}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * `verb`: the (localized) words the pickers are titled with; `currentOnly`: offer only approvals not
 * past their expiry (Approve, Deny); `folder`: the URI of the folder an approval id belongs to (a tree
 * item's command passes it).
 */
async function pickPending(
  ctx: CommandContext,
  arg: unknown,
  verb: string,
  currentOnly: boolean,
  folder?: string,
): Promise<Picked | undefined> {
  const node = arg as ApprovalNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node && node.kind === 'approval')
    return { a: node.record, target: folderTarget(node.folder) };
  const target = await chooseFolder(folder ? { folder } : undefined, verb);
  if (!target) return undefined;
  if (typeof arg === 'string')
    return { a: await ctx.workflows.call('getApproval', { ...target.params, approval_id: arg }), target };
  const group = vscode.workspace.getConfiguration('cavra').get<string>('approvals.myApproverGroup') || undefined;
  const list = await ctx.workflows.call('listApprovals', {
    ...target.params,
    state: 'pending',
    approver_group: group,
    limit: 500,
  });
  // Approving or denying an overdue approval is refused: offer only current ones (Expire offers all).
  const items = currentOnly ? list.items.filter((a) => !isOverdueNow(a)) : list.items;
  const hidden = list.items.length - items.length;
  if (!items.length) {
    const more = hidden ? vscode.l10n.t(' ({0} past their expiry: run "CAVRA: Expire Overdue Approvals")', hidden) : '';
    void vscode.window.showInformationMessage(
      group ? vscode.l10n.t('No pending approvals for {0}{1}.', group, more) : vscode.l10n.t('No pending approvals{0}.', more),
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    items.map((a) => ({
      label: approvalLabel(a),
      description: `${a.approver_group} · ${a.approval_id}`,
      detail:
        overdueNote(a) ??
        vscode.l10n.t('{0} · severity {1}', String(a.decision?.rule_id ?? ''), String(a.decision?.severity ?? '')),
      a,
    })),
    {
      ignoreFocusOut: true,
      title: vscode.l10n.t('{0}: which approval?', verb),
      placeHolder: hidden ? vscode.l10n.t('{0} past their expiry not shown (they can only be expired)', hidden) : undefined,
    },
  );
  return pick ? { a: pick.a, target } : undefined;
}

async function askActor(title: string): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration('cavra');
  const actor = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title,
    prompt: vscode.l10n.t('Who is deciding (recorded in the approval history and evidence)'),
    value: config.get<string>('actor') ?? '',
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The actor is required')),
  });
  return actor?.trim();
}

export async function decideApproval(ctx: CommandContext, verb: 'approve' | 'deny', arg?: unknown): Promise<void> {
  // The button and the pickers' title, compared below: one localized value for both.
  const button = verb === 'approve' ? vscode.l10n.t('Approve') : vscode.l10n.t('Deny');
  if (!requireTrust(verb === 'approve' ? vscode.l10n.t('Approve an approval') : vscode.l10n.t('Deny an approval'))) return;
  try {
    const picked = await pickPending(ctx, arg, button, true);
    if (!picked) return;
    const { a, target } = picked;
    if (a.state !== 'pending') {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} is {1}: only pending approvals can be changed.', a.approval_id, a.state),
      );
      return;
    }
    const overdue = overdueNote(a);
    if (overdue) {
      const expire = vscode.l10n.t('Expire Overdue Approvals');
      const go = await vscode.window.showWarningMessage(
        verb === 'approve'
          ? vscode.l10n.t('{0} {1}. It can no longer be approved.', a.approval_id, overdue)
          : vscode.l10n.t('{0} {1}. It can no longer be denied.', a.approval_id, overdue),
        expire,
      );
      if (go === expire) await expireOverdueApprovals(ctx, target.folder);
      return;
    }
    const review = await approvalReviewLines(ctx, a, target);
    const go = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} {1}?', button, a.approval_id),
      { modal: true, detail: [decisionLines(a), ...review].join('\n') },
      button,
    );
    if (go !== button) return;
    const actor = await askActor(vscode.l10n.t('{0} {1} (1/3): actor', button, a.approval_id));
    if (!actor) return;
    const reason = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: vscode.l10n.t('{0} {1} (2/3): reason', button, a.approval_id),
      prompt: vscode.l10n.t('Why (mandatory; recorded verbatim)'),
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A reason is required')),
    });
    if (!reason?.trim()) return;
    const ref = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: vscode.l10n.t('{0} {1} (3/3): external reference (optional)', button, a.approval_id),
      prompt: vscode.l10n.t('A change or ticket id, e.g. CHG-1234; leave empty for none'),
    });
    if (ref === undefined) return;
    const updated = await ctx.workflows.call(verb, {
      ...target.params,
      approval_id: a.approval_id,
      actor,
      reason: reason.trim(),
      external_ref: ref.trim() || undefined,
    });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0} is now {1} (by {2}). {3}.',
        updated.approval_id,
        updated.state,
        updated.decided_by ?? actor,
        await ctx.backendName(target),
      ),
    );
  } catch (e) {
    await showWorkflowError(button, e, ctx.log);
  }
}

export async function expireApproval(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Expiring an approval'))) return;
  try {
    const picked = await pickPending(ctx, arg, vscode.l10n.t('Expire'), false);
    if (!picked) return;
    const { a, target } = picked;
    const expire = vscode.l10n.t('Expire');
    const go = await vscode.window.showWarningMessage(
      vscode.l10n.t('Expire {0}? It can no longer be approved.', a.approval_id),
      { modal: true, detail: decisionLines(a) },
      expire,
    );
    if (go !== expire) return;
    const updated = await ctx.workflows.call('expire', { ...target.params, approval_id: a.approval_id });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is now {1}.', updated.approval_id, updated.state));
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Expire'), e, ctx.log);
  }
}

/** CAVRA's `expire` (actor `system`) on every pending approval past its time, in this folder's backend. */
export async function expireOverdueApprovals(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Expiring overdue approvals'))) return;
  try {
    const target = await chooseFolder(arg, vscode.l10n.t('Expire Overdue Approvals'));
    if (!target) return;
    const expired = await ctx.workflows.call('expireOverdue', { ...target.params });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(
      expired.length === 1
        ? vscode.l10n.t('Expired 1 overdue approval: {0}. {1}.', expired[0].approval_id, await ctx.backendName())
        : expired.length
          ? vscode.l10n.t(
              'Expired {0} overdue approvals: {1}. {2}.',
              expired.length,
              expired.map((a) => a.approval_id).join(', '),
              await ctx.backendName(),
            )
          : vscode.l10n.t('No pending approval is past its expiry. {0}.', await ctx.backendName()),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Expire Overdue Approvals'), e, ctx.log);
  }
}

/**
 * Attach Decision: a decision JSON file, or the approval's own action evaluated again now. Only a
 * decision of the approval's own request is accepted (same decision id, or same action and target);
 * the server checks and says which rule matched.
 */
export async function attachDecision(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Attaching a decision'))) return;
  try {
    const picked = await pickPending(ctx, arg, vscode.l10n.t('Attach Decision'), false);
    if (!picked) return;
    const { a, target } = picked;
    const d = a.decision ?? {};
    const source = await vscode.window.showQuickPick(
      [
        {
          label: `$(refresh) ${vscode.l10n.t('Evaluate the same action again now')}`,
          detail: vscode.l10n.t(
            '{0} {1} against {2}',
            String(d.action_type ?? ''),
            String(d.target ?? ''),
            String(d.policy_pack ?? vscode.l10n.t('the default pack')),
          ),
          id: 'again',
        },
        {
          label: `$(file) ${vscode.l10n.t('A decision JSON file')}`,
          detail: vscode.l10n.t('as printed by cavra-policy evaluate --json'),
          id: 'file',
        },
      ],
      { ignoreFocusOut: true, title: vscode.l10n.t('Attach a decision to {0}', a.approval_id) },
    );
    if (!source) return;
    let decision: Decision;
    if (source.id === 'again') {
      decision = await ctx.workflows.call('evaluate', {
        ...target.params,
        action_type: String(d.action_type ?? ''),
        target: String(d.target ?? ''),
        policy_pack: typeof d.policy_pack === 'string' ? d.policy_pack : undefined,
      });
    } else {
      const [file] =
        (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Decision JSON')]: ['json'] } })) ??
        [];
      if (!file) return;
      const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        // `evaluate --policy-mode … --json` wraps the decision; a bare decision has its own decision_id.
        const wrapped = parsed.decision;
        decision = (!('decision_id' in parsed) && wrapped && typeof wrapped === 'object' ? wrapped : parsed) as Decision;
      } catch (e) {
        throw new Error(
          vscode.l10n.t('{0} is not valid JSON: {1}', vscode.workspace.asRelativePath(file), (e as Error).message),
          {
            cause: e,
          },
        );
      }
    }
    const result = await ctx.workflows.call('attachDecision', { ...target.params, approval_id: a.approval_id, decision });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Attached {0} ({1}) to {2}. {3}.',
        String(result.decision_id),
        String(result.decision),
        a.approval_id,
        await ctx.backendName(),
      ),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Attach Decision'), e, ctx.log);
  }
}

export async function showApproval(ctx: CommandContext, approvalId?: string, folder?: string): Promise<void> {
  try {
    const a = (await pickPending(ctx, approvalId, vscode.l10n.t('Show'), false, folder))?.a;
    if (!a) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(a, null, 2)}\n` });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Show Approval'), e, ctx.log);
  }
}
