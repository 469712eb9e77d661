// Rule counts over `metadata`, exactly as CAVRA computes them (SPEC 3.1).
import type { CodeLens } from 'vscode-languageserver-types';
import { POLICY_SECTIONS } from '../policy/draft';
import { totalRules } from '../policy/summary';
import type { Analysis } from './languageService';

export function codeLenses(a: Analysis): CodeLens[] {
  const found = a.doc.find(['metadata']);
  const range = a.doc.nodeRange(found?.key);
  if (!range) return [];
  const counts = a.summary.rule_counts;
  const total = totalRules(counts);
  const parts = POLICY_SECTIONS.filter((s) => counts[s] > 0).map((s) => `${s} ${counts[s]}`);
  const title = `${total} ${total === 1 ? 'rule' : 'rules'}${parts.length ? ` (${parts.join(' · ')})` : ''}${a.valid ? '' : ' · invalid'}`;
  return [{ range, command: { title, command: 'cavra.showRuleCounts', arguments: [a.doc.uri] } }];
}
