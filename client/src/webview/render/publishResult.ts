import * as vscode from 'vscode';
import type { PublishResult } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { keyValues, notes, summaryTable } from './common';

export function renderPublishResult(r: PublishResult, backend: string): Html {
  const a = r.approval;
  return html`<h1>${vscode.l10n.t('Published: {0}', r.policy_id)}</h1>
    <p>
      ${
        r.signature_verified
          ? html`<span class="badge good">${vscode.l10n.t('signature verified')}</span>`
          : html`<span class="badge bad">${vscode.l10n.t('signature NOT verified')}</span>`
      }
      <span class="muted">${vscode.l10n.t('{0} · answered by {1}', r.signature_message, backend)}</span>
    </p>
    ${keyValues([
      [vscode.l10n.t('policy file'), html`<code>${r.policy_path}</code>`],
      [vscode.l10n.t('signature file'), html`<code>${r.signature_path}</code>`],
      [vscode.l10n.t('policy digest'), html`<code>${r.policy_digest}</code>`],
      [vscode.l10n.t('published at'), r.published_at],
      [vscode.l10n.t('published by'), r.published_by],
    ])}
    <h2>${vscode.l10n.t('Approval it was published under')}</h2>
    ${keyValues([
      [vscode.l10n.t('approval'), html`<code>${a.approval_id}</code>`],
      [vscode.l10n.t('state'), a.state],
      [vscode.l10n.t('approver group'), a.approver_group],
      [vscode.l10n.t('decided by'), a.decided_by ?? '—'],
      [vscode.l10n.t('decided at'), a.decided_at ?? '—'],
      [vscode.l10n.t('external reference'), a.external_ref ?? '—'],
      [vscode.l10n.t('break-glass'), a.break_glass ? vscode.l10n.t('yes') : vscode.l10n.t('no')],
      [vscode.l10n.t('decision'), html`<code>${a.decision_id}</code>`],
    ])}
    ${summaryTable(r.summary)} ${notes(r.operator_notes)}`;
}
