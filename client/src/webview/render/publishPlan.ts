import * as vscode from 'vscode';
import type { ImpactResult, PublishPlan } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { errorsList, keyValues, notes, riskBadge, summaryTable, validity } from './common';
import { reachSection } from './publishReach';
import { entriesSection } from './publishEntries';
import { impactSection } from './publishImpact';

type DiffKind = 'added' | 'removed' | 'changed';

function diffList(kind: DiffKind, paths: string[]): Html {
  if (!paths.length) return html``;
  const sign = kind === 'added' ? '+' : kind === 'removed' ? '−' : '~';
  const title =
    kind === 'added'
      ? vscode.l10n.t('added ({0})', paths.length)
      : kind === 'removed'
        ? vscode.l10n.t('removed ({0})', paths.length)
        : vscode.l10n.t('changed ({0})', paths.length);
  return html`<h3 class="${kind}">${title}</h3>
    <ul>
      ${paths.map((p) => html`<li class="${kind}"><code>${sign} ${p}</code></li>`)}
    </ul>`;
}

/** `impact`: the replay of the decision log (a message when it failed; undefined: not asked). */
export function renderPublishPlan(p: PublishPlan, backend: string, impact?: ImpactResult | string): Html {
  const changes = p.diff.added.length + p.diff.removed.length + p.diff.changed.length;
  return html`<h1>${vscode.l10n.t('Publish plan: {0}', p.policy_id)}</h1>
    <p class="risk-banner">
      ${riskBadge(p.risk)} ${validity(p.valid)}
      <span class="badge neutral">${p.operation}</span>
      ${p.approval_required ? html`<span class="badge neutral">${vscode.l10n.t('approval required')}</span>` : ''}
    </p>
    ${keyValues([
      [vscode.l10n.t('policy digest'), html`<code>${p.policy_digest}</code>`],
      [vscode.l10n.t('target'), html`<code>${p.target_path}</code>`],
      [vscode.l10n.t('generated'), p.generated_at],
      [vscode.l10n.t('backend'), backend],
    ])}
    ${errorsList(p.errors)}
    <h2>${vscode.l10n.t('Changes against the published pack')}</h2>
    ${
      changes === 0
        ? html`<p class="muted">
            ${
              p.operation === 'create'
                ? vscode.l10n.t('Nothing is published under this id yet: the whole pack is new.')
                : vscode.l10n.t('No rule changes.')
            }
          </p>`
        : html`${diffList('removed', p.diff.removed)}${diffList('changed', p.diff.changed)}${diffList('added', p.diff.added)}`
    }
    ${entriesSection(p.entries, p.entries_unavailable)} ${reachSection(p.reach)} ${impactSection(impact)}
    ${summaryTable(p.summary)} ${notes(p.operator_notes)}`;
}
