// Security engineer: Plan Rollout Change (before/after, changed fields, risk, approval) and Apply.
import * as vscode from 'vscode';
import type {
  PolicyRolloutRecord,
  RolloutChangePlan,
  RolloutChangeRequest,
  RolloutImpactResult,
} from '../../../server/src/protocol';
import { requireTrust } from '../trust';
import { renderRolloutPlan } from '../webview/render/rolloutPlan';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder, type FolderTarget } from '../workspaceFolder';
import type { CommandContext } from './context';
import { pickRolloutApproval, WITHOUT_APPROVAL } from './rolloutApproval';

const MODES = ['audit_only', 'enforce', 'strict', 'break_glass'];
const STATES = ['planned', 'active', 'paused', 'retired'];

/** A rollout change, with the workspace folder whose inventory it changes (`folder`, carried to Apply). */
type FolderChange = RolloutChangeRequest & FolderTarget['params'];

async function askChange(
  ctx: CommandContext,
  target: FolderTarget,
  current?: PolicyRolloutRecord,
): Promise<FolderChange | undefined> {
  const steps = 7;
  const title = (n: number, what: string) => `Rollout change (${n}/${steps}): ${what}`;
  const repository = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(1, 'repository'),
    value: current?.repository ?? '',
    placeHolder: 'payments/api',
    validateInput: (v) => (v.trim() ? undefined : 'policy rollout must include repository'),
  });
  if (!repository) return undefined;
  const catalog = await ctx.workflows.call('catalog', target.params).catch(() => undefined);
  const packItems = (catalog?.items ?? []).map((p) => ({ label: String(p.id), description: String(p.title ?? '') }));
  const packPick = packItems.length
    ? await vscode.window.showQuickPick(packItems, {
        ignoreFocusOut: true,
        title: title(2, 'policy pack'),
        placeHolder: current?.policy_pack,
      })
    : {
        label:
          (await vscode.window.showInputBox({
            ignoreFocusOut: true,
            title: title(2, 'policy pack'),
            value: current?.policy_pack ?? '',
          })) ?? '',
      };
  if (!packPick?.label) return undefined;
  const mode = await vscode.window.showQuickPick(
    MODES.map((m) => ({ label: m, picked: m === current?.mode })),
    { ignoreFocusOut: true, title: title(3, 'mode'), placeHolder: current ? `now ${current.mode}` : 'default enforce' },
  );
  if (!mode) return undefined;
  const state = await vscode.window.showQuickPick(
    STATES.map((s) => ({ label: s })),
    { ignoreFocusOut: true, title: title(4, 'state'), placeHolder: current ? `now ${current.state}` : 'default planned' },
  );
  if (!state) return undefined;
  const owner = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(5, 'owner'),
    value: current?.owner ?? 'platform-security',
  });
  if (owner === undefined) return undefined;
  const coverage = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(6, 'coverage percent'),
    value: String(current?.coverage_percent ?? 0),
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= 100 ? undefined : 'A whole number from 0 to 100'),
  });
  if (coverage === undefined) return undefined;
  const version = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(7, 'policy version'),
    value: current?.policy_version ?? 'latest',
  });
  if (version === undefined) return undefined;
  return {
    ...target.params,
    rollout_id: current?.rollout_id,
    repository: repository.trim(),
    policy_pack: packPick.label,
    mode: mode.label,
    state: state.label,
    owner: owner.trim() || undefined,
    coverage_percent: Number(coverage),
    policy_version: version.trim() || undefined,
  };
}

async function showPlanDiff(ctx: CommandContext, before: PolicyRolloutRecord | null, after: PolicyRolloutRecord): Promise<void> {
  await ctx.virtualDocs.showDiff(
    {
      path: `rollouts/${after.rollout_id}/before.json`,
      content: before ? `${JSON.stringify(before, null, 2)}\n` : '// no rollout record yet\n',
    },
    { path: `rollouts/${after.rollout_id}/after.json`, content: `${JSON.stringify(after, null, 2)}\n` },
    `${after.rollout_id}: rollout before ↔ after`,
  );
}

/**
 * The plan's mode change replayed over its pack and repository's recorded decisions (`cavra.impact.decisionLog`;
 * a progress notification: a week of decisions can take seconds). A failure is shown in its section, never
 * in place of the plan; no log set: nothing.
 */
async function impactOfRollout(
  ctx: CommandContext,
  target: FolderTarget,
  plan: RolloutChangePlan,
): Promise<RolloutImpactResult | string | undefined> {
  if (!target.config.get<string>('impact.decisionLog')) return undefined;
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Replaying recorded decisions under the new mode…' },
      () =>
        ctx.workflows.call('rolloutImpact', {
          ...target.params,
          mode_from: plan.before?.mode ?? null,
          mode_to: plan.after.mode,
          policy_pack: plan.after.policy_pack,
          repository: plan.after.repository,
        }),
    );
  } catch (e) {
    ctx.log.warn(`rollout impact replay failed: ${e instanceof Error ? e.message : String(e)}`);
    return `The decision log could not be replayed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** `current`: a rollout record (or its tree node); `folder`: the workspace folder it belongs to. */
export async function planRolloutChange(ctx: CommandContext, current?: PolicyRolloutRecord, folder?: unknown): Promise<void> {
  try {
    const target = await chooseFolder(folder ?? current, 'Plan Rollout Change');
    if (!target) return;
    const node = current as unknown as { kind?: string; record?: PolicyRolloutRecord } | undefined;
    const record = current && 'rollout_id' in current ? current : node?.kind === 'rollout' ? node.record : undefined;
    const request = await askChange(ctx, target, record);
    if (!request) return;
    const plan = await ctx.workflows.call('rolloutPlan', request);
    const backend = await ctx.backendName(target);
    const impact = await impactOfRollout(ctx, target, plan);
    ctx.panels.show(
      'rolloutPlan',
      `Rollout plan: ${plan.after.rollout_id}`,
      renderRolloutPlan(plan, backend, undefined, impact),
      [
        ...(plan.approval_required
          ? [{ command: 'cavra.requestRolloutApproval', label: 'Request Approval', args: [{ ...request, ...target.params }] }]
          : []),
        { command: 'cavra.applyRolloutChange', label: 'Apply Rollout Change', args: [request] },
        { command: 'cavra.diffRolloutPlan', label: 'Diff before ↔ after', args: [plan.before, plan.after], secondary: true },
      ],
    );
  } catch (e) {
    await showWorkflowError('Plan Rollout Change', e, ctx.log);
  }
}

export async function diffRolloutPlan(
  ctx: CommandContext,
  before: PolicyRolloutRecord | null,
  after: PolicyRolloutRecord,
): Promise<void> {
  await showPlanDiff(ctx, before, after);
}

/** `request`: a planned change (the plan's Apply button passes it, with its folder). */
export async function applyRolloutChange(ctx: CommandContext, request?: FolderChange): Promise<void> {
  if (!requireTrust('Applying a rollout change')) return;
  try {
    // A planned change names its folder; without a plan, the user's choice.
    const target = await chooseFolder(request?.folder ? { folder: request.folder } : undefined, 'Apply Rollout Change');
    if (!target) return;
    const req = request ? { ...request, ...target.params } : await askChange(ctx, target);
    if (!req) return;
    const plan = await ctx.workflows.call('rolloutPlan', req);
    // A change that requires approval is applied under one (the server checks it matches), or knowingly without.
    const approval = plan.approval_required ? await pickRolloutApproval(ctx, target, plan.after.rollout_id) : WITHOUT_APPROVAL;
    if (!approval) return;
    const approvalId = approval === WITHOUT_APPROVAL ? undefined : approval;
    const warn = plan.approval_required
      ? `Approval is required for this change (risk ${plan.risk}${plan.after.mode === 'strict' || plan.after.mode === 'break_glass' ? `, mode ${plan.after.mode}` : ''}). ` +
        (approvalId
          ? `Applied under approval ${approvalId}.`
          : 'Applying without approval: CAVRA allows it, and the evidence will say so.')
      : `Risk ${plan.risk}; no approval required.`;
    const go = await vscode.window.showWarningMessage(
      `Apply rollout change to ${plan.after.rollout_id}?`,
      {
        modal: true,
        detail: `${warn}\n\n${plan.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join('\n')}`,
      },
      'Apply',
    );
    if (go !== 'Apply') return;
    // Who applied it goes into the evidence (a verified actor, when configured, wins on the server side).
    const actor = target.config.get<string>('actor')?.trim() || undefined;
    const result = await ctx.workflows.call('rolloutApply', {
      ...req,
      ...(actor ? { actor } : {}),
      ...(approvalId ? { approval_id: approvalId } : {}),
    });
    ctx.refreshAll();
    ctx.panels.show(
      'rolloutPlan',
      `Rollout applied: ${result.rollout.rollout_id}`,
      renderRolloutPlan(result.plan, await ctx.backendName(target), result),
    );
  } catch (e) {
    await showWorkflowError('Apply Rollout Change', e, ctx.log);
  }
}
