// An auditor's view of one pack: the chain of the bytes in force, the evidence log's state, and every
// request, approval, publish, signature and rollout in time order (server/src/policy/packHistory.ts).
import * as vscode from 'vscode';
import type { PackHistory } from '../../../../server/src/protocol';
import { html, type Html } from '../html';

type BadgeClass = 'good' | 'warn' | 'neutral' | 'bad';
const OUTCOME_BADGE: Record<string, BadgeClass> = { pass: 'good', flag: 'warn', notice: 'neutral', fail: 'bad' };

export function renderPackHistory(h: PackHistory, backend: string): Html {
  return html`<h1>${vscode.l10n.t('History of {0}', h.pack_id)}</h1>
    <p class="risk-banner">
      ${
        h.provenance
          ? html`<span class="badge ${OUTCOME_BADGE[h.provenance.outcome] ?? 'neutral'}"
              >${vscode.l10n.t('chain: {0}', h.provenance.label)}</span
            >`
          : ''
      }
      ${
        h.chain
          ? html`<span class="badge ${h.chain.ok ? 'good' : 'bad'}"
              >${h.chain.ok ? vscode.l10n.t('evidence log intact') : vscode.l10n.t('evidence log broken')}</span
            >`
          : ''
      }
      <span class="muted">${vscode.l10n.t('answered by {0}', backend)}</span>
    </p>
    ${h.provenance ? html`<p>${h.provenance.message}</p>` : ''} ${h.chain ? html`<p class="muted">${h.chain.message}</p>` : ''}
    ${h.limits.map((l) => html`<p class="note">${l}</p>`)}
    <h2>${vscode.l10n.t('In time order ({0})', h.events.length)}</h2>
    ${
      h.events.length
        ? html`<table>
            <tr>
              <th scope="col">${vscode.l10n.t('when')}</th>
              <th scope="col">${vscode.l10n.t('what')}</th>
              <th scope="col">${vscode.l10n.t('who')}</th>
              <th scope="col">${vscode.l10n.t('details')}</th>
            </tr>
            ${h.events.map(
              (e) =>
                html`<tr class="${e.attention ? 'removed' : ''}">
                  <td><code>${e.at}</code></td>
                  <td>
                    ${e.attention ? html`<strong>${e.title}</strong>` : e.title}${e.approval_id ? html` <code>${e.approval_id}</code>` : ''}${e.seq !== undefined ? html` <span class="muted">#${e.seq}</span>` : ''}
                  </td>
                  <td>${e.actor ?? '—'}</td>
                  <td>${e.detail}</td>
                </tr>`,
            )}
          </table>`
        : html`<p>${vscode.l10n.t('Nothing recorded for this pack yet.')}</p>`
    }`;
}
