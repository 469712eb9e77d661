// A parent's reach in the publish plan: the packs inheriting it whose effective policy changes,
// entry by entry; those that stay the same are only counted.
import * as vscode from 'vscode';
import type { DescendantReach, PublishReach } from '../../../../server/src/protocol';
import { html, type Html } from '../html';
import { none } from './publishEntries';

function descendant(d: DescendantReach): Html {
  const how = d.via.length === 2 ? vscode.l10n.t('inherits {0}', d.via[1]) : vscode.l10n.t('via {0}', d.via.slice(1).join(' → '));
  return html`<h3>${d.policy_id} <span class="muted">(${how})</span></h3>
    ${d.error_before ? html`<p class="removed">${vscode.l10n.t('Does not load today: {0}', d.error_before)}</p>` : ''}
    ${d.error_after ? html`<p class="removed">${vscode.l10n.t('Would not load once published: {0}', d.error_after)}</p>` : ''}
    <ul>
      ${d.entries_removed.map((e) => html`<li class="removed"><code>− ${e.list}: ${e.entry}</code></li>`)}
      ${d.scalars_changed.map(
        (c) => html`<li class="changed"><code>~ ${c.path}: ${c.before ?? none()} → ${c.after ?? none()}</code></li>`,
      )}
      ${d.entries_added.map((e) => html`<li class="added"><code>+ ${e.list}: ${e.entry}</code></li>`)}
    </ul>`;
}

export function reachSection(reach: PublishReach | undefined): Html {
  if (!reach) return html``;
  return html`<h2>${vscode.l10n.t('Packs inheriting this one')}</h2>
    <p>
      ${
        reach.descendants === 1
          ? vscode.l10n.t('1 pack inherits it; {0} get a different effective policy', reach.changed.length)
          : vscode.l10n.t('{0} packs inherit it; {1} get a different effective policy', reach.descendants, reach.changed.length)
      }
      ${
        reach.unchanged
          ? html`<span class="muted"
              >${
                reach.unchanged === 1
                  ? vscode.l10n.t('(1 pack unchanged, not listed)')
                  : vscode.l10n.t('({0} packs unchanged, not listed)', reach.unchanged)
              }</span
            >`
          : ''
      }
    </p>
    ${reach.changed.map(descendant)}`;
}
