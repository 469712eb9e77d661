import type { RolloutChangePlan, RolloutChangeResult, RolloutImpactResult } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { notes, riskBadge } from './common';
import { impactSection } from './publishImpact';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** `impact`: the mode change replayed over the rollout's recorded decisions (a message when it failed; undefined: not asked). */
export function renderRolloutPlan(
  p: RolloutChangePlan,
  backend: string,
  applied?: RolloutChangeResult,
  impact?: RolloutImpactResult | string,
): Html {
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
    ${impactSection(impact)} ${rolloutScope(p, impact)} ${notes(p.operator_notes)}`;
}

/** Which recorded decisions the rollout's replay covers: its pack in its repository, under which modes. */
function rolloutScope(p: RolloutChangePlan, impact: RolloutImpactResult | string | undefined): Html | string {
  if (typeof impact !== 'object' || !impact.report) return '';
  return html`<p class="muted">
    Replayed: the recorded decisions of <code>${p.after.policy_pack}</code> in <code>${p.after.repository}</code>, under mode
    ${p.before?.mode ?? 'none (a new rollout)'} and then ${p.after.mode}; ${(impact.out_of_scope ?? 0).toLocaleString('en-US')}
    decisions of other packs or repositories are not part of this rollout.
  </p>`;
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
