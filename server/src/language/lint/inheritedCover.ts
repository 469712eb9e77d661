// Go to definition on a child's rule that an inherited rule makes dead: the covering rule in the parent's
// file. Answers from the verdicts lint already holds for this version (lint/inheritedRules.ts), so it
// costs a lookup. textDocument/definition for `inherits` entries lives in definition.ts and calls this first.
import type { Location, Position } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import { ruleList } from '../parse/ruleLists';

export function coveringRuleLocation(a: Analysis, position: Position): Location | null {
  const rules = a.findings?.inherited;
  const inherited = rules?.inherited;
  if (!rules || !inherited) return null;
  const at = a.doc.at(a.doc.offsetAt(position));
  const last = at.path[at.path.length - 1];
  if (typeof last === 'number') {
    const entry = ruleList(a.doc, at.path.slice(0, -1).join('.'))?.entries[last];
    const verdict = entry && rules.verdictOf(entry);
    const where = verdict && inherited.location(verdict.by);
    return where ? { uri: where.uri, range: where.range } : null;
  }
  // On a list's key whose merged list matches everything: the inherited pattern that does.
  if (at.onKey && at.path.length === 2) {
    const by = inherited.everything(at.path.join('.'))[0];
    const where = by && inherited.location(by);
    return where ? { uri: where.uri, range: where.range } : null;
  }
  return null;
}
