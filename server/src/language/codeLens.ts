// Over `metadata`: the rule counts exactly as CAVRA computes them (SPEC 3.1), then the next steps of
// the authoring flow (the commands are the editor's; other clients may ignore them).
import type { CodeLens } from 'vscode-languageserver-types';
import { POLICY_SECTIONS } from '../policy/draft';
import { totalRules } from '../policy/summary';
import { parentsOf } from './inheritedPolicy';
import type { Analysis } from './analysis';

export function codeLenses(a: Analysis): CodeLens[] {
  const found = a.doc.find(['metadata']);
  const range = a.doc.nodeRange(found?.key);
  if (!range) return [];
  const counts = a.summary.rule_counts;
  const total = totalRules(counts);
  const parts = POLICY_SECTIONS.filter((s) => counts[s] > 0).map((s) => `${s} ${counts[s]}`);
  const title = `${total} ${total === 1 ? 'rule' : 'rules'}${parts.length ? ` (${parts.join(' · ')})` : ''}${a.valid ? '' : ' · invalid'}`;
  const lenses: CodeLens[] = [
    { range, command: { title, command: 'cavra.showRuleCounts', arguments: [a.doc.uri] } },
    { range, command: { title: 'Preview', command: 'cavra.previewDraft', arguments: [a.doc.uri] } },
    { range, command: { title: 'Plan publish', command: 'cavra.planPublish', arguments: [a.doc.uri] } },
  ];
  // CAVRA evaluates a pack with parents as their merge: show that merge (effectivePolicyView.ts).
  const parents = parentsOf(a.doc.value);
  if (parents.length) {
    const effective = { title: `Effective policy (inherits ${parents.join(', ')})`, command: 'cavra.showEffectivePolicy' };
    lenses.push({ range, command: { ...effective, arguments: [a.doc.uri] } });
  }
  return lenses;
}
