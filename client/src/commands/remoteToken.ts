// The remote CAVRA token lives in SecretStorage only; the server gets it in memory, never in settings or logs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CredentialsNotification } from '../../../server/src/protocol';

const SECRET_KEY = 'cavra.remote.token';

export async function sendStoredToken(secrets: vscode.SecretStorage, client: LanguageClient): Promise<void> {
  const token = (await secrets.get(SECRET_KEY)) ?? null;
  await client.sendNotification(CredentialsNotification, { token });
}

export async function setRemoteToken(secrets: vscode.SecretStorage, client: LanguageClient): Promise<void> {
  const token = await vscode.window.showInputBox({
    title: vscode.l10n.t('CAVRA remote token'),
    prompt: vscode.l10n.t('Bearer token for the CAVRA server (stored in VS Code SecretStorage; leave empty to clear)'),
    password: true,
    ignoreFocusOut: true,
  });
  if (token === undefined) return;
  if (token.trim()) await secrets.store(SECRET_KEY, token.trim());
  else await secrets.delete(SECRET_KEY);
  await sendStoredToken(secrets, client);
  void vscode.window.showInformationMessage(
    token.trim() ? vscode.l10n.t('CAVRA remote token saved in SecretStorage.') : vscode.l10n.t('CAVRA remote token cleared.'),
  );
}
