// Pieces every report shares: risk badge, operator notes (verbatim), summary counts, key/value tables.
// Every word a report shows goes through vscode.l10n.t (test/unit/manifest/clientMessages.test.ts).
import * as vscode from 'vscode';
import type { PolicySummary, Risk } from '../../../../server/src/protocol';
import { Html, html } from '../html';

/** Counts as the reports have always shown them (1,234), whatever the display language. */
export const count = (v: number) => v.toLocaleString('en-US');

export function riskBadge(risk: Risk | string): Html {
  return html`<span class="badge risk-${risk}">${vscode.l10n.t('risk: {0}', risk)}</span>`;
}

export function notes(list: string[]): Html {
  if (!list.length) return html``;
  return html`<h2>${vscode.l10n.t('Operator notes')}</h2>
    <ul class="notes">
      ${list.map((n) => html`<li>${n}</li>`)}
    </ul>`;
}

export function keyValues(rows: [string, unknown][]): Html {
  return html`<table>
    ${rows.map(
      ([k, v]) =>
        html`<tr>
          <th scope="row">${k}</th>
          <td>${v instanceof Html || typeof v !== 'object' || v === null ? v : JSON.stringify(v)}</td>
        </tr>`,
    )}
  </table>`;
}

export function summaryTable(summary: PolicySummary): Html {
  const counts = Object.entries(summary.rule_counts);
  const total = counts.reduce((s, [, n]) => s + n, 0);
  return html`<h2>${vscode.l10n.t('Rule counts')}</h2>
    <table>
      <tr>
        ${counts.map(([k]) => html`<th scope="col">${k}</th>`)}
        <th scope="col">${vscode.l10n.t('total')}</th>
      </tr>
      <tr>
        ${counts.map(([, n]) => html`<td>${n}</td>`)}
        <td><strong>${total}</strong></td>
      </tr>
    </table>`;
}

export function errorsList(errors: string[]): Html {
  if (!errors.length) return html``;
  return html`<h2>${vscode.l10n.t('Schema errors')}</h2>
    <ul>
      ${errors.map((e) => html`<li><code>${e}</code></li>`)}
    </ul>`;
}

export function validity(valid: boolean): Html {
  return valid
    ? html`<span class="badge good">${vscode.l10n.t('valid')}</span>`
    : html`<span class="badge bad">${vscode.l10n.t('invalid')}</span>`;
}
