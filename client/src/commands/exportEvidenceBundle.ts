// Auditor: Export Evidence Bundle: a published pack's version with its whole provenance in one file,
// written by the server; the message gives the fingerprint to pin when checking it elsewhere.
import * as vscode from 'vscode';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder } from '../workspaceFolder';
import type { CommandContext } from './context';

/** The pack id a Packs view node carries, when invoked from it. */
function packOfArg(arg: unknown): string | undefined {
  const node = arg as { kind?: unknown; item?: { id?: unknown } } | undefined;
  return node?.kind === 'pack' && typeof node.item?.id === 'string' ? node.item.id : undefined;
}

export async function exportEvidenceBundle(ctx: CommandContext, arg?: unknown): Promise<void> {
  const title = 'Export Evidence Bundle';
  try {
    const target = await chooseFolder(arg, title);
    if (!target) return;
    let packId = packOfArg(arg);
    if (!packId) {
      const catalog = await ctx.workflows.call('catalog', target.params);
      const picked = await vscode.window.showQuickPick(
        catalog.items.map((i) => ({ label: String(i.id), description: String(i.title ?? '') })),
        { title: `${title}: which published pack?`, ignoreFocusOut: true },
      );
      if (!picked) return;
      packId = picked.label;
    }
    const base = target.folder?.uri ?? vscode.Uri.file(process.cwd());
    const output = await vscode.window.showSaveDialog({
      title,
      defaultUri: vscode.Uri.joinPath(base, `${packId}.evidence-bundle.json`),
      filters: { 'Evidence bundle': ['json'] },
    });
    if (!output) return;
    const r = await ctx.workflows.call('exportEvidenceBundle', {
      ...target.params,
      policy_id: packId,
      output_path: output.fsPath,
    });
    const pin = r.key_fingerprint
      ? ` Check it with: cavra-policy bundle verify FILE --trusted-key-fingerprint ${r.key_fingerprint}`
      : '';
    const choice = await vscode.window.showInformationMessage(
      `Evidence bundle of ${r.pack_id} (approval ${r.approval_id}, ${r.evidence_records.length} evidence records) written to ${vscode.workspace.asRelativePath(r.file)}.${pin}`,
      'Open',
    );
    if (choice === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(r.file));
  } catch (e) {
    await showWorkflowError(title, e, ctx.log);
  }
}
