import * as vscode from 'vscode';
import type { PolicyPackDraft } from '../../../../server/src/protocol';
import { html, htmlSentence, type Html } from '../html';
import { errorsList, keyValues, notes, summaryTable, validity } from './common';

export function renderDraftPreview(d: PolicyPackDraft, file: string, backend: string): Html {
  const m = d.policy_pack.metadata;
  return html`<h1>${vscode.l10n.t('Draft preview: {0}', String(m.id ?? ''))}</h1>
    <p>
      ${validity(d.valid)}
      <span class="muted"
        >${htmlSentence(vscode.l10n.t('read-only preview of {0} · answered by {1}'), html`<code>${file}</code>`, backend)}</span
      >
    </p>
    ${keyValues([
      [vscode.l10n.t('title'), m.title],
      [vscode.l10n.t('version'), m.version],
      [vscode.l10n.t('inherits'), m.inherits ?? '—'],
      [vscode.l10n.t('mode'), d.summary.mode],
    ])}
    ${errorsList(d.errors)} ${summaryTable(d.summary)} ${notes(d.operator_notes)}
    <h2>${vscode.l10n.t('Normalized policy pack')}</h2>
    <pre>${JSON.stringify(d.policy_pack, null, 2)}</pre>`;
}
