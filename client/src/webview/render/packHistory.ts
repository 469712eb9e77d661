// An auditor's view of one pack: the chain of the bytes in force, the evidence log's state, and every
// request, approval, publish, signature and rollout in time order (server/src/policy/packHistory.ts).
import type { PackHistory } from '../../../../server/src/protocol';
import { html, type Html } from '../html';

const OUTCOME_BADGE: Record<string, string> = { pass: 'good', flag: 'warn', notice: 'neutral', fail: 'bad' };

export function renderPackHistory(h: PackHistory, backend: string): Html {
  return html`<h1>History of ${h.pack_id}</h1>
    <p class="risk-banner">
      ${
        h.provenance
          ? html`<span class="badge ${OUTCOME_BADGE[h.provenance.outcome] ?? 'neutral'}">chain: ${h.provenance.label}</span>`
          : ''
      }
      ${
        h.chain
          ? html`<span class="badge ${h.chain.ok ? 'good' : 'bad'}">evidence log ${h.chain.ok ? 'intact' : 'broken'}</span>`
          : ''
      }
      <span class="muted">answered by ${backend}</span>
    </p>
    ${h.provenance ? html`<p>${h.provenance.message}</p>` : ''} ${h.chain ? html`<p class="muted">${h.chain.message}</p>` : ''}
    ${h.limits.map((l) => html`<p class="note">${l}</p>`)}
    <h2>In time order (${h.events.length})</h2>
    ${
      h.events.length
        ? html`<table>
            <tr>
              <th scope="col">when</th>
              <th scope="col">what</th>
              <th scope="col">who</th>
              <th scope="col">details</th>
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
        : html`<p>Nothing recorded for this pack yet.</p>`
    }`;
}
