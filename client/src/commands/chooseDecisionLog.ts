// CAVRA: Choose Decision Log…: picks the CAVRA decision log (JSON array or JSON Lines) that the publish plan,
// the rollout plan and the rule hovers replay, and keeps it in the folder's `cavra.impact.decisionLog`, so the
// choice is the same one a teammate or the CLI's `--decisions` reads (one setting, not a second hidden state).
import * as vscode from 'vscode';
import { chooseFolder } from '../workspaceFolder';

/** The setting's value: relative to the folder when the log is inside it (a path the team can commit). */
export function settingValueFor(log: vscode.Uri, folder: vscode.WorkspaceFolder | undefined): string {
  if (folder && log.scheme === folder.uri.scheme) {
    const root = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
    if (log.path.startsWith(root)) return log.path.slice(root.length);
  }
  return log.scheme === 'file' ? log.fsPath : log.toString();
}

/**
 * Asks for the log and stores it for the folder of `arg` (a policy file, a tree node, a folder). With a policy
 * file as argument (the plan's button), the plan is shown again with the log replayed.
 */
export async function chooseDecisionLog(arg?: unknown): Promise<void> {
  const target = await chooseFolder(arg, vscode.l10n.t('Choose Decision Log'));
  if (!target) return;
  const current = target.config.get<string>('impact.decisionLog') ?? '';
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Choose a CAVRA decision log (JSON array or JSON Lines)'),
    openLabel: vscode.l10n.t('Use This Log'),
    canSelectMany: false,
    canSelectFolders: false,
    defaultUri: target.folder?.uri,
    filters: {
      [vscode.l10n.t('CAVRA decision logs')]: ['jsonl', 'ndjson', 'json'],
      [vscode.l10n.t('All files')]: ['*'],
    },
  });
  const log = picked?.[0];
  if (!log) return;
  const value = settingValueFor(log, target.folder);
  // A folder setting in a multi-root workspace, a workspace setting otherwise: where the plan reads it.
  const scope = target.folder && (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  await target.config.update(
    'impact.decisionLog',
    value,
    scope ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace,
  );
  const where = target.folder?.name ?? vscode.l10n.t('this window');
  if (arg instanceof vscode.Uri) {
    await vscode.commands.executeCommand('cavra.planPublish', arg);
    return;
  }
  void vscode.window.showInformationMessage(
    current
      ? vscode.l10n.t('Decision log for {0}: {1} (was {2}).', where, value, current)
      : vscode.l10n.t('Decision log for {0}: {1}. Plan Publish and the rule hovers now replay it.', where, value),
  );
}
