import type { RolloutChangePlan, RolloutChangeResult } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { notes, riskBadge } from './common';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function renderRolloutPlan(p: RolloutChangePlan, backend: string, applied?: RolloutChangeResult): Html {
  return html`<h1>${applied ? 'Rollout change applied' : 'Rollout change plan'}: ${p.after.rollout_id}</h1>
    <p class="risk-banner">
      ${riskBadge(p.risk)}
      <span class="badge neutral">${p.operation}</span>
      ${p.approval_required ? html`<span class="badge bad">approval required</span>` : html`<span class="badge good">no approval required</span>`}
      <span class="muted">answered by ${backend}</span>
    </p>
    ${applied ? html`<p>Stored rollout record updated at ${applied.rollout.updated_at}${applied.actor ? html` by verified actor <strong>${applied.actor.actor}</strong>` : ''}.</p>` : ''}
    ${applied ? appliedApproval(p, applied) : ''}
    <h2>Changed fields (${p.changes.length})</h2>
    <table>
      <tr>
        <th scope="col">field</th>
        <th scope="col">before</th>
        <th scope="col">after</th>
      </tr>
      ${p.changes.map(
        (c) =>
          html`<tr>
            <td><code>${c.field}</code></td>
            <td class="removed">${show(c.before)}</td>
            <td class="added">${show(c.after)}</td>
          </tr>`,
      )}
    </table>
    ${notes(p.operator_notes)}`;
}

/** Which approval the change was applied under (the studio's field), or that it went without one. */
function appliedApproval(p: RolloutChangePlan, applied: RolloutChangeResult): Html | string {
  const a = applied.approval;
  if (a && a.approval_id)
    return html`<p>
      Applied under approval <code>${a.approval_id}</code> (${a.state}, decided by ${a.decided_by ?? 'unknown'}); recorded in
      ${a.recorded_in}.
    </p>`;
  return p.approval_required
    ? html`<p class="risk-banner">
        <span class="badge bad">applied without approval although the plan requires one</span> CAVRA allows it; the evidence says
        so.
      </p>`
    : '';
}
