// Auditor: Verify Evidence Chain, naming the first record that was altered or removed.
import * as vscode from 'vscode';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder } from '../workspaceFolder';
import type { CommandContext } from './context';

export async function verifyEvidence(ctx: CommandContext, arg?: unknown): Promise<void> {
  try {
    const target = await chooseFolder(arg, 'Verify Evidence Chain');
    if (!target) return;
    const r = await ctx.workflows.call('verifyEvidence', target.params);
    const key = target.folder?.uri.toString() ?? '';
    if (r.ok) ctx.views.evidence.firstBadSeq.delete(key);
    else ctx.views.evidence.firstBadSeq.set(key, r.first_bad_seq ?? 0);
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
