// The plan's change entry by entry, beside CAVRA's dotted paths: which patterns each list gains or
// loses and which values change from what to what (server/src/policy/policyEntryDiff.ts computes it).
import * as vscode from 'vscode';
import type { PolicyEntryDiff } from '../../../../server/src/protocol';
import { html, type Html } from '../html';

export function entriesSection(entries: PolicyEntryDiff | undefined, unavailable?: string): Html {
  if (!entries)
    return unavailable
      ? html`<h2>${vscode.l10n.t('Entry by entry')}</h2>
          <p class="note">${vscode.l10n.t('Unavailable: {0}.', unavailable)}</p>`
      : html``;
  return html`<h2>${vscode.l10n.t('Entry by entry')}</h2>
    <ul>
      ${entries.entries_removed.map((e) => html`<li class="removed"><code>− ${e.list}: ${e.entry}</code></li>`)}
      ${entries.scalars_changed.map(
        (c) => html`<li class="changed"><code>~ ${c.path}: ${c.before ?? none()} → ${c.after ?? none()}</code></li>`,
      )}
      ${entries.entries_added.map((e) => html`<li class="added"><code>+ ${e.list}: ${e.entry}</code></li>`)}
    </ul>`;
}

/** A value that is not set, before or after a change. */
export const none = () => vscode.l10n.t('(none)');
