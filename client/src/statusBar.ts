// The active pack at a glance: rule count and validity, from the server's cached analysis.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentStateRequest, type DocumentState } from '../../server/src/protocol';

export class PolicyStatusBar implements vscode.Disposable {
  private item = vscode.window.createStatusBarItem('cavra.policyState', vscode.StatusBarAlignment.Left, 50);
  private disposables: vscode.Disposable[] = [];
  private state: DocumentState | null = null;
  private pending: NodeJS.Timeout | undefined;

  constructor(private client: LanguageClient) {
    this.item.name = 'CAVRA policy';
    this.item.command = 'cavra.showRuleCounts';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.refresh();
      }),
    );
  }

  refresh(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.update(), 50);
  }

  private async update(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'cavra-policy' || !this.client.isRunning()) {
      this.item.hide();
      return;
    }
    try {
      this.state = await this.client.sendRequest(DocumentStateRequest, { uri: doc.uri.toString() });
    } catch {
      this.state = null;
    }
    const s = this.state;
    if (!s) {
      this.item.hide();
      return;
    }
    const rules = `${s.totalRules} ${s.totalRules === 1 ? 'rule' : 'rules'}`;
    this.item.text = s.valid ? `$(shield) CAVRA ${rules}` : `$(error) CAVRA invalid · ${rules}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**${String(s.summary.policy_id ?? 'policy')}** ${s.valid ? 'is valid' : `has ${s.errors} error(s)`}, ${s.warnings} warning(s)\n\n` +
        Object.entries(s.summary.rule_counts).map(([k, v]) => `- ${k}: ${v}`).join('\n') +
        (s.policyDigest ? `\n\nDraft digest: \`${s.policyDigest}\`` : ''),
    );
    this.item.backgroundColor = s.valid ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.show();
  }

  async showDetails(): Promise<void> {
    await this.update();
    const s = this.state;
    if (!s) {
      void vscode.window.showInformationMessage('Open a CAVRA policy file (policies/<id>/policy.yaml) to see its rule counts.');
      return;
    }
    const counts = Object.entries(s.summary.rule_counts).map(([k, v]) => `${k} ${v}`).join(', ');
    void vscode.window.showInformationMessage(`${String(s.summary.policy_id ?? 'Policy')}: ${s.totalRules} rules (${counts}). ${s.valid ? 'Valid.' : `${s.errors} error(s).`}`);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
