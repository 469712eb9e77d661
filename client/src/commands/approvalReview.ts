// Before Approve / Deny of a policy publish: what the approver approves, entry by entry. The server
// finds the draft whose digest is the approval's (workflows/approvalChanges.ts) and plans it; here
// it becomes the text of the confirmation's detail, beside CAVRA's dotted paths.
import * as vscode from 'vscode';
import { entryDiffLines, type ApprovalRecord } from '../../../server/src/protocol';
import { approvalImpactLines } from './approvalImpact';
import type { FolderTarget } from '../workspaceFolder';
import type { CommandContext } from './context';

/** At most this many entry lines in a modal; the rest are counted (the plan webview shows them all). */
const MAX_LINES = 40;

export async function approvalReviewLines(ctx: CommandContext, a: ApprovalRecord, target: FolderTarget): Promise<string[]> {
  if (a.decision?.action_type !== 'policy_publish') return [];
  const impact = approvalImpactLines(a);
  let changes;
  try {
    changes = await ctx.workflows.call('approvalChanges', { ...target.params, approval_id: a.approval_id });
  } catch (e) {
    return ['', vscode.l10n.t('What it changes could not be shown: {0}', (e as Error).message), ...impact];
  }
  if (changes.kind !== 'shown' || !changes.plan) return ['', changes.message, ...impact];
  const plan = changes.plan;
  const cavra = [
    ...plan.diff.added.map((p) => `+ ${p}`),
    ...plan.diff.removed.map((p) => `- ${p}`),
    ...plan.diff.changed.map((p) => `~ ${p}`),
  ];
  const entries = plan.entries ? entryDiffLines(plan.entries) : [];
  const shown = entries.slice(0, MAX_LINES);
  return [
    '',
    vscode.l10n.t('{0} {1}, risk {2}; draft: {3}', plan.operation, plan.policy_id, plan.risk, changes.draft_file ?? '?'),
    plan.operation === 'create'
      ? vscode.l10n.t('A new pack: every entry is new.')
      : cavra.length
        ? vscode.l10n.t("CAVRA's diff: {0}", cavra.join(', '))
        : vscode.l10n.t('No changes.'),
    ...(shown.length ? [vscode.l10n.t('Entry by entry:'), ...shown] : []),
    ...(entries.length > shown.length
      ? [vscode.l10n.t('… and {0} more (Plan Publish shows them all)', entries.length - shown.length)]
      : []),
    ...(plan.entries_unavailable ? [vscode.l10n.t('(Entry by entry unavailable: {0}.)', plan.entries_unavailable)] : []),
    ...(plan.reach
      ? [
          vscode.l10n.t(
            'Packs inheriting it that change: {0}',
            plan.reach.changed.map((d) => d.policy_id).join(', ') || vscode.l10n.t('none'),
          ),
        ]
      : []),
    ...impact,
  ];
}
