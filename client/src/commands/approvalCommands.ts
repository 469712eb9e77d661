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

/** `folder`: the URI of the folder an approval id belongs to (a tree item's command passes it). */
async function pickPending(ctx: CommandContext, arg: unknown, verb: string, folder?: string): Promise<Picked | undefined> {
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
  const items = verb === 'Approve' || verb === 'Deny' ? list.items.filter((a) => !isOverdueNow(a)) : list.items;
  const hidden = list.items.length - items.length;
  if (!items.length) {
    const more = hidden ? ` (${hidden} past their expiry: run "CAVRA: Expire Overdue Approvals")` : '';
    void vscode.window.showInformationMessage(`No pending approvals${group ? ` for ${group}` : ''}${more}.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    items.map((a) => ({
      label: approvalLabel(a),
      description: `${a.approver_group} · ${a.approval_id}`,
      detail: overdueNote(a) ?? `${String(a.decision?.rule_id ?? '')} · severity ${String(a.decision?.severity ?? '')}`,
      a,
    })),
    {
      ignoreFocusOut: true,
      title: `${verb}: which approval?`,
      placeHolder: hidden ? `${hidden} past their expiry not shown (they can only be expired)` : undefined,
    },
  );
  return pick ? { a: pick.a, target } : undefined;
}

async function askActor(title: string): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration('cavra');
  const actor = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title,
    prompt: 'Who is deciding (recorded in the approval history and evidence)',
    value: config.get<string>('actor') ?? '',
    validateInput: (v) => (v.trim() ? undefined : 'The actor is required'),
  });
  return actor?.trim();
}

export async function decideApproval(ctx: CommandContext, verb: 'approve' | 'deny', arg?: unknown): Promise<void> {
  const Verb = verb === 'approve' ? 'Approve' : 'Deny';
  if (!requireTrust(`${Verb} an approval`)) return;
  try {
    const picked = await pickPending(ctx, arg, Verb);
    if (!picked) return;
    const { a, target } = picked;
    if (a.state !== 'pending') {
      void vscode.window.showWarningMessage(`${a.approval_id} is ${a.state}: only pending approvals can be changed.`);
      return;
    }
    const overdue = overdueNote(a);
    if (overdue) {
      const expire = 'Expire Overdue Approvals';
      const go = await vscode.window.showWarningMessage(
        `${a.approval_id} ${overdue}. It can no longer be ${verb === 'approve' ? 'approved' : 'denied'}.`,
        expire,
      );
      if (go === expire) await expireOverdueApprovals(ctx, target.folder);
      return;
    }
    const review = await approvalReviewLines(ctx, a, target);
    const go = await vscode.window.showWarningMessage(
      `${Verb} ${a.approval_id}?`,
      { modal: true, detail: [decisionLines(a), ...review].join('\n') },
      Verb,
    );
    if (go !== Verb) return;
    const actor = await askActor(`${Verb} ${a.approval_id} (1/3): actor`);
    if (!actor) return;
    const reason = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `${Verb} ${a.approval_id} (2/3): reason`,
      prompt: 'Why (mandatory; recorded verbatim)',
      validateInput: (v) => (v.trim() ? undefined : 'A reason is required'),
    });
    if (!reason?.trim()) return;
    const ref = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `${Verb} ${a.approval_id} (3/3): external reference (optional)`,
      prompt: 'A change or ticket id, e.g. CHG-1234; leave empty for none',
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
      `${updated.approval_id} is now ${updated.state} (by ${updated.decided_by ?? actor}). ${await ctx.backendName(target)}.`,
    );
  } catch (e) {
    await showWorkflowError(Verb, e, ctx.log);
  }
}

export async function expireApproval(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust('Expiring an approval')) return;
  try {
    const picked = await pickPending(ctx, arg, 'Expire');
    if (!picked) return;
    const { a, target } = picked;
    const go = await vscode.window.showWarningMessage(
      `Expire ${a.approval_id}? It can no longer be approved.`,
      { modal: true, detail: decisionLines(a) },
      'Expire',
    );
    if (go !== 'Expire') return;
    const updated = await ctx.workflows.call('expire', { ...target.params, approval_id: a.approval_id });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(`${updated.approval_id} is now ${updated.state}.`);
  } catch (e) {
    await showWorkflowError('Expire', e, ctx.log);
  }
}

/** CAVRA's `expire` (actor `system`) on every pending approval past its time, in this folder's backend. */
export async function expireOverdueApprovals(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust('Expiring overdue approvals')) return;
  try {
    const target = await chooseFolder(arg, 'Expire Overdue Approvals');
    if (!target) return;
    const expired = await ctx.workflows.call('expireOverdue', { ...target.params });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(
      expired.length
        ? `Expired ${expired.length} overdue approval${expired.length === 1 ? '' : 's'}: ${expired.map((a) => a.approval_id).join(', ')}. ${await ctx.backendName()}.`
        : `No pending approval is past its expiry. ${await ctx.backendName()}.`,
    );
  } catch (e) {
    await showWorkflowError('Expire Overdue Approvals', e, ctx.log);
  }
}

/**
 * Attach Decision: a decision JSON file, or the approval's own action evaluated again now. Only a
 * decision of the approval's own request is accepted (same decision id, or same action and target);
 * the server checks and says which rule matched.
 */
export async function attachDecision(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust('Attaching a decision')) return;
  try {
    const picked = await pickPending(ctx, arg, 'Attach Decision');
    if (!picked) return;
    const { a, target } = picked;
    const d = a.decision ?? {};
    const source = await vscode.window.showQuickPick(
      [
        {
          label: '$(refresh) Evaluate the same action again now',
          detail: `${String(d.action_type ?? '')} ${String(d.target ?? '')} against ${String(d.policy_pack ?? 'the default pack')}`,
          id: 'again',
        },
        { label: '$(file) A decision JSON file', detail: 'as printed by cavra-policy evaluate --json', id: 'file' },
      ],
      { ignoreFocusOut: true, title: `Attach a decision to ${a.approval_id}` },
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
      const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Decision JSON': ['json'] } })) ?? [];
      if (!file) return;
      const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        // `evaluate --policy-mode … --json` wraps the decision; a bare decision has its own decision_id.
        const wrapped = parsed.decision;
        decision = (!('decision_id' in parsed) && wrapped && typeof wrapped === 'object' ? wrapped : parsed) as Decision;
      } catch (e) {
        throw new Error(`${vscode.workspace.asRelativePath(file)} is not valid JSON: ${(e as Error).message}`, { cause: e });
      }
    }
    const result = await ctx.workflows.call('attachDecision', { ...target.params, approval_id: a.approval_id, decision });
    ctx.refreshAll();
    void vscode.window.showInformationMessage(
      `Attached ${String(result.decision_id)} (${String(result.decision)}) to ${a.approval_id}. ${await ctx.backendName()}.`,
    );
  } catch (e) {
    await showWorkflowError('Attach Decision', e, ctx.log);
  }
}

export async function showApproval(ctx: CommandContext, approvalId?: string, folder?: string): Promise<void> {
  try {
    const a = (await pickPending(ctx, approvalId, 'Show', folder))?.a;
    if (!a) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(a, null, 2)}\n` });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    await showWorkflowError('Show Approval', e, ctx.log);
  }
}
