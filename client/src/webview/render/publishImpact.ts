// "Impact on recorded activity" in the publish plan: what the draft does to the decisions of the log named
// by `cavra.impact.decisionLog` (server/src/policy/impact.ts replays it), with a drill-down to the decisions.
import type { ImpactCause, ImpactResult } from '../../../../server/src/protocol';
import { html, type Html } from '../html';

const n = (v: number) => v.toLocaleString('en-US');

function cause(c: ImpactCause): string {
  switch (c.kind) {
    case 'entry_added':
    case 'entry_removed':
      return `${c.list} "${c.entry}" ${c.kind === 'entry_added' ? 'added' : 'removed'} (${c.file ? `${c.file}:${c.line ?? '?'}` : c.pack})`;
    case 'setting':
      return `${c.key} ${c.from} → ${c.to}`;
    case 'mode':
      return `mode ${c.from} → ${c.to}`;
    case 'unexplained':
      return c.message;
  }
}

/** Nothing when no log is set: the setting is named in the plan's notes instead of an empty section. */
export function impactSection(impact: ImpactResult | string | undefined): Html {
  if (impact === undefined) return html``;
  if (typeof impact === 'string')
    return html`<h2>Impact on recorded activity</h2>
      <p class="removed">${impact}</p>`;
  if (!impact.decision_log || !impact.report || !impact.summary)
    return html`<h2>Impact on recorded activity</h2>
      <p class="muted">
        No decision log is set (<code>cavra.impact.decisionLog</code>). Choose one (<em>Choose Decision Log…</em>) to see what
        this change does to recorded agent activity.
      </p>`;
  const r = impact.report;
  const s = impact.summary;
  const left = s.problems.malformed + s.problems.wrong_shape + s.problems.unsupported;
  const changed = r.transitions.filter((t) => t.changed);
  return html`<h2>Impact on recorded activity</h2>
    <p>
      <code>${impact.decision_log}</code>: ${n(s.records)}
      decisions${s.first_timestamp ? ` from ${s.first_timestamp} to ${s.last_timestamp}` : ''}; ${n(r.replayed)} replayed,
      <strong>${n(r.changed)} change</strong>.
      ${left ? html`<span class="removed">${n(left)} lines left out (${s.listed.map((p) => `line ${p.line}`).join(', ')}${left > s.listed.length ? ', …' : ''}).</span>` : ''}
    </p>
    ${
      changed.length
        ? html`<table>
            <tr>
              <th>Transition</th>
              <th>Decisions</th>
            </tr>
            ${changed.map(
              (t) =>
                html`<tr>
                  <td>${t.transition}</td>
                  <td>${n(t.count)}</td>
                </tr>`,
            )}
          </table>`
        : html`<p class="muted">No recorded decision changes.</p>`
    }
    ${
      r.changes.length
        ? html`<details>
            <summary>
              Changed decisions
              (${r.changes.length < r.changed ? `first ${n(r.changes.length)} of ${n(r.changed)}` : n(r.changed)})
            </summary>
            <ul>
              ${r.changes.map(
                (c) =>
                  html`<li>
                    <code>${c.action_type} ${c.target}</code> ${c.transition}
                    <span class="muted">(line ${c.line}, ${c.agent_id}, ${c.repository}; ${cause(c.cause)})</span>
                  </li>`,
              )}
            </ul>
          </details>`
        : ''
    }
    <p class="muted">
      The published packs reproduce ${n(r.agreement.agreed)} of ${n(r.agreement.compared)} recorded
      decisions${r.agreement.disagreed ? html`; <span class="changed">${n(r.agreement.disagreed)} differ</span>` : ''}.
    </p>`;
}
