// One webview panel per report kind (draft preview, publish plan, publish result, rollout plan),
// reused when the same report is shown again. Buttons post a command id back; nothing else is trusted.
import * as vscode from 'vscode';
import { html, page, type Html } from './html';

export interface ReportAction {
  /** A registered command id, run with `args` when the button is pressed. */
  command: string;
  label: string;
  args?: unknown[];
  secondary?: boolean;
}

export class ReportPanels implements vscode.Disposable {
  private panels = new Map<string, vscode.WebviewPanel>();
  private actions = new Map<string, ReportAction[]>();

  constructor(private extensionUri: vscode.Uri) {}

  show(kind: string, title: string, body: Html, actions: ReportAction[] = []): vscode.WebviewPanel {
    let panel = this.panels.get(kind);
    if (!panel) {
      panel = vscode.window.createWebviewPanel(
        `cavra.${kind}`,
        title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
        },
      );
      const p = panel;
      p.onDidDispose(() => this.panels.delete(kind));
      p.webview.onDidReceiveMessage((m: { action?: number }) => {
        const a = typeof m?.action === 'number' ? this.actions.get(kind)?.[m.action] : undefined;
        if (a) void vscode.commands.executeCommand(a.command, ...(a.args ?? []));
      });
      this.panels.set(kind, p);
    }
    this.actions.set(kind, actions);
    panel.title = title;
    const styleUri = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview.css')).toString();
    const buttons = actions.length
      ? html`<div class="actions">
          ${actions.map((a, i) => html`<button data-action="${i}" class="${a.secondary ? 'secondary' : ''}">${a.label}</button>`)}
        </div>`
      : html``;
    const script = actions.length
      ? `const vscode = acquireVsCodeApi(); for (const b of document.querySelectorAll('button[data-action]')) b.addEventListener('click', () => vscode.postMessage({ action: Number(b.dataset.action) }));`
      : undefined;
    panel.webview.html = page({
      title,
      body: html`${body}${buttons}`,
      cspSource: panel.webview.cspSource,
      styleUri,
      script,
      lang: vscode.env.language,
    });
    panel.reveal(undefined, false);
    return panel;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
