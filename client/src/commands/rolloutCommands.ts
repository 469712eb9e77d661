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
  const title = (n: number, what: string) => vscode.l10n.t('Rollout change ({0}/{1}): {2}', n, steps, what);
  const repository = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(1, vscode.l10n.t('repository')),
    value: current?.repository ?? '',
    placeHolder: vscode.l10n.t('payments/api'),
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('policy rollout must include repository')),
  });
  if (!repository) return undefined;
  const catalog = await ctx.workflows.call('catalog', target.params).catch(() => undefined);
  const packItems = (catalog?.items ?? []).map((p) => ({ label: String(p.id), description: String(p.title ?? '') }));
  const packPick = packItems.length
    ? await vscode.window.showQuickPick(packItems, {
        ignoreFocusOut: true,
        title: title(2, vscode.l10n.t('policy pack')),
        placeHolder: current?.policy_pack,
      })
    : {
        label:
          (await vscode.window.showInputBox({
            ignoreFocusOut: true,
            title: title(2, vscode.l10n.t('policy pack')),
            value: current?.policy_pack ?? '',
          })) ?? '',
      };
  if (!packPick?.label) return undefined;
  const mode = await vscode.window.showQuickPick(
    MODES.map((m) => ({ label: m, picked: m === current?.mode })),
    {
      ignoreFocusOut: true,
      title: title(3, vscode.l10n.t('mode')),
      placeHolder: current ? vscode.l10n.t('now {0}', current.mode) : vscode.l10n.t('default enforce'),
    },
  );
  if (!mode) return undefined;
  const state = await vscode.window.showQuickPick(
    STATES.map((s) => ({ label: s })),
    {
      ignoreFocusOut: true,
      title: title(4, vscode.l10n.t('state')),
      placeHolder: current ? vscode.l10n.t('now {0}', current.state) : vscode.l10n.t('default planned'),
    },
  );
  if (!state) return undefined;
  const owner = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(5, vscode.l10n.t('owner')),
    value: current?.owner ?? 'platform-security',
  });
  if (owner === undefined) return undefined;
  const coverage = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(6, vscode.l10n.t('coverage percent')),
    value: String(current?.coverage_percent ?? 0),
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= 100 ? undefined : vscode.l10n.t('A whole number from 0 to 100')),
  });
  if (coverage === undefined) return undefined;
  const version = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: title(7, vscode.l10n.t('policy version')),
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
      content: before ? `${JSON.stringify(before, null, 2)}\n` : `// ${vscode.l10n.t('no rollout record yet')}\n`,
    },
    { path: `rollouts/${after.rollout_id}/after.json`, content: `${JSON.stringify(after, null, 2)}\n` },
    vscode.l10n.t('{0}: rollout before ↔ after', after.rollout_id),
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
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Replaying recorded decisions under the new mode…'),
      },
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
    return vscode.l10n.t('The decision log could not be replayed: {0}', e instanceof Error ? e.message : String(e));
  }
}

/** `current`: a rollout record (or its tree node); `folder`: the workspace folder it belongs to. */
export async function planRolloutChange(ctx: CommandContext, current?: PolicyRolloutRecord, folder?: unknown): Promise<void> {
  try {
    const target = await chooseFolder(folder ?? current, vscode.l10n.t('Plan Rollout Change'));
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
      vscode.l10n.t('Rollout plan: {0}', plan.after.rollout_id),
      renderRolloutPlan(plan, backend, undefined, impact),
      [
        ...(plan.approval_required
          ? [
              {
                command: 'cavra.requestRolloutApproval',
                label: vscode.l10n.t('Request Approval'),
                args: [{ ...request, ...target.params }],
              },
            ]
          : []),
        { command: 'cavra.applyRolloutChange', label: vscode.l10n.t('Apply Rollout Change'), args: [request] },
        {
          command: 'cavra.diffRolloutPlan',
          label: vscode.l10n.t('Diff before ↔ after'),
          args: [plan.before, plan.after],
          secondary: true,
        },
      ],
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Plan Rollout Change'), e, ctx.log);
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
  if (!requireTrust(vscode.l10n.t('Applying a rollout change'))) return;
  try {
    // A planned change names its folder; without a plan, the user's choice.
    const target = await chooseFolder(
      request?.folder ? { folder: request.folder } : undefined,
      vscode.l10n.t('Apply Rollout Change'),
    );
    if (!target) return;
    const req = request ? { ...request, ...target.params } : await askChange(ctx, target);
    if (!req) return;
    const plan = await ctx.workflows.call('rolloutPlan', req);
    // A change that requires approval is applied under one (the server checks it matches), or knowingly without.
    const approval = plan.approval_required ? await pickRolloutApproval(ctx, target, plan.after.rollout_id) : WITHOUT_APPROVAL;
    if (!approval) return;
    const approvalId = approval === WITHOUT_APPROVAL ? undefined : approval;
    const gatedMode = plan.after.mode === 'strict' || plan.after.mode === 'break_glass';
    const warn = plan.approval_required
      ? (gatedMode
          ? vscode.l10n.t('Approval is required for this change (risk {0}, mode {1}). ', plan.risk, plan.after.mode)
          : vscode.l10n.t('Approval is required for this change (risk {0}). ', plan.risk)) +
        (approvalId
          ? vscode.l10n.t('Applied under approval {0}.', approvalId)
          : vscode.l10n.t('Applying without approval: CAVRA allows it, and the evidence will say so.'))
      : vscode.l10n.t('Risk {0}; no approval required.', plan.risk);
    const apply = vscode.l10n.t('Apply');
    const go = await vscode.window.showWarningMessage(
      vscode.l10n.t('Apply rollout change to {0}?', plan.after.rollout_id),
      {
        modal: true,
        detail: `${warn}\n\n${plan.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join('\n')}`,
      },
      apply,
    );
    if (go !== apply) return;
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
      vscode.l10n.t('Rollout applied: {0}', result.rollout.rollout_id),
      renderRolloutPlan(result.plan, await ctx.backendName(target), result),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Apply Rollout Change'), e, ctx.log);
  }
}
