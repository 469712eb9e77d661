// Rules that never fire, and patterns that match everything (SPEC 2.3: `*` crosses `/`, whole-target
// match, block is checked before allow / require_approval). The findings are kept per entry so that an
// edit re-judges only the entries it touched and those whose judges it touched.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { globCovers, matchesEverything } from '../../policy/glob';
import { CoverIndex } from './coverIndex';
import { makeDiagnostic } from '../makeDiagnostic';
import type { FixData } from '../diagnosticCodes';
import type { PolicyDocument } from '../parse/policyDocument';
import type { RuleEntry, RuleList, RuleListChange } from '../parse/ruleLists';

export const EVERYTHING: Record<string, string> = {
  'filesystem.block_read': 'blocks every file read',
  'filesystem.block_write': 'blocks every file write',
  'filesystem.require_approval_write': 'puts every file write behind approval',
  'commands.block': 'blocks every command',
  'commands.allow': 'allows every command that is not blocked, so nothing ever needs approval',
  'commands.require_approval': "lists every command (this list is not read by CAVRA's runtime)",
};
export const PATTERN_LISTS = Object.keys(EVERYTHING);

/** A stronger list checked first makes the weaker entry unreachable. */
export const CROSS_CHECKS: { strong: string; weak: string; why: string }[] = [
  {
    strong: 'commands.block',
    weak: 'commands.allow',
    why: 'CAVRA checks `commands.block` first, so this command is blocked, never allowed',
  },
  {
    strong: 'filesystem.block_write',
    weak: 'filesystem.require_approval_write',
    why: 'CAVRA checks `filesystem.block_write` first, so this write is blocked and never reaches approval',
  },
  {
    strong: 'commands.block',
    weak: 'commands.require_approval',
    why: 'CAVRA blocks this command before any approval could apply',
  },
];

export const MCP_ALLOWED = 'mcp.allowed_servers';
export const MCP_BLOCKED = 'mcp.blocked_servers';

/** Entries judged: an entry and the one that shadows it. */
type Verdicts = Map<RuleEntry, RuleEntry>;

/** Entries judged for shadowing: strings, except patterns that match everything (reported as such). */
export const judged = (e: RuleEntry) => e.text !== undefined && !(e.text.charCodeAt(0) === 0x2a && matchesEverything(e.text));

/** A finding as last reported, and what its message was made from besides the entry itself. */
interface Made {
  by: RuleEntry | undefined;
  /** The 1-based line of `by` the message names. */
  byLine: number;
  d: Diagnostic;
}

function inListOrder(v: Verdicts): [RuleEntry, RuleEntry][] {
  return [...v].sort((a, b) => a[0].index - b[0].index);
}

export class ShadowedRules {
  private indexes = new Map<string, CoverIndex>();
  private unreachable = CROSS_CHECKS.map((): Verdicts => new Map());
  private mcp: Verdicts = new Map();
  private redundant = new Map<string, Verdicts>();
  /** Per pattern list: its entries that match every target. */
  private everything = new Map<string, RuleEntry[]>();
  /** Entries judged so far (built or re-judged after an edit): the work a test counts, not time. */
  judgedCount = 0;
  /** Findings made so far, not reused from the last report (counted work too). */
  madeCount = 0;

  constructor(private readonly list: (key: string) => RuleList | undefined) {
    for (const key of PATTERN_LISTS) this.findEverything(key);
    // Indexed loops over the entries: see CoverIndex's constructor.
    CROSS_CHECKS.forEach((c, i) => {
      const entries = this.list(c.weak)?.entries ?? [];
      for (let j = 0; j < entries.length; j++) this.judgeUnreachable(i, entries[j]);
    });
    this.judgeMcp();
    for (const key of PATTERN_LISTS) {
      const verdicts: Verdicts = new Map();
      this.redundant.set(key, verdicts);
      const entries = this.list(key)?.entries ?? [];
      for (let j = 0; j < entries.length; j++) this.judgeRedundant(key, entries[j]);
    }
  }

  /** Whether a stronger list of this same file already makes the entry unreachable. */
  isUnreachable(e: RuleEntry): boolean {
    return this.mcp.has(e) || this.unreachable.some((v) => v.has(e));
  }

  /** Candidates weighed by the cover indexes so far (counted work, see judgedCount). */
  get weighedCount(): number {
    let n = 0;
    for (const index of this.indexes.values()) n += index.weighed;
    return n;
  }

  /** The cover index of a pattern list (hover asks it too). */
  index(key: string): CoverIndex | undefined {
    let index = this.indexes.get(key);
    if (!index) {
      const list = this.list(key);
      if (!list) return undefined;
      index = new CoverIndex(list.entries);
      this.indexes.set(key, index);
    }
    return index;
  }

  private findEverything(key: string): void {
    this.everything.set(
      key,
      (this.list(key)?.entries ?? []).filter((e) => e.text?.charCodeAt(0) === 0x2a && matchesEverything(e.text)),
    );
  }

  private judgeUnreachable(check: number, e: RuleEntry): void {
    this.judgedCount++;
    const by = judged(e) ? this.index(CROSS_CHECKS[check].strong)?.find(e.text!) : undefined;
    if (by) this.unreachable[check].set(e, by);
    else this.unreachable[check].delete(e);
  }

  /** The entry judgeRedundant is judging, for coversEarlier (one predicate, not a closure per entry). */
  private judging!: RuleEntry;
  /** A different pattern covering the judged entry that comes first, or is strictly wider (then it wins wherever it is). */
  private readonly coversEarlier = (o: RuleEntry) =>
    o.text !== this.judging.text && (o.index < this.judging.index || !globCovers(this.judging.text!, o.text!));

  private judgeRedundant(key: string, e: RuleEntry): void {
    this.judgedCount++;
    this.judging = e;
    const by = judged(e) ? this.index(key)?.find(e.text!, this.coversEarlier) : undefined;
    if (by) this.redundant.get(key)!.set(e, by);
    else this.redundant.get(key)!.delete(e);
  }

  private judgeMcp(): void {
    this.mcp.clear();
    const allowed = this.list(MCP_ALLOWED);
    const blocked = this.list(MCP_BLOCKED);
    if (!allowed || !blocked) return;
    // With a name blocked twice, the later entry is the one named.
    const blockedNames = new Map(blocked.entries.filter((e) => e.text !== undefined).map((e) => [e.text!, e]));
    for (const e of allowed.entries) {
      const by = e.text !== undefined ? blockedNames.get(e.text) : undefined;
      if (by) this.mcp.set(e, by);
    }
  }

  /** Re-judges after one list changed: its new entries, and every entry whose candidates changed. */
  update(change: RuleListChange): void {
    const key = change.list.key;
    const index = this.indexes.get(key);
    if (index) {
      for (const e of change.removed) index.remove(e);
      for (const e of change.added) index.add(e);
    }
    // Entries whose judgement can change: those for which a removed or added pattern is a candidate.
    const changed = [...change.removed, ...change.added]
      .filter((e) => e.text !== undefined)
      .map((e) => CoverIndex.candidateTest(e.text!));
    const affected = (entries: RuleEntry[]) =>
      changed.length ? entries.filter((e) => judged(e) && changed.some((isCandidate) => isCandidate(e.text!))) : [];
    CROSS_CHECKS.forEach((c, i) => {
      if (c.weak === key) {
        for (const e of change.removed) this.unreachable[i].delete(e);
        for (const e of change.added) this.judgeUnreachable(i, e);
      }
      if (c.strong === key) for (const e of affected(this.list(c.weak)?.entries ?? [])) this.judgeUnreachable(i, e);
    });
    if (key === MCP_ALLOWED || key === MCP_BLOCKED) this.judgeMcp();
    if (this.everything.has(key)) this.findEverything(key);
    const verdicts = this.redundant.get(key);
    if (verdicts) {
      for (const e of change.removed) verdicts.delete(e);
      for (const e of new Set([...change.added, ...affected(change.list.entries)])) this.judgeRedundant(key, e);
    }
  }

  /**
   * The finding last made per entry. A keystroke re-judges a few entries but reports them all (thousands
   * of hints in a generated pack): an entry whose finding would read the same (same shadowing entry, on
   * the same line; the same range and index) keeps its object, message and all. Findings are never
   * edited in place, so handing out the same object again is safe.
   */
  private made = new Map<RuleEntry, Made>();

  diagnostics(doc: PolicyDocument): Diagnostic[] {
    const out: Diagnostic[] = [];
    const made = new Map<RuleEntry, Made>();
    const line = (e: RuleEntry) => doc.positionAt(e.node.range![0]).line + 1;
    const report = (
      e: RuleEntry,
      by: RuleEntry | undefined,
      severity: DiagnosticSeverity,
      code: 'unreachable-rule' | 'redundant-rule' | 'matches-everything',
      message: (byLine: number) => string,
    ) => {
      const range = doc.nodeRange(e.node)!;
      const byLine = by ? line(by) : 0;
      const earlier = this.made.get(e);
      let d: Diagnostic;
      if (earlier && earlier.by === by && earlier.byLine === byLine && sameFinding(earlier.d, range, code, e.index))
        d = earlier.d;
      else {
        this.madeCount++;
        d = makeDiagnostic(range, severity, code, message(byLine), { path: [...e.list, e.index] });
      }
      made.set(e, { by, byLine, d });
      out.push(d);
    };
    for (const key of PATTERN_LISTS) {
      for (const e of this.everything.get(key)!) {
        report(
          e,
          undefined,
          DiagnosticSeverity.Warning,
          'matches-everything',
          () => `${JSON.stringify(e.text)} matches every target: \`${key}\` ${EVERYTHING[key]}.`,
        );
      }
    }
    CROSS_CHECKS.forEach((c, i) => {
      for (const [e, by] of inListOrder(this.unreachable[i])) {
        report(
          e,
          by,
          DiagnosticSeverity.Warning,
          'unreachable-rule',
          (byLine) =>
            `Never fires: ${JSON.stringify(by.text)} in \`${c.strong}\` (line ${byLine}) already matches every target of ${JSON.stringify(e.text)}. ${c.why}.`,
        );
      }
    });
    for (const [e, by] of inListOrder(this.mcp)) {
      report(
        e,
        by,
        DiagnosticSeverity.Warning,
        'unreachable-rule',
        (byLine) =>
          `Never fires: ${JSON.stringify(e.text)} is also in \`mcp.blocked_servers\` (line ${byLine}), and a blocked server is blocked even when allowed.`,
      );
    }
    // Inside one list, an entry covered by another entry adds nothing: same effect, same rule id.
    for (const key of PATTERN_LISTS) {
      for (const [e, by] of inListOrder(this.redundant.get(key)!)) {
        report(
          e,
          by,
          DiagnosticSeverity.Hint,
          'redundant-rule',
          (byLine) =>
            `Redundant: ${JSON.stringify(by.text)} (line ${byLine}) in the same list already matches every target of ${JSON.stringify(e.text)}.`,
        );
      }
    }
    this.made = made;
    return out;
  }
}

/** Whether a finding made earlier has this range, code and entry index (its other fields follow from them). */
function sameFinding(d: Diagnostic, range: Range, code: string, index: number): boolean {
  const r = d.range;
  const path = (d.data as FixData).path;
  return (
    d.code === code &&
    path[path.length - 1] === index &&
    r.start.line === range.start.line &&
    r.start.character === range.start.character &&
    r.end.line === range.end.line &&
    r.end.character === range.end.character
  );
}
