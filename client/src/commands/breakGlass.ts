// Incident commander: Break Glass on a decision. Every mandatory field is asked and checked
// (actor, reason, approver group, expiry), the external reference is optional, and nothing is sent
// until all of them are present and the summary is confirmed.
import * as vscode from 'vscode';
import type { Decision } from '../../../server/src/protocol';
import { requireTrust } from '../trust';
import type { ApprovalNode } from '../views/approvalsView';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder, type FolderTarget } from '../workspaceFolder';
import type { CommandContext } from './context';

export interface BreakGlassFields {
  actor: string;
  reason: string;
  approver_group: string;
  ttl_hours: number;
  external_ref?: string;
}

/** The one place the fields are checked, so the UI and its tests agree on what "complete" means. */
export function breakGlassProblems(f: Partial<BreakGlassFields>): string[] {
  const problems: string[] = [];
  if (!f.actor?.trim()) problems.push('actor is required');
  if (!f.reason?.trim()) problems.push('break-glass reason is required');
  if (!f.approver_group?.trim()) problems.push('approver group is required');
  if (!Number.isInteger(f.ttl_hours) || (f.ttl_hours ?? 0) < 1 || (f.ttl_hours ?? 0) > 72)
    problems.push('expiry must be a whole number of hours from 1 to 72');
  return problems;
}

async function pickDecision(ctx: CommandContext, arg: unknown, target: FolderTarget): Promise<Decision | undefined> {
  const node = arg as ApprovalNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node && node.kind === 'approval') return node.record.decision;
  // A decision handed over by "What Would CAVRA Decide?".
  const given = arg as { decision?: Decision } | undefined;
  if (given && typeof given === 'object' && given.decision && typeof given.decision.decision_id === 'string')
    return given.decision;
  const source = await vscode.window.showQuickPick(
    [
      { label: `$(clock) ${vscode.l10n.t("A pending approval's decision")}`, id: 'pending' },
      { label: `$(file) ${vscode.l10n.t('A decision JSON file')}`, id: 'file' },
    ],
    { ignoreFocusOut: true, title: vscode.l10n.t('Break Glass: which decision?') },
  );
  if (!source) return undefined;
  if (source.id === 'file') {
    const [file] =
      (await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { [vscode.l10n.t('Decision JSON')]: ['json'] },
        title: vscode.l10n.t('Decision to break glass on'),
      })) ?? [];
    if (!file) return undefined;
    const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(vscode.l10n.t('{0} is not valid JSON: {1}', vscode.workspace.asRelativePath(file), (e as Error).message), {
        cause: e,
      });
    }
    if (!parsed || typeof parsed !== 'object' || typeof (parsed as Decision).decision_id !== 'string')
      throw new Error(vscode.l10n.t('{0}: decision must include decision_id', vscode.workspace.asRelativePath(file)));
    return parsed as Decision;
  }
  const list = await ctx.workflows.call('listApprovals', { ...target.params, state: 'pending', limit: 500 });
  const pick = await vscode.window.showQuickPick(
    list.items.map((a) => ({
      label: `${String(a.decision?.action_type ?? '')} ${String(a.decision?.target ?? '')}`,
      description: a.approval_id,
      detail: `${String(a.decision?.rule_id ?? '')} · ${String(a.decision?.severity ?? '')}`,
      d: a.decision,
    })),
    { ignoreFocusOut: true, title: vscode.l10n.t('Break Glass: pending decision') },
  );
  return pick?.d;
}

export async function breakGlass(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Break-glass'))) return;
  try {
    // The break-glass approval is recorded in the store of the folder the decision belongs to.
    const target = await chooseFolder(arg, vscode.l10n.t('Break Glass'));
    if (!target) return;
    const decision = await pickDecision(ctx, arg, target);
    if (!decision) return;
    const config = target.config;
    const f: Partial<BreakGlassFields> = {};
    f.actor = (
      await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: vscode.l10n.t('Break Glass (1/5): actor'),
        value: config.get<string>('actor') ?? '',
        prompt: vscode.l10n.t('The incident commander taking responsibility'),
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The actor is required')),
      })
    )?.trim();
    if (!f.actor) return;
    f.reason = (
      await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: vscode.l10n.t('Break Glass (2/5): reason'),
        prompt: vscode.l10n.t('Why this override is needed now (mandatory evidence)'),
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A reason is required')),
      })
    )?.trim();
    if (!f.reason) return;
    f.approver_group = (
      await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: vscode.l10n.t('Break Glass (3/5): approver group'),
        value: 'Change Advisory Board',
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('An approver group is required')),
      })
    )?.trim();
    if (!f.approver_group) return;
    const ttl = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: vscode.l10n.t('Break Glass (4/5): expiry in hours'),
      value: String(config.get<number>('approvals.breakGlassTtlHours') ?? 4),
      validateInput: (v) =>
        breakGlassProblems({ ...f, ttl_hours: Number(v) }).length
          ? vscode.l10n.t('A whole number of hours from 1 to 72')
          : undefined,
    });
    if (ttl === undefined) return;
    f.ttl_hours = Number(ttl);
    const ref = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: vscode.l10n.t('Break Glass (5/5): incident or change reference (optional)'),
      prompt: vscode.l10n.t('e.g. INC-777; leave empty for none'),
    });
    if (ref === undefined) return;
    f.external_ref = ref.trim() || undefined;
    const problems = breakGlassProblems(f);
    if (problems.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Break-glass not sent: {0}.', problems.join('; ')));
      return;
    }
    const detail = `decision ${decision.decision_id}\n${String(decision.action_type ?? '')} ${String(decision.target ?? '')}\nactor: ${f.actor}\nreason: ${f.reason}\napprover group: ${f.approver_group}\nexpires in: ${f.ttl_hours} h\nreference: ${f.external_ref ?? '—'}`;
    const confirm = vscode.l10n.t('Break Glass');
    const go = await vscode.window.showWarningMessage(
      vscode.l10n.t('Break glass? This overrides the policy decision and is recorded as evidence.'),
      { modal: true, detail },
      confirm,
    );
    if (go !== confirm) return;
    const record = await ctx.workflows.call('breakGlass', { ...target.params, decision, ...(f as BreakGlassFields) });
    ctx.refreshAll();
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Break-glass {0} recorded for {1}; expires {2}. {3}.',
        record.approval_id,
        decision.decision_id,
        record.expires_at,
        await ctx.backendName(target),
      ),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Break Glass'), e, ctx.log);
  }
}
