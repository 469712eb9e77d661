// IAM owner / change manager: Approve, Deny, Expire, shown the decision first; and Show Approval.
import * as vscode from 'vscode';
import type { ApprovalRecord } from '../../../server/src/protocol';
import { requireTrust } from '../trust';
import { approvalLabel, type ApprovalNode } from '../views/approvalsView';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder, folderTarget, type FolderTarget } from '../workspaceFolder';
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
  if (!list.items.length) {
    void vscode.window.showInformationMessage(`No pending approvals${group ? ` for ${group}` : ''}.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    list.items.map((a) => ({
      label: approvalLabel(a),
      description: `${a.approver_group} · ${a.approval_id}`,
      detail: `${String(a.decision?.rule_id ?? '')} · severity ${String(a.decision?.severity ?? '')}`,
      a,
    })),
    { ignoreFocusOut: true, title: `${verb}: which approval?` },
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
    const go = await vscode.window.showWarningMessage(
      `${Verb} ${a.approval_id}?`,
      { modal: true, detail: decisionLines(a) },
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
      `${updated.approval_id} is now ${updated.state} (by ${actor}). ${await ctx.backendName(target)}.`,
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
