// Auditor: Show Pack History: one pack's requests, approvals, publishes, signatures and rollouts in time
// order with the chain's state (the server builds it: cavra/packHistory), with Export Evidence Bundle and
// Copy PR Summary beside it.
import * as vscode from 'vscode';
import { packHistoryMarkdown } from '../../../server/src/protocol';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder } from '../workspaceFolder';
import { renderPackHistory } from '../webview/render/packHistory';
import type { CommandContext } from './context';
import { packOfCommand } from './packOfCommand';

export async function showPackHistory(ctx: CommandContext, arg?: unknown): Promise<void> {
  const title = vscode.l10n.t('Show Pack History');
  try {
    const target = await chooseFolder(arg, title);
    if (!target) return;
    const packId = await packOfCommand(ctx, target, arg, vscode.l10n.t('{0}: which pack?', title));
    if (!packId) return;
    const history = await ctx.workflows.call('packHistory', { ...target.params, policy_id: packId });
    const packNode = { kind: 'pack', item: { id: packId }, folder: target.params.folder };
    ctx.panels.show(
      'packHistory',
      vscode.l10n.t('History: {0}', packId),
      renderPackHistory(history, await ctx.backendName(target)),
      [
        { command: 'cavra.exportEvidenceBundle', label: vscode.l10n.t('Export Evidence Bundle'), args: [packNode] },
        {
          command: 'cavra.copyPackSummary',
          label: vscode.l10n.t('Copy PR Summary'),
          args: [packHistoryMarkdown(history)],
          secondary: true,
        },
      ],
    );
  } catch (e) {
    await showWorkflowError(title, e, ctx.log);
  }
}

/** The PR summary of a pack's history, to paste into a pull-request comment. */
export async function copyPackSummary(markdown?: unknown): Promise<void> {
  if (typeof markdown !== 'string') return;
  await vscode.env.clipboard.writeText(markdown);
  void vscode.window.showInformationMessage(vscode.l10n.t('Pull-request summary copied (Markdown).'));
}
