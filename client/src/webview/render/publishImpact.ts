// "Impact on recorded activity" in the publish plan: what the draft does to the decisions of the log named
// by `cavra.impact.decisionLog` (server/src/policy/impact.ts replays it), with a drill-down to the decisions.
import * as vscode from 'vscode';
import type { ImpactCause, ImpactResult } from '../../../../server/src/protocol';
import { html, htmlSentence, type Html } from '../html';
import { count as n } from './common';

function cause(c: ImpactCause): string {
  switch (c.kind) {
    case 'entry_added':
    case 'entry_removed': {
      const where = c.file ? `${c.file}:${c.line ?? '?'}` : c.pack;
      return c.kind === 'entry_added'
        ? vscode.l10n.t('{0} "{1}" added ({2})', c.list, c.entry, where)
        : vscode.l10n.t('{0} "{1}" removed ({2})', c.list, c.entry, where);
    }
    case 'setting':
      return `${c.key} ${c.from} → ${c.to}`;
    case 'mode':
      return vscode.l10n.t('mode {0} → {1}', c.from, c.to);
    case 'unexplained':
      return c.message;
  }
}

/** Nothing when no log is set: the setting is named in the plan's notes instead of an empty section. */
export function impactSection(impact: ImpactResult | string | undefined): Html {
  if (impact === undefined) return html``;
  const heading = html`<h2>${vscode.l10n.t('Impact on recorded activity')}</h2>`;
  if (typeof impact === 'string')
    return html`${heading}
      <p class="removed">${impact}</p>`;
  if (!impact.decision_log || !impact.report || !impact.summary)
    return html`${heading}
      <p class="muted">
        ${htmlSentence(
          vscode.l10n.t(
            'No decision log is set ({0}). Choose one ({1}) to see what this change does to recorded agent activity.',
          ),
          html`<code>cavra.impact.decisionLog</code>`,
          html`<em>${vscode.l10n.t('Choose Decision Log…')}</em>`,
        )}
      </p>`;
  const r = impact.report;
  const s = impact.summary;
  const left = s.problems.malformed + s.problems.wrong_shape + s.problems.unsupported;
  const changed = r.transitions.filter((t) => t.changed);
  const leftLines = s.listed.map((p) => vscode.l10n.t('line {0}', p.line)).join(', ') + (left > s.listed.length ? ', …' : '');
  return html`${heading}
    <p>
      ${htmlSentence(
        s.first_timestamp
          ? vscode.l10n.t('{0}: {1} decisions from {2} to {3}; {4} replayed, {5}.')
          : vscode.l10n.t('{0}: {1} decisions; {4} replayed, {5}.'),
        html`<code>${impact.decision_log}</code>`,
        n(s.records),
        s.first_timestamp,
        s.last_timestamp,
        n(r.replayed),
        html`<strong>${vscode.l10n.t('{0} change', n(r.changed))}</strong>`,
      )}
      ${left ? html`<span class="removed">${vscode.l10n.t('{0} lines left out ({1}).', n(left), leftLines)}</span>` : ''}
    </p>
    ${
      changed.length
        ? html`<table>
            <tr>
              <th>${vscode.l10n.t('Transition')}</th>
              <th>${vscode.l10n.t('Decisions')}</th>
            </tr>
            ${changed.map(
              (t) =>
                html`<tr>
                  <td>${t.transition}</td>
                  <td>${n(t.count)}</td>
                </tr>`,
            )}
          </table>`
        : html`<p class="muted">${vscode.l10n.t('No recorded decision changes.')}</p>`
    }
    ${
      r.changes.length
        ? html`<details>
            <summary>
              ${
                r.changes.length < r.changed
                  ? vscode.l10n.t('Changed decisions (first {0} of {1})', n(r.changes.length), n(r.changed))
                  : vscode.l10n.t('Changed decisions ({0})', n(r.changed))
              }
            </summary>
            <ul>
              ${r.changes.map(
                (c) =>
                  html`<li>
                    <code>${c.action_type} ${c.target}</code> ${c.transition}
                    <span class="muted"
                      >${vscode.l10n.t('(line {0}, {1}, {2}; {3})', c.line, c.agent_id, c.repository, cause(c.cause))}</span
                    >
                  </li>`,
              )}
            </ul>
          </details>`
        : ''
    }
    <p class="muted">
      ${htmlSentence(
        r.agreement.disagreed
          ? vscode.l10n.t('The published packs reproduce {0} of {1} recorded decisions; {2}.')
          : vscode.l10n.t('The published packs reproduce {0} of {1} recorded decisions.'),
        n(r.agreement.agreed),
        n(r.agreement.compared),
        html`<span class="changed">${vscode.l10n.t('{0} differ', n(r.agreement.disagreed))}</span>`,
      )}
    </p>`;
}
