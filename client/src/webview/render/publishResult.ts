import type { PublishResult } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { keyValues, notes, summaryTable } from './common';

export function renderPublishResult(r: PublishResult, backend: string): Html {
  const a = r.approval;
  return html`<h1>Published: ${r.policy_id}</h1>
    <p>
      ${r.signature_verified ? html`<span class="badge good">signature verified</span>` : html`<span class="badge bad">signature NOT verified</span>`}
      <span class="muted">${r.signature_message} · answered by ${backend}</span>
    </p>
    ${keyValues([
      ['policy file', html`<code>${r.policy_path}</code>`],
      ['signature file', html`<code>${r.signature_path}</code>`],
      ['policy digest', html`<code>${r.policy_digest}</code>`],
      ['published at', r.published_at],
      ['published by', r.published_by],
    ])}
    <h2>Approval it was published under</h2>
    ${keyValues([
      ['approval', html`<code>${a.approval_id}</code>`],
      ['state', a.state],
      ['approver group', a.approver_group],
      ['decided by', a.decided_by ?? '—'],
      ['decided at', a.decided_at ?? '—'],
      ['external reference', a.external_ref ?? '—'],
      ['break-glass', a.break_glass ? 'yes' : 'no'],
      ['decision', html`<code>${a.decision_id}</code>`],
    ])}
    ${summaryTable(r.summary)} ${notes(r.operator_notes)}`;
}
