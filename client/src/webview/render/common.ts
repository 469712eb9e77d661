// Pieces every report shares: risk badge, operator notes (verbatim), summary counts, key/value tables.
import type { PolicySummary, Risk } from '../../../../server/src/protocol';
import { Html, html } from '../html';

export function riskBadge(risk: Risk | string): Html {
  return html`<span class="badge risk-${risk}">risk: ${risk}</span>`;
}

export function notes(list: string[]): Html {
  if (!list.length) return html``;
  return html`<h2>Operator notes</h2>
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
  return html`<h2>Rule counts</h2>
    <table>
      <tr>
        ${counts.map(([k]) => html`<th scope="col">${k}</th>`)}
        <th scope="col">total</th>
      </tr>
      <tr>
        ${counts.map(([, n]) => html`<td>${n}</td>`)}
        <td><strong>${total}</strong></td>
      </tr>
    </table>`;
}

export function errorsList(errors: string[]): Html {
  if (!errors.length) return html``;
  return html`<h2>Schema errors</h2>
    <ul>
      ${errors.map((e) => html`<li><code>${e}</code></li>`)}
    </ul>`;
}

export function validity(valid: boolean): Html {
  return valid ? html`<span class="badge good">valid</span>` : html`<span class="badge bad">invalid</span>`;
}
