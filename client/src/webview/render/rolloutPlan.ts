import * as vscode from 'vscode';
import type { RolloutChangePlan, RolloutChangeResult, RolloutImpactResult } from '../../../../server/src/protocol';
import { html, htmlSentence, type Html } from '../html';
import { count, notes, riskBadge } from './common';
import { impactSection } from './publishImpact';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** `impact`: the mode change replayed over the rollout's recorded decisions (a message when it failed; undefined: not asked). */
export function renderRolloutPlan(
  p: RolloutChangePlan,
  backend: string,
  applied?: RolloutChangeResult,
  impact?: RolloutImpactResult | string,
): Html {
  return html`<h1>
      ${
        applied
          ? vscode.l10n.t('Rollout change applied: {0}', p.after.rollout_id)
          : vscode.l10n.t('Rollout change plan: {0}', p.after.rollout_id)
      }
    </h1>
    <p class="risk-banner">
      ${riskBadge(p.risk)}
      <span class="badge neutral">${p.operation}</span>
      ${
        p.approval_required
          ? html`<span class="badge bad">${vscode.l10n.t('approval required')}</span>`
          : html`<span class="badge good">${vscode.l10n.t('no approval required')}</span>`
      }
      <span class="muted">${vscode.l10n.t('answered by {0}', backend)}</span>
    </p>
    ${applied ? appliedRecord(applied) : ''} ${applied ? appliedApproval(p, applied) : ''}
    <h2>${vscode.l10n.t('Changed fields ({0})', p.changes.length)}</h2>
    <table>
      <tr>
        <th scope="col">${vscode.l10n.t('field')}</th>
        <th scope="col">${vscode.l10n.t('before')}</th>
        <th scope="col">${vscode.l10n.t('after')}</th>
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

/** When the stored rollout record changed, and by whom when the actor was verified. */
function appliedRecord(applied: RolloutChangeResult): Html {
  return html`<p>
    ${
      applied.actor
        ? htmlSentence(
            vscode.l10n.t('Stored rollout record updated at {0} by verified actor {1}.'),
            applied.rollout.updated_at,
            html`<strong>${applied.actor.actor}</strong>`,
          )
        : vscode.l10n.t('Stored rollout record updated at {0}.', applied.rollout.updated_at)
    }
  </p>`;
}

/** Which recorded decisions the rollout's replay covers: its pack in its repository, under which modes. */
function rolloutScope(p: RolloutChangePlan, impact: RolloutImpactResult | string | undefined): Html | string {
  if (typeof impact !== 'object' || !impact.report) return '';
  return html`<p class="muted">
    ${htmlSentence(
      vscode.l10n.t(
        'Replayed: the recorded decisions of {0} in {1}, under mode {2} and then {3}; {4} decisions of other packs or repositories are not part of this rollout.',
      ),
      html`<code>${p.after.policy_pack}</code>`,
      html`<code>${p.after.repository}</code>`,
      p.before?.mode ?? vscode.l10n.t('none (a new rollout)'),
      p.after.mode,
      count(impact.out_of_scope ?? 0),
    )}
  </p>`;
}

/** Which approval the change was applied under (the studio's field), or that it went without one. */
function appliedApproval(p: RolloutChangePlan, applied: RolloutChangeResult): Html | string {
  const a = applied.approval;
  if (a && a.approval_id)
    return html`<p>
      ${htmlSentence(
        vscode.l10n.t('Applied under approval {0} ({1}, decided by {2}); recorded in {3}.'),
        html`<code>${a.approval_id}</code>`,
        a.state,
        a.decided_by ?? vscode.l10n.t('unknown'),
        a.recorded_in,
      )}
    </p>`;
  return p.approval_required
    ? html`<p class="risk-banner">
        <span class="badge bad">${vscode.l10n.t('applied without approval although the plan requires one')}</span>
        ${vscode.l10n.t('CAVRA allows it; the evidence says so.')}
      </p>`
    : '';
}
