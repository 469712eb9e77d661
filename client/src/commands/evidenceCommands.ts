// Auditor: Verify Evidence Chain, naming the first record that was altered or removed.
import * as vscode from 'vscode';
import { showWorkflowError } from '../workflowClient';
import type { CommandContext } from './context';

export async function verifyEvidence(ctx: CommandContext): Promise<void> {
  try {
    const r = await ctx.workflows.call('verifyEvidence', {});
    ctx.views.evidence.firstBadSeq = r.ok ? undefined : (r.first_bad_seq ?? 0);
    ctx.views.evidence.refresh();
    if (r.ok)
      void vscode.window.showInformationMessage(
        `Evidence chain intact: ${r.records} records in ${vscode.workspace.asRelativePath(r.file)}.`,
      );
    else
      void vscode.window.showErrorMessage(
        `Evidence chain broken at line ${r.first_bad_line ?? '?'}${r.first_bad_seq !== undefined ? ` (record #${r.first_bad_seq})` : ''}: ${r.message}`,
      );
  } catch (e) {
    await showWorkflowError('Verify Evidence Chain', e, ctx.log);
  }
}
