// CAVRA: Show Effective Policy. A read-only document (scheme `cavra-effective:`) holding the merged pack
// CAVRA evaluates, asked from the server (`cavra/effectivePolicy`); it follows edits to any policy file,
// since a parent's edit changes its children's merge too.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EffectivePolicyRequest } from '../../../server/src/protocol';
import { resolvePolicyUri } from './activePolicy';

export const EFFECTIVE_SCHEME = 'cavra-effective';

export class EffectivePolicyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private disposables: vscode.Disposable[];

  constructor(
    private readonly client: LanguageClient,
    private readonly ready: () => Promise<void>,
  ) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(EFFECTIVE_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'cavra-policy') this.refreshSoon();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === 'cavra-policy') this.refreshSoon();
      }),
    ];
  }

  /** The view's URI: a readable path for the tab, the pack file it shows in the query. */
  uriFor(source: vscode.Uri): vscode.Uri {
    const folder = source.path.split('/').slice(-2, -1)[0] || 'policy';
    return vscode.Uri.from({ scheme: EFFECTIVE_SCHEME, path: `/${folder}/effective-policy.yaml`, query: source.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    await this.ready();
    try {
      const view = await this.client.sendRequest(EffectivePolicyRequest, { uri: uri.query }, token);
      return view.text;
    } catch (e) {
      return `# The language server could not build the effective policy: ${(e as Error).message}\n`;
    }
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === EFFECTIVE_SCHEME) this.emitter.fire(doc.uri);
    }, 300);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}

export async function showEffectivePolicy(docs: EffectivePolicyDocuments, arg?: unknown): Promise<void> {
  const source = await resolvePolicyUri(arg);
  if (!source) return;
  // Plain YAML, not cavra-policy: the view is no pack file, and the language server must not lint it.
  const doc = await vscode.languages.setTextDocumentLanguage(
    await vscode.workspace.openTextDocument(docs.uriFor(source)),
    'yaml',
  );
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
