// What the decision log says of a pack's rules, in the editor: a rule's hover counts the recorded actions it
// decided, and a hint marks enforced rules that decided nothing over the log's time span (so nobody deletes
// a rule that guards a rare action without seeing how long the log is). The counts come in as data
// (policy/ruleActivity.ts, computed by workflows/ruleActivity.ts from the log): this file reads no file.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { activitySpan, RULE_ACTIVITY_LISTS, ruleCount, type RuleActivity } from '../policy/ruleActivity';
import type { Analysis } from './analysis';
import { makeDiagnostic } from './makeDiagnostic';
import { ruleLists } from './parse/ruleLists';

const n = (v: number) => v.toLocaleString('en-US');

/** The hover's line for one entry, or undefined when the log says nothing of this list or pack. */
export function ruleActivityHover(
  a: Analysis,
  activity: RuleActivity | undefined,
  list: string,
  entry: string,
): string | undefined {
  if (!activity || !a.packFolder || !RULE_ACTIVITY_LISTS.includes(list)) return undefined;
  const count = ruleCount(activity, a.packFolder, list, entry);
  return (
    `**Recorded activity:** decided ${n(count)} of ${n(activity.replayed)} recorded actions in \`${activity.decision_log}\` ` +
    `(${activitySpan(activity)}, as published)`
  );
}

/**
 * `unused-rule` hints on the enforced entries of a published pack (its `policy.yaml`) that decided no
 * recorded action. Only when the log replayed something: an empty log says nothing of any rule.
 */
export function unusedRuleHints(a: Analysis, activity: RuleActivity | undefined): Diagnostic[] {
  if (!activity || activity.replayed === 0 || !a.packFolder || !a.context.file?.match(/[\\/]policy\.yaml$/)) return [];
  const out: Diagnostic[] = [];
  const span = activitySpan(activity);
  for (const list of ruleLists(a.doc)) {
    if (!RULE_ACTIVITY_LISTS.includes(list.key)) continue;
    for (const e of list.entries) {
      if (e.text === undefined || ruleCount(activity, a.packFolder, list.key, e.text) > 0) continue;
      const range = a.doc.nodeRange(e.node);
      if (!range) continue;
      out.push(
        makeDiagnostic(
          range,
          DiagnosticSeverity.Hint,
          'unused-rule',
          `${JSON.stringify(e.text)} decided none of the ${n(activity.replayed)} recorded actions in ${activity.decision_log} (${span}). ` +
            'It may guard a rare action: check before removing it.',
        ),
      );
    }
  }
  return out;
}
