// A parent's reach in the publish plan: the packs inheriting it whose effective policy changes,
// entry by entry; those that stay the same are only counted.
import type { DescendantReach, PublishReach } from '../../../../server/src/protocol';
import { html, type Html } from '../html';

const packs = (n: number) => `${n} pack${n === 1 ? '' : 's'}`;

function descendant(d: DescendantReach): Html {
  const how = d.via.length === 2 ? `inherits ${d.via[1]}` : `via ${d.via.slice(1).join(' → ')}`;
  return html`<h3>${d.policy_id} <span class="muted">(${how})</span></h3>
    ${d.error_before ? html`<p class="removed">Does not load today: ${d.error_before}</p>` : ''}
    ${d.error_after ? html`<p class="removed">Would not load once published: ${d.error_after}</p>` : ''}
    <ul>
      ${d.entries_removed.map((e) => html`<li class="removed"><code>− ${e.list}: ${e.entry}</code></li>`)}
      ${d.scalars_changed.map(
        (c) => html`<li class="changed"><code>~ ${c.path}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}</code></li>`,
      )}
      ${d.entries_added.map((e) => html`<li class="added"><code>+ ${e.list}: ${e.entry}</code></li>`)}
    </ul>`;
}

export function reachSection(reach: PublishReach | undefined): Html {
  if (!reach) return html``;
  return html`<h2>Packs inheriting this one</h2>
    <p>
      ${packs(reach.descendants)} inherit it; ${reach.changed.length} get a different effective policy
      ${reach.unchanged ? html`<span class="muted">(${packs(reach.unchanged)} unchanged, not listed)</span>` : ''}
    </p>
    ${reach.changed.map(descendant)}`;
}
