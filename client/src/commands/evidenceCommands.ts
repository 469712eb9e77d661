// Auditor: Verify Evidence Chain, naming the first record that was altered or removed.
import * as vscode from 'vscode';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder } from '../workspaceFolder';
import type { CommandContext } from './context';

export async function verifyEvidence(ctx: CommandContext, arg?: unknown): Promise<void> {
  try {
    const target = await chooseFolder(arg, vscode.l10n.t('Verify Evidence Chain'));
    if (!target) return;
    const r = await ctx.workflows.call('verifyEvidence', target.params);
    const key = target.folder?.uri.toString() ?? '';
    if (r.ok) ctx.views.evidence.firstBadSeq.delete(key);
    else ctx.views.evidence.firstBadSeq.set(key, r.first_bad_seq ?? 0);
    ctx.views.evidence.refresh();
    if (r.ok)
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Evidence chain intact: {0} records in {1}.', r.records, vscode.workspace.asRelativePath(r.file)),
      );
    else
      void vscode.window.showErrorMessage(
        r.first_bad_seq !== undefined
          ? vscode.l10n.t(
              'Evidence chain broken at line {0} (record #{1}): {2}',
              r.first_bad_line ?? '?',
              r.first_bad_seq,
              r.message,
            )
          : vscode.l10n.t('Evidence chain broken at line {0}: {1}', r.first_bad_line ?? '?', r.message),
      );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Verify Evidence Chain'), e, ctx.log);
  }
}
