// Impact replay: every recorded action judged again against the published packs and against the world
// with the draft published (inheritance merged, so a draft also reaches the packs that inherit it), each
// under an optional runtime mode (SPEC 2.5) or a rollout's mode change. The evaluator is evaluate.ts (CAVRA's
// order, rule ids, severities) and the modes are policyModes.ts: this file only compares and counts.
import type { RecordedDecision } from './decisionLog';
import { effectivePolicy, type EffectivePolicy } from './effectivePolicy';
import { decideAction, isEvaluateAction, type EvaluateInput, type PatternScan, type RuleDecision } from './evaluate';
import type { PolicyObject } from './inheritance';
import { indexedPatternScan } from './patternIndex';
import { applyPolicyMode, type PolicyMode } from './policyModes';
import { isMapping, pyStr, pyTruthy } from './pythonValues';
import { countRule, type RuleCounts } from './ruleActivity';

/** Which side of the replay an entry comes from: the published packs, or the packs with the draft published. */
export type ImpactSide = 'published' | 'draft';

export interface EntryPlace {
  file: string;
  line: number;
}

export interface ImpactInput {
  /** The published pack as written, by id (its folder); throws when there is none. */
  loadPublished: (packId: string) => PolicyObject;
  /** The draft and the pack id it replaces; absent for a rollout change alone. */
  draft?: { packId: string; policy: PolicyObject };
  /** The mode on each side: the same for `--policy-mode`, FROM and TO for a rollout change; absent: the rules' decision. */
  modes?: { from?: PolicyMode; to?: PolicyMode };
  /** Where a pack's list entry is written (file and line), for attributing a change; the edge reads files. */
  locate?: (side: ImpactSide, pack: string, list: string, index: number) => EntryPlace | undefined;
  /** Count, per published list entry (with the pack that lists it), the recorded actions it decided. */
  countRules?: boolean;
}

/** What made a decision change. */
export type ImpactCause =
  | {
      kind: 'entry_added' | 'entry_removed';
      /** `commands.block`, `mcp.allowed_servers`, ... */
      list: string;
      entry: string;
      /** The pack that lists it (the draft's pack, or one it inherits). */
      pack: string;
      file?: string;
      line?: number;
    }
  | { kind: 'setting'; key: string; from: string; to: string }
  | { kind: 'mode'; from: string; to: string }
  | { kind: 'unexplained'; message: string };

export interface ImpactDecision {
  decision: string;
  rule_id: string;
  severity: string;
  /** After the mode, when one applies. */
  effective_decision: string;
}

export interface ImpactChange {
  line: number;
  decision_id?: string;
  action_type: string;
  target: string;
  policy_pack: string;
  agent_id: string;
  repository: string;
  transition: string;
  published: ImpactDecision;
  draft: ImpactDecision;
  cause: ImpactCause;
}

export interface Disagreement {
  line: number;
  decision_id?: string;
  action_type: string;
  target: string;
  policy_pack: string;
  /** field -> [recorded, replayed] */
  fields: Record<string, [string | null, string | null]>;
}

export interface GroupCounts {
  replayed: number;
  changed: number;
  /** Only the transitions that change something. */
  transitions: Record<string, number>;
}

export interface ImpactReport {
  draft_pack: string | null;
  mode_from: string | null;
  mode_to: string | null;
  replayed: number;
  /** Recorded actions that could not be replayed, by why. */
  skipped: Record<string, number>;
  changed: number;
  /** Same effective decision, another rule (the reason an auditor reads would change). */
  rule_changed: number;
  transitions: { transition: string; from: string; to: string; count: number; changed: boolean }[];
  by_action_type: Record<string, GroupCounts>;
  by_repository: Record<string, GroupCounts>;
  by_agent: Record<string, GroupCounts>;
  changes: ImpactChange[];
  /** The published packs' answers against what was recorded (decision, rule id, and severity and approver group when recorded). */
  agreement: { compared: number; agreed: number; disagreed: number; disagreements: Disagreement[] };
  /** With `countRules`: the recorded actions each published entry decided (policy/ruleActivity.ts). */
  rule_counts?: RuleCounts;
}

export const TRANSITION_ARROW = ' → ';

interface PackWorld {
  /** The merged policy with each entry's origin. */
  eff?: EffectivePolicy;
  /** Why this pack cannot be evaluated on this side. */
  error?: string;
}

/** The deciding list entry of the last evaluation, if a pattern decided it. */
interface Trace {
  list: string;
  pattern: string;
}

function inputOf(r: RecordedDecision): EvaluateInput {
  // CAVRA's record holds the normalized target and the requested operation: a git operation's name, an MCP
  // call's capability (or tool); replaying them gives the same answer as the original request.
  return {
    action_type: r.action_type,
    target: r.target,
    policy_pack: r.policy_pack,
    operation: r.action_type === 'git_operation' ? r.requested_operation : undefined,
    capability: r.action_type === 'mcp_tool_call' ? r.requested_operation : undefined,
  };
}

function emptyGroup(): GroupCounts {
  return { replayed: 0, changed: 0, transitions: {} };
}

function countGroup(groups: Record<string, GroupCounts>, key: string, transition: string | undefined): void {
  const g = (groups[key] ??= emptyGroup());
  g.replayed++;
  if (transition !== undefined) {
    g.changed++;
    g.transitions[transition] = (g.transitions[transition] ?? 0) + 1;
  }
}

/** A merged list's entries as CAVRA compares them (str()), kept per policy: causes ask again and again. */
const listSets = new WeakMap<EffectivePolicy, Map<string, Set<string>>>();
function listValues(eff: EffectivePolicy, list: string): Set<string> {
  let lists = listSets.get(eff);
  if (!lists) listSets.set(eff, (lists = new Map<string, Set<string>>()));
  let values = lists.get(list);
  if (!values) lists.set(list, (values = new Set((eff.lists.get(list) ?? []).map((e) => pyStr(e.value)))));
  return values;
}

/** The replay fed one record at a time (the CLI streams the log into it), then the report. */
export interface ImpactReplay {
  add(record: RecordedDecision): void;
  report(): ImpactReport;
}

/** A whole log at once. */
export function computeImpact(records: Iterable<RecordedDecision>, input: ImpactInput): ImpactReport {
  const replay = impactReplay(input);
  for (const r of records) replay.add(r);
  return replay.report();
}

export function impactReplay(input: ImpactInput): ImpactReplay {
  const draftId = input.draft?.packId;
  const loadDraftWorld = (id: string): PolicyObject => (id === draftId ? input.draft!.policy : input.loadPublished(id));
  const worlds = new Map<string, { published: PackWorld; draft: PackWorld; changed: boolean }>();
  const scan = indexedPatternScan();
  let trace: Trace | undefined;
  const traced: PatternScan = (policy, section, key, value) => {
    const m = scan(policy, section, key, value);
    if (m !== undefined) trace = { list: `${section}.${key}`, pattern: m };
    return m;
  };
  const evaluate = (policy: PolicyObject, inp: EvaluateInput): [RuleDecision, Trace | undefined] => {
    trace = undefined;
    const d = decideAction(policy, inp, traced);
    return [d, trace];
  };

  const world = (load: (id: string) => PolicyObject, id: string): PackWorld => {
    try {
      return { eff: effectivePolicy(id, load) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const worldsOf = (id: string) => {
    let w = worlds.get(id);
    if (!w) {
      const published = world(input.loadPublished, id);
      const draft = draftId === undefined ? published : world(loadDraftWorld, id);
      worlds.set(id, (w = { published, draft, changed: draftId !== undefined && (draft.eff?.packs.includes(draftId) ?? false) }));
    }
    return w;
  };
  // Only asked for packs already replayed on both sides.
  const originsOf = (side: ImpactSide, id: string): EffectivePolicy => worldsOf(id)[side].eff!;
  const located = new Map<string, EntryPlace | undefined>();
  const locate = (side: ImpactSide, pack: string, list: string, index: number) => {
    const key = `${side}\u0000${pack}\u0000${list}\u0000${index}`;
    if (!located.has(key)) located.set(key, input.locate?.(side, pack, list, index));
    return located.get(key);
  };
  const entryCause = (
    kind: 'entry_added' | 'entry_removed',
    side: ImpactSide,
    packId: string,
    list: string,
    entry: string,
  ): ImpactCause => {
    const origin = originsOf(side, packId)
      .lists.get(list)
      ?.find((e) => pyStr(e.value) === entry)?.origin;
    const place = origin ? locate(side, origin.pack, list, origin.index) : undefined;
    return { kind, list, entry, pack: origin?.pack ?? packId, ...(place ? { file: place.file, line: place.line } : {}) };
  };

  /** The list entry or setting whose difference between the two sides changes this decision. */
  const ruleCause = (
    packId: string,
    pub: [RuleDecision, Trace | undefined],
    dr: [RuleDecision, Trace | undefined],
  ): ImpactCause => {
    const [pubTrace, drTrace] = [pub[1], dr[1]];
    const pubEff = originsOf('published', packId);
    const drEff = originsOf('draft', packId);
    if (drTrace && !listValues(pubEff, drTrace.list).has(drTrace.pattern))
      return entryCause('entry_added', 'draft', packId, drTrace.list, drTrace.pattern);
    if (pubTrace && !listValues(drEff, pubTrace.list).has(pubTrace.pattern))
      return entryCause('entry_removed', 'published', packId, pubTrace.list, pubTrace.pattern);
    if (dr[0].action_type === 'mcp_tool_call') {
      const server = dr[0].target.slice(0, dr[0].target.indexOf(':'));
      for (const list of ['mcp.blocked_servers', 'mcp.allowed_servers']) {
        const before = listValues(pubEff, list).has(server);
        const after = listValues(drEff, list).has(server);
        if (before !== after)
          return entryCause(after ? 'entry_added' : 'entry_removed', after ? 'draft' : 'published', packId, list, server);
      }
      const setting = (p: PolicyObject) => {
        const mcp = isMapping(p.mcp) ? p.mcp : {};
        return 'block_unknown_servers' in mcp ? String(pyTruthy(mcp.block_unknown_servers)) : 'true (default)';
      };
      return { kind: 'setting', key: 'mcp.block_unknown_servers', from: setting(pubEff.policy), to: setting(drEff.policy) };
    }
    return { kind: 'unexplained', message: `${pub[0].rule_id} became ${dr[0].rule_id} with no list entry added or removed` };
  };

  // Causes repeat across thousands of records: one per pack, deciding entries (or MCP server) and rules.
  const causes = new Map<string, ImpactCause>();
  const cachedCause = (packId: string, pub: [RuleDecision, Trace | undefined], dr: [RuleDecision, Trace | undefined]) => {
    const server = dr[0].action_type === 'mcp_tool_call' ? dr[0].target.slice(0, dr[0].target.indexOf(':')) : '';
    const key = [packId, pub[0].rule_id, pub[1]?.list, pub[1]?.pattern, dr[0].rule_id, dr[1]?.list, dr[1]?.pattern, server].join(
      '\u0000',
    );
    let cause = causes.get(key);
    if (!cause) causes.set(key, (cause = ruleCause(packId, pub, dr)));
    return cause;
  };
  const modeCause: ImpactCause = { kind: 'mode', from: input.modes?.from ?? 'none', to: input.modes?.to ?? 'none' };

  const report: ImpactReport = {
    draft_pack: draftId ?? null,
    mode_from: input.modes?.from ?? null,
    mode_to: input.modes?.to ?? null,
    replayed: 0,
    skipped: {},
    changed: 0,
    rule_changed: 0,
    transitions: [],
    by_action_type: {},
    by_repository: {},
    by_agent: {},
    changes: [],
    agreement: { compared: 0, agreed: 0, disagreed: 0, disagreements: [] },
  };
  const transitions = new Map<string, number>();
  // One string per pair of decisions, not one per record (a log holds a hundred thousand).
  const names = new Map<string, Map<string, string>>();
  const transitionOf = (before: string, after: string): string => {
    let byAfter = names.get(before);
    if (!byAfter) names.set(before, (byAfter = new Map<string, string>()));
    let name = byAfter.get(after);
    if (name === undefined) byAfter.set(after, (name = `${before}${TRANSITION_ARROW}${after}`));
    return name;
  };
  const skip = (why: string) => (report.skipped[why] = (report.skipped[why] ?? 0) + 1);
  const effective = (decision: string, mode: PolicyMode | undefined) =>
    mode ? applyPolicyMode(decision, mode).effective_decision : decision;
  const from = input.modes?.from;
  const to = input.modes?.to;

  // The pack that lists each deciding entry, per merged policy (asked once per entry, not per record).
  const listedBy = new WeakMap<EffectivePolicy, Map<string, string>>();
  const packOf = (eff: EffectivePolicy, list: string, entry: string): string => {
    let packs = listedBy.get(eff);
    if (!packs) listedBy.set(eff, (packs = new Map<string, string>()));
    const key = `${list}\u0000${entry}`;
    let pack = packs.get(key);
    if (pack === undefined) {
      pack = eff.lists.get(list)?.find((e) => pyStr(e.value) === entry)?.origin.pack ?? eff.packs[0] ?? '';
      packs.set(key, pack);
    }
    return pack;
  };
  const ruleCounts: RuleCounts | undefined = input.countRules ? {} : undefined;
  if (ruleCounts) report.rule_counts = ruleCounts;
  /** The published entry that decided this record: the pattern the scan found, else the MCP server's list. */
  const countDecidingEntry = (counts: RuleCounts, eff: EffectivePolicy, [d, t]: [RuleDecision, Trace | undefined]) => {
    if (t) return countRule(counts, packOf(eff, t.list, t.pattern), t.list, t.pattern);
    if (d.action_type !== 'mcp_tool_call') return;
    const server = d.target.slice(0, d.target.indexOf(':'));
    const list =
      d.decision === 'block' && listValues(eff, 'mcp.blocked_servers').has(server)
        ? 'mcp.blocked_servers'
        : d.decision === 'allow' && listValues(eff, 'mcp.allowed_servers').has(server)
          ? 'mcp.allowed_servers'
          : undefined;
    if (list) countRule(counts, packOf(eff, list, server), list, server);
  };

  const add = (r: RecordedDecision): void => {
    if (!isEvaluateAction(r.action_type)) {
      skip(`action type ${r.action_type} is not one CAVRA's evaluator decides`);
      return;
    }
    const w = worldsOf(r.policy_pack);
    if (!w.published.eff) {
      skip(`pack ${r.policy_pack}: ${w.published.error}`);
      return;
    }
    if (!w.draft.eff) {
      skip(`pack ${r.policy_pack} with the draft: ${w.draft.error}`);
      return;
    }
    const inp = inputOf(r);
    const pub = evaluate(w.published.eff.policy, inp);
    const dr = w.changed ? evaluate(w.draft.eff.policy, inp) : pub;
    report.replayed++;
    agree(report, r, pub[0]);
    if (ruleCounts) countDecidingEntry(ruleCounts, w.published.eff, pub);

    const before = effective(pub[0].decision, from);
    const after = effective(dr[0].decision, to);
    const transition = transitionOf(before, after);
    transitions.set(transition, (transitions.get(transition) ?? 0) + 1);
    const changed = before !== after;
    if (!changed && pub[0].rule_id !== dr[0].rule_id) report.rule_changed++;
    countGroup(report.by_action_type, r.action_type, changed ? transition : undefined);
    countGroup(report.by_repository, r.repository ?? '(none)', changed ? transition : undefined);
    countGroup(report.by_agent, r.agent_id ?? 'unknown-agent', changed ? transition : undefined);
    if (!changed) return;
    report.changed++;
    const cause: ImpactCause = pub[0].decision !== dr[0].decision ? cachedCause(r.policy_pack, pub, dr) : modeCause;
    const shown = (d: RuleDecision, mode: PolicyMode | undefined): ImpactDecision => ({
      decision: d.decision,
      rule_id: d.rule_id,
      severity: d.severity,
      effective_decision: effective(d.decision, mode),
    });
    report.changes.push({
      line: r.line,
      ...(r.decision_id !== undefined ? { decision_id: r.decision_id } : {}),
      action_type: r.action_type,
      target: pub[0].target,
      policy_pack: r.policy_pack,
      agent_id: r.agent_id ?? 'unknown-agent',
      repository: r.repository ?? '(none)',
      transition,
      published: shown(pub[0], from),
      draft: shown(dr[0], to),
      cause,
    });
  };
  const finish = (): ImpactReport => {
    report.transitions = [...transitions]
      .map(([transition, count]) => {
        const [f, t] = transition.split(TRANSITION_ARROW);
        return { transition, from: f, to: t, count, changed: f !== t };
      })
      .sort((a, b) => Number(b.changed) - Number(a.changed) || b.count - a.count || a.transition.localeCompare(b.transition));
    return report;
  };
  return { add, report: finish };
}

/** The published pack's answer against the record: CAVRA's decision and rule id, and what else the record keeps. */
function agree(report: ImpactReport, r: RecordedDecision, d: RuleDecision): void {
  const a = report.agreement;
  a.compared++;
  // The common case first, without building anything: the record and the replay agree.
  if (
    r.decision === d.decision &&
    r.rule_id === d.rule_id &&
    (r.severity === undefined || r.severity === d.severity) &&
    (r.approver_group === undefined || r.approver_group === d.approver_group)
  ) {
    a.agreed++;
    return;
  }
  const fields: Record<string, [string | null, string | null]> = {};
  if (r.decision !== d.decision) fields.decision = [r.decision, d.decision];
  if (r.rule_id !== d.rule_id) fields.rule_id = [r.rule_id, d.rule_id];
  if (r.severity !== undefined && r.severity !== d.severity) fields.severity = [r.severity, d.severity];
  if (r.approver_group !== undefined && r.approver_group !== d.approver_group)
    fields.approver_group = [r.approver_group, d.approver_group];
  a.disagreed++;
  a.disagreements.push({
    line: r.line,
    ...(r.decision_id !== undefined ? { decision_id: r.decision_id } : {}),
    action_type: r.action_type,
    target: r.target,
    policy_pack: r.policy_pack,
    fields,
  });
}
