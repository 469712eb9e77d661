// Platform engineer: Preview Draft, Plan Publish (with the published-vs-draft diff) and Request
// Publish Approval.
import * as vscode from 'vscode';
import { renderDraftPreview } from '../webview/render/draftPreview';
import { renderPublishPlan } from '../webview/render/publishPlan';
import { requireTrust } from '../trust';
import { showWorkflowError } from '../workflowClient';
import { folderOfUri } from '../workspaceFolder';
import { resolvePolicyUri } from './activePolicy';
import type { CommandContext } from './context';
import type { ImpactResult, PublishReach } from '../../../server/src/protocol';

/** What the approver is asked to accept beyond this pack: the inheriting packs whose policy changes. */
function reachNote(reach: PublishReach | undefined): string {
  if (!reach) return '';
  const ids = reach.changed.map((d) => d.policy_id).join(', ');
  const list = ids ? ` (${ids})` : '';
  return reach.descendants === 1
    ? vscode.l10n.t('Changes the effective policy of {0} of 1 inheriting pack{1}. ', reach.changed.length, list)
    : vscode.l10n.t(
        'Changes the effective policy of {0} of {1} inheriting packs{2}. ',
        reach.changed.length,
        reach.descendants,
        list,
      );
}

export async function previewDraft(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = await resolvePolicyUri(arg);
  if (!uri) return;
  try {
    const draft = await ctx.workflows.call('draftPreview', { uri: uri.toString() });
    ctx.panels.show(
      'draftPreview',
      vscode.l10n.t('Draft: {0}', String(draft.policy_pack.metadata.id ?? '')),
      renderDraftPreview(draft, vscode.workspace.asRelativePath(uri), await ctx.backendName(folderOfUri(uri))),
      [{ command: 'cavra.planPublish', label: vscode.l10n.t('Plan Publish'), args: [uri] }],
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Preview Draft'), e, ctx.log);
  }
}

/**
 * The draft replayed against `cavra.impact.decisionLog` (a week of decisions can take seconds: a progress
 * notification says so). A failed replay is shown in its section, never in place of the plan.
 */
async function impactOfPlan(ctx: CommandContext, uri: vscode.Uri): Promise<ImpactResult | string | undefined> {
  const folder = folderOfUri(uri);
  // No log: the section says so and the plan offers Choose Decision Log….
  if (!folder.config.get<string>('impact.decisionLog')) return { decision_log: null };
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Replaying recorded decisions against the draft…') },
      () => ctx.workflows.call('impact', { ...folder.params, uri: uri.toString() }),
    );
  } catch (e) {
    ctx.log.warn(`impact replay failed: ${e instanceof Error ? e.message : String(e)}`);
    return vscode.l10n.t('The decision log could not be replayed: {0}', e instanceof Error ? e.message : String(e));
  }
}

export async function planPublish(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = await resolvePolicyUri(arg);
  if (!uri) return;
  try {
    const plan = await ctx.workflows.call('publishPlan', { uri: uri.toString() });
    const backend = await ctx.backendName(folderOfUri(uri));
    const impact = await impactOfPlan(ctx, uri);
    const noLog = typeof impact === 'object' && impact.decision_log === null;
    ctx.panels.show('publishPlan', vscode.l10n.t('Publish plan: {0}', plan.policy_id), renderPublishPlan(plan, backend, impact), [
      { command: 'cavra.requestPublishApproval', label: vscode.l10n.t('Request Publish Approval'), args: [uri] },
      { command: 'cavra.diffPublished', label: vscode.l10n.t('Diff Published ↔ Draft'), args: [uri], secondary: true },
      ...(noLog
        ? [{ command: 'cavra.chooseDecisionLog', label: vscode.l10n.t('Choose Decision Log…'), args: [uri], secondary: true }]
        : []),
    ]);
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Plan Publish'), e, ctx.log);
  }
}

export async function diffPublished(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = await resolvePolicyUri(arg);
  if (!uri) return;
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const draft = await ctx.workflows.call('draftPreview', { uri: uri.toString() });
    const id = String(draft.policy_pack.metadata.id ?? '');
    // The published pack of the draft's own folder (each folder has its own store).
    const published = await ctx.workflows.call('publishedPack', { ...folderOfUri(uri).params, policy_id: id });
    await ctx.virtualDocs.showDiff(
      {
        path: `published/${id}/policy.yaml`,
        content: published.text ?? `# ${published.unavailable ?? vscode.l10n.t('not published yet')}\n`,
      },
      doc.uri,
      vscode.l10n.t('{0}: published ↔ draft', id),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Diff Published ↔ Draft'), e, ctx.log);
  }
}

export async function requestPublishApproval(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Requesting a publish approval'))) return;
  const uri = await resolvePolicyUri(arg);
  if (!uri) return;
  const folder = folderOfUri(uri);
  const config = folder.config;
  const group = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: vscode.l10n.t('Request Publish Approval (1/2): approver group'),
    value: config.get<string>('approvals.publishApproverGroup') ?? 'Platform Security',
    prompt: vscode.l10n.t('Who must approve this publish?'),
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('An approver group is required')),
  });
  if (group === undefined) return;
  const ttl = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: vscode.l10n.t('Request Publish Approval (2/2): expiry in hours'),
    value: String(config.get<number>('approvals.ttlHours') ?? 24),
    validateInput: (v) =>
      /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 8760
        ? undefined
        : vscode.l10n.t('A whole number of hours between 1 and 8760'),
  });
  if (ttl === undefined) return;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Requesting publish approval…') },
      () =>
        ctx.workflows.call('publishRequest', {
          uri: uri.toString(),
          approver_group: group.trim(),
          ttl_hours: Number(ttl),
          requested_by: config.get<string>('actor') || undefined,
        }),
    );
    ctx.refreshAll();
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Approval {0} requested from {1} for {2} (risk {3}, digest {4}…). {5}{6}.',
        result.approval.approval_id,
        result.approval.approver_group,
        result.plan.policy_id,
        result.plan.risk,
        result.plan.policy_digest.slice(0, 19),
        reachNote(result.plan.reach),
        await ctx.backendName(folder),
      ),
      vscode.l10n.t('Show Approvals'),
    );
    if (pick) void vscode.commands.executeCommand('cavra.approvals.focus');
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Request Publish Approval'), e, ctx.log);
  }
}
