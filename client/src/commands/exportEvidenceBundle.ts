// Auditor: Export Evidence Bundle: a published pack's version with its whole provenance in one file,
// written by the server; the message gives the fingerprint to pin when checking it elsewhere.
import * as vscode from 'vscode';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder } from '../workspaceFolder';
import type { CommandContext } from './context';
import { packOfCommand } from './packOfCommand';

export async function exportEvidenceBundle(ctx: CommandContext, arg?: unknown): Promise<void> {
  const title = vscode.l10n.t('Export Evidence Bundle');
  try {
    const target = await chooseFolder(arg, title);
    if (!target) return;
    const packId = await packOfCommand(ctx, target, arg, vscode.l10n.t('{0}: which published pack?', title));
    if (!packId) return;
    const base = target.folder?.uri ?? vscode.Uri.file(process.cwd());
    const output = await vscode.window.showSaveDialog({
      title,
      defaultUri: vscode.Uri.joinPath(base, `${packId}.evidence-bundle.json`),
      filters: { [vscode.l10n.t('Evidence bundle')]: ['json'] },
    });
    if (!output) return;
    const r = await ctx.workflows.call('exportEvidenceBundle', {
      ...target.params,
      policy_id: packId,
      output_path: output.fsPath,
    });
    const pin = r.key_fingerprint
      ? vscode.l10n.t(' Check it with: cavra-policy bundle verify FILE --trusted-key-fingerprint {0}', r.key_fingerprint)
      : '';
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Evidence bundle of {0} (approval {1}, {2} evidence records) written to {3}.{4}',
        r.pack_id,
        r.approval_id,
        r.evidence_records.length,
        vscode.workspace.asRelativePath(r.file),
        pin,
      ),
      open,
    );
    if (choice === open) await vscode.window.showTextDocument(vscode.Uri.file(r.file));
  } catch (e) {
    await showWorkflowError(title, e, ctx.log);
  }
}
