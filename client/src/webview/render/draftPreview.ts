import type { PolicyPackDraft } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { errorsList, keyValues, notes, summaryTable, validity } from './common';

export function renderDraftPreview(d: PolicyPackDraft, file: string, backend: string): Html {
  const m = d.policy_pack.metadata;
  return html`<h1>Draft preview: ${String(m.id ?? '')}</h1>
    <p>
      ${validity(d.valid)} <span class="muted">read-only preview of <code>${file}</code> · answered by ${backend}</span>
    </p>
    ${keyValues([
      ['title', m.title],
      ['version', m.version],
      ['inherits', m.inherits ?? '—'],
      ['mode', d.summary.mode],
    ])}
    ${errorsList(d.errors)} ${summaryTable(d.summary)} ${notes(d.operator_notes)}
    <h2>Normalized policy pack</h2>
    <pre>${JSON.stringify(d.policy_pack, null, 2)}</pre>`;
}
