// The plan's change entry by entry, beside CAVRA's dotted paths: which patterns each list gains or
// loses and which values change from what to what (server/src/policy/policyEntryDiff.ts computes it).
import type { PolicyEntryDiff } from '../../../../server/src/protocol';
import { html, type Html } from '../html';

export function entriesSection(entries: PolicyEntryDiff | undefined, unavailable?: string): Html {
  if (!entries)
    return unavailable
      ? html`<h2>Entry by entry</h2>
          <p class="note">Unavailable: ${unavailable}.</p>`
      : html``;
  return html`<h2>Entry by entry</h2>
    <ul>
      ${entries.entries_removed.map((e) => html`<li class="removed"><code>− ${e.list}: ${e.entry}</code></li>`)}
      ${entries.scalars_changed.map(
        (c) => html`<li class="changed"><code>~ ${c.path}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}</code></li>`,
      )}
      ${entries.entries_added.map((e) => html`<li class="added"><code>+ ${e.list}: ${e.entry}</code></li>`)}
    </ul>`;
}
