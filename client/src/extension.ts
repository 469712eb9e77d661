// The thin client: starts the language server, claims policy files, shows the active pack's state.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { claimPolicyFiles } from './policyFiles';
import { PolicyStatusBar } from './statusBar';

export const LANGUAGE_ID = 'cavra-policy';
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('CAVRA Policy Studio', { log: true });
  context.subscriptions.push(log);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const config = vscode.workspace.getConfiguration('cavra');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    outputChannel: log,
    initializationOptions: { policyRoot: config.get('policyRoot'), maxFileSizeMb: config.get('maxFileSizeMb') },
    synchronize: { configurationSection: 'cavra' },
  };
  client = new LanguageClient('cavraPolicy', 'CAVRA Policy Language Server', serverOptions, clientOptions);
  context.subscriptions.push(claimPolicyFiles());
  const statusBar = new PolicyStatusBar(client);
  context.subscriptions.push(statusBar);
  context.subscriptions.push(
    vscode.commands.registerCommand('cavra.showRuleCounts', () => statusBar.showDetails()),
    vscode.commands.registerCommand('cavra.restartServer', async () => {
      await client?.restart();
      log.info('language server restarted');
    }),
  );
  await client.start();
  statusBar.refresh();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
