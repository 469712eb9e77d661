import type { ImpactResult, PublishPlan } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { errorsList, keyValues, notes, riskBadge, summaryTable, validity } from './common';
import { reachSection } from './publishReach';
import { entriesSection } from './publishEntries';
import { impactSection } from './publishImpact';

function diffList(kind: 'added' | 'removed' | 'changed', paths: string[]): Html {
  if (!paths.length) return html``;
  const sign = kind === 'added' ? '+' : kind === 'removed' ? '−' : '~';
  return html`<h3 class="${kind}">${kind} (${paths.length})</h3>
    <ul>
      ${paths.map((p) => html`<li class="${kind}"><code>${sign} ${p}</code></li>`)}
    </ul>`;
}

/** `impact`: the replay of the decision log (a message when it failed; undefined: not asked). */
export function renderPublishPlan(p: PublishPlan, backend: string, impact?: ImpactResult | string): Html {
  const changes = p.diff.added.length + p.diff.removed.length + p.diff.changed.length;
  return html`<h1>Publish plan: ${p.policy_id}</h1>
    <p class="risk-banner">
      ${riskBadge(p.risk)} ${validity(p.valid)}
      <span class="badge neutral">${p.operation}</span>
      ${p.approval_required ? html`<span class="badge neutral">approval required</span>` : ''}
    </p>
    ${keyValues([
      ['policy digest', html`<code>${p.policy_digest}</code>`],
      ['target', html`<code>${p.target_path}</code>`],
      ['generated', p.generated_at],
      ['backend', backend],
    ])}
    ${errorsList(p.errors)}
    <h2>Changes against the published pack</h2>
    ${changes === 0 ? html`<p class="muted">${p.operation === 'create' ? 'Nothing is published under this id yet: the whole pack is new.' : 'No rule changes.'}</p>` : html`${diffList('removed', p.diff.removed)}${diffList('changed', p.diff.changed)}${diffList('added', p.diff.added)}`}
    ${entriesSection(p.entries, p.entries_unavailable)} ${reachSection(p.reach)} ${impactSection(impact)}
    ${summaryTable(p.summary)} ${notes(p.operator_notes)}`;
}
