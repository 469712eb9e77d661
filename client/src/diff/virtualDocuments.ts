// Read-only virtual documents for `vscode.diff`: the published pack against the draft, a rollout record
// before and after. Content is registered under a URI and served by one provider.
import * as vscode from 'vscode';

export const VIRTUAL_SCHEME = 'cavra-view';

export class VirtualDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private contents = new Map<string, string>();
  private emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private registration = vscode.workspace.registerTextDocumentContentProvider(VIRTUAL_SCHEME, this);

  /** Registers content under a readable path such as `published/cavra-payments/policy.yaml`. */
  put(path: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: VIRTUAL_SCHEME, path: `/${path}` });
    this.contents.set(uri.toString(), content);
    this.emitter.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  async showDiff(
    left: { path: string; content: string },
    right: { path: string; content: string } | vscode.Uri,
    title: string,
  ): Promise<void> {
    const l = this.put(left.path, left.content);
    const r = right instanceof vscode.Uri ? right : this.put(right.path, right.content);
    await vscode.commands.executeCommand('vscode.diff', l, r, title, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
