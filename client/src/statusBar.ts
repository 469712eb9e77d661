// The active pack at a glance: rule count, validity, signature state and which backend answers.
// A click opens the action that fits the state (fix problems, publish, or the rule counts).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentStateRequest, type BackendInfo, type DocumentState, type PackState } from '../../server/src/protocol';
import { chainLook } from './publishChain';
import type { WorkflowClient } from './workflowClient';
import { folderOfUri } from './workspaceFolder';

// A function, not a constant: the localized words are looked up when shown, not when the module loads.
const SIGNATURE_WORDS = (): Record<PackState['signature'], string> => ({
  verified: vscode.l10n.t('signed'),
  modified: vscode.l10n.t('modified since signed'),
  invalid: vscode.l10n.t('signature invalid'),
  'not-pinned': vscode.l10n.t('signed, signer not pinned'),
  unsigned: vscode.l10n.t('unsigned'),
  unknown: vscode.l10n.t('published (signature not reported)'),
});

export class PolicyStatusBar implements vscode.Disposable {
  private item = vscode.window.createStatusBarItem('cavra.policyState', vscode.StatusBarAlignment.Left, 50);
  private disposables: vscode.Disposable[] = [];
  private state: DocumentState | null = null;
  private pack: PackState | null = null;
  private backend: BackendInfo | null = null;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private client: LanguageClient,
    private workflows: WorkflowClient,
  ) {
    this.item.name = vscode.l10n.t('CAVRA policy');
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidSaveTextDocument(() => this.refresh()),
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
    const uri = doc.uri.toString();
    [this.state, this.pack, this.backend] = await Promise.all([
      this.client.sendRequest(DocumentStateRequest, { uri }).catch(() => null),
      this.workflows.call('packState', { uri }).catch(() => null),
      this.workflows.call('backendInfo', folderOfUri(doc.uri).params).catch(() => null),
    ]);
    const s = this.state;
    if (!s) {
      this.item.hide();
      return;
    }
    const rules = s.totalRules === 1 ? vscode.l10n.t('1 rule') : vscode.l10n.t('{0} rules', s.totalRules);
    const chain = chainLook(this.pack);
    const sig = chain
      ? chain.words
      : this.pack?.published
        ? SIGNATURE_WORDS()[this.pack.signature]
        : vscode.l10n.t('not published');
    // A broken chain is as serious as a modified or invalid signature; a break-glass publish needs a look too.
    const attention =
      ['modified', 'invalid', 'not-pinned'].includes(this.pack?.signature ?? '') || (chain && chain.attention !== 'none');
    const where = this.backend ? ` · ${this.backend.kind}` : '';
    if (!s.valid) {
      this.item.text = `$(error) ${vscode.l10n.t('CAVRA invalid · {0}{1}', rules, where)}`;
      this.item.command = 'workbench.actions.view.problems';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const icon = attention ? '$(warning)' : '$(shield)';
      this.item.text = `${icon} ${vscode.l10n.t('CAVRA {0} · {1}{2}', rules, sig, where)}`;
      this.item.command =
        this.pack?.signature === 'verified' && chain?.attention !== 'error' ? 'cavra.showRuleCounts' : 'cavra.planPublish';
      this.item.backgroundColor = attention ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    }
    const md = new vscode.MarkdownString();
    // Everything here comes from the policy file: plain text only (appendText escapes markdown).
    md.appendText(
      `${vscode.l10n.t(
        '{0} {1}, {2} warning(s)',
        String(s.summary.policy_id ?? vscode.l10n.t('policy')),
        s.valid ? vscode.l10n.t('is valid') : vscode.l10n.t('has {0} error(s)', s.errors),
        s.warnings,
      )}\n\n`,
    );
    md.appendText(
      Object.entries(s.summary.rule_counts)
        .map(([k, v]) => `${k}: ${v}`)
        .join(' · '),
    );
    if (s.policyDigest) md.appendText(`\n\n${vscode.l10n.t('Draft digest: {0}', s.policyDigest)}`);
    if (this.pack) md.appendText(`\n\n${vscode.l10n.t('Published pack: {0}', this.pack.signature_message)}`);
    if (this.pack?.provenance)
      md.appendText(`\n${vscode.l10n.t('Chain: {0}: {1}', this.pack.provenance.label, this.pack.provenance.message)}`);
    if (this.backend)
      md.appendText(
        `\n${vscode.l10n.t('Backend: {0} ({1})', this.backend.kind, this.backend.location)}${this.backend.restricted ? ` — ${this.backend.restricted}` : ''}`,
      );
    this.item.tooltip = md;
    this.item.show();
  }

  async showDetails(): Promise<void> {
    await this.update();
    const s = this.state;
    if (!s) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Open a CAVRA policy file (policies/<id>/policy.yaml) to see its rule counts.'),
      );
      return;
    }
    const counts = Object.entries(s.summary.rule_counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0}: {1} rules ({2}). {3}',
        String(s.summary.policy_id ?? vscode.l10n.t('Policy')),
        s.totalRules,
        counts,
        s.valid ? vscode.l10n.t('Valid.') : vscode.l10n.t('{0} error(s).', s.errors),
      ),
    );
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
