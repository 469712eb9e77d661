// Rules that never fire, and patterns that match everything (SPEC 2.3: `*` crosses `/`, whole-target
// match, block is checked before allow / require_approval).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { globCovers, matchesEverything } from '../../policy/glob';
import type { Analysis } from '../languageService';
import { makeDiagnostic } from '../makeDiagnostic';
import { ruleList, type RuleEntry } from '../ruleLists';

/** Upper bound on pattern comparisons per document, so lint stays bounded on huge packs. */
const COMPARISON_BUDGET = 2_000_000;

const prefixOf = (p: string) => p.split('*')[0];
const suffixOf = (p: string) => { const i = p.lastIndexOf('*'); return i < 0 ? p : p.slice(i + 1); };

/**
 * Finds, for an inner pattern, an outer pattern that covers it. Candidates are narrowed by literal
 * prefix (the outer's prefix must be a prefix of the inner's) and suffix before the exact check.
 */
class CoverIndex {
  private byPrefix = new Map<string, RuleEntry[]>();
  budget = { left: COMPARISON_BUDGET };

  constructor(entries: RuleEntry[]) {
    for (const e of entries) {
      if (e.text === undefined) continue;
      const p = prefixOf(e.text);
      const bucket = this.byPrefix.get(p);
      if (bucket) bucket.push(e);
      else this.byPrefix.set(p, [e]);
    }
  }

  find(inner: string, accept: (outer: RuleEntry) => boolean): RuleEntry | undefined {
    const innerPrefix = prefixOf(inner);
    const innerSuffix = suffixOf(inner);
    const innerHasStar = inner.includes('*');
    for (let len = 0; len <= innerPrefix.length; len++) {
      const bucket = this.byPrefix.get(innerPrefix.slice(0, len));
      if (!bucket) continue;
      for (const outer of bucket) {
        const o = outer.text!;
        if (!accept(outer)) continue;
        if (!o.includes('*')) {
          if (o === inner) return outer;
          continue;
        }
        if (!(innerHasStar ? innerSuffix : inner).endsWith(suffixOf(o))) continue;
        if (this.budget.left-- <= 0) return undefined;
        if (globCovers(o, inner)) return outer;
      }
    }
    return undefined;
  }
}

const EVERYTHING: Record<string, string> = {
  'filesystem.block_read': 'blocks every file read',
  'filesystem.block_write': 'blocks every file write',
  'filesystem.require_approval_write': 'puts every file write behind approval',
  'commands.block': 'blocks every command',
  'commands.allow': 'allows every command that is not blocked, so nothing ever needs approval',
  'commands.require_approval': 'lists every command (this list is not read by CAVRA\'s runtime)',
};

export function shadowedRulesLint(a: Analysis): Diagnostic[] {
  const doc = a.doc;
  const out: Diagnostic[] = [];
  const line = (e: RuleEntry) => doc.nodeRange(e.node)!.start.line + 1;
  const report = (e: RuleEntry, severity: DiagnosticSeverity, code: 'unreachable-rule' | 'redundant-rule' | 'matches-everything', message: string) =>
    out.push(makeDiagnostic(doc.nodeRange(e.node)!, severity, code, message, { path: [...e.list, e.index] }));

  for (const key of Object.keys(EVERYTHING)) {
    for (const e of ruleList(doc, key)?.entries ?? []) {
      if (e.text !== undefined && matchesEverything(e.text)) {
        report(e, DiagnosticSeverity.Warning, 'matches-everything', `${JSON.stringify(e.text)} matches every target: \`${key}\` ${EVERYTHING[key]}.`);
      }
    }
  }

  // A stronger list checked first makes the weaker entry unreachable.
  const crossChecks: [string, string, string][] = [
    ['commands.block', 'commands.allow', 'CAVRA checks `commands.block` first, so this command is blocked, never allowed'],
    ['filesystem.block_write', 'filesystem.require_approval_write', 'CAVRA checks `filesystem.block_write` first, so this write is blocked and never reaches approval'],
    ['commands.block', 'commands.require_approval', 'CAVRA blocks this command before any approval could apply'],
  ];
  for (const [strongKey, weakKey, why] of crossChecks) {
    const strong = ruleList(doc, strongKey);
    const weak = ruleList(doc, weakKey);
    if (!strong || !weak) continue;
    const index = new CoverIndex(strong.entries);
    for (const e of weak.entries) {
      if (e.text === undefined || matchesEverything(e.text)) continue;
      const by = index.find(e.text, () => true);
      if (by) report(e, DiagnosticSeverity.Warning, 'unreachable-rule', `Never fires: ${JSON.stringify(by.text)} in \`${strongKey}\` (line ${line(by)}) already matches every target of ${JSON.stringify(e.text)}. ${why}.`);
    }
  }

  const allowed = ruleList(doc, 'mcp.allowed_servers');
  const blocked = ruleList(doc, 'mcp.blocked_servers');
  if (allowed && blocked) {
    const blockedNames = new Map(blocked.entries.filter((e) => e.text !== undefined).map((e) => [e.text!, e]));
    for (const e of allowed.entries) {
      const by = e.text !== undefined ? blockedNames.get(e.text) : undefined;
      if (by) report(e, DiagnosticSeverity.Warning, 'unreachable-rule', `Never fires: ${JSON.stringify(e.text)} is also in \`mcp.blocked_servers\` (line ${line(by)}), and a blocked server is blocked even when allowed.`);
    }
  }

  // Inside one list, an entry covered by another entry adds nothing: same effect, same rule id.
  for (const key of Object.keys(EVERYTHING)) {
    const list = ruleList(doc, key);
    if (!list || list.entries.length < 2) continue;
    const index = new CoverIndex(list.entries);
    for (const e of list.entries) {
      if (e.text === undefined || matchesEverything(e.text)) continue;
      const by = index.find(e.text, (o) => o.text !== e.text && (o.index < e.index || !globCovers(e.text!, o.text!)));
      if (by) report(e, DiagnosticSeverity.Hint, 'redundant-rule', `Redundant: ${JSON.stringify(by.text)} (line ${line(by)}) in the same list already matches every target of ${JSON.stringify(e.text)}.`);
    }
  }
  return out;
}
