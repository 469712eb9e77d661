// The extension in the browser (vscode.dev, github.dev): the language server runs in a web worker
// (dist/browserServer.js) and reads the packs under each policy root through this client's
// `workspace.fs` (`cavra/packFiles`), since the worker has no file system. Only the language features
// run here: views and workflow commands need the desktop extension (client/src/extension.ts).
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions } from 'vscode-languageclient/browser';
import { PackFilesRequest, type PackFileEntry } from '../../server/src/protocol/packFiles';

/** The browser's Worker (tsconfig has no DOM lib: the rest of the client runs in Node). */
declare const Worker: new (url: string) => ConstructorParameters<typeof LanguageClient>[3];

let client: LanguageClient | undefined;

/** A root's pack folders, each `policy.yaml` with its text and each signature file's existence. */
async function readPackFiles(roots: string[]): Promise<PackFileEntry[]> {
  const fs = vscode.workspace.fs;
  const entries: PackFileEntry[] = [];
  const statOf = (uri: vscode.Uri) =>
    Promise.resolve(fs.stat(uri)).then(
      (s) => s,
      () => undefined,
    );
  await Promise.all(
    roots.map(async (rootUri) => {
      const root = vscode.Uri.parse(rootUri);
      const rootStat = await statOf(root);
      if (!rootStat || !(rootStat.type & vscode.FileType.Directory)) return;
      entries.push({ uri: root.toString(), type: 'folder' });
      const names = await Promise.resolve(fs.readDirectory(root)).then(
        (n) => n,
        () => [],
      );
      await Promise.all(
        names
          .filter(([, type]) => type & vscode.FileType.Directory)
          .map(async ([name]) => {
            const folder = vscode.Uri.joinPath(root, name);
            entries.push({ uri: folder.toString(), type: 'folder' });
            const policy = vscode.Uri.joinPath(folder, 'policy.yaml');
            const signature = vscode.Uri.joinPath(folder, 'policy.yaml.sig.json');
            const [policyStat, signatureStat] = await Promise.all([statOf(policy), statOf(signature)]);
            if (policyStat?.type === vscode.FileType.File) {
              const bytes = await Promise.resolve(fs.readFile(policy)).then(
                (b) => b,
                () => undefined,
              );
              if (bytes)
                entries.push({
                  uri: policy.toString(),
                  type: 'file',
                  text: new TextDecoder().decode(bytes),
                  mtime: policyStat.mtime,
                  size: policyStat.size,
                });
            }
            if (signatureStat?.type === vscode.FileType.File)
              entries.push({ uri: signature.toString(), type: 'file', mtime: signatureStat.mtime, size: signatureStat.size });
          }),
      );
    }),
  );
  return entries;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The views, the walkthrough and the workflow commands need the desktop (or a remote CAVRA server
  // through it): package.json hides them where this is set. Not `isWeb`: code-server's workbench is a
  // web one too, yet runs the desktop entry point in its Node extension host.
  void vscode.commands.executeCommand('setContext', 'cavra.browser', true);
  const config = vscode.workspace.getConfiguration('cavra');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'cavra-policy' }],
    initializationOptions: { policyRoot: config.get('policyRoot'), maxFileSizeMb: config.get('maxFileSizeMb') },
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/policy.yaml{,.sig.json}') },
  };
  const worker = new Worker(vscode.Uri.joinPath(context.extensionUri, 'dist/browserServer.js').toString(true));
  client = new LanguageClient('cavraPolicy', vscode.l10n.t('CAVRA Policy Language Server'), clientOptions, worker);
  client.onRequest(PackFilesRequest, async (p) => ({ entries: await readPackFiles(p.roots) }));
  context.subscriptions.push(
    vscode.commands.registerCommand('cavra.restartServer', async () => {
      await client?.stop();
      await client?.start();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
