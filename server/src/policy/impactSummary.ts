// The impact of a change, cut to what travels with it: on the publish request (beside the decision an
// approver takes), in the evidence records of the request and of the publish, and in the PR attestation.
// The full report (policy/impact.ts) lists every changed decision; a record keeps the counts, the log it
// was measured on (file, digest, time span) and the first changed decisions with their cause.
import type { DecisionLogSummary } from './decisionLog';
import type { ImpactCause, ImpactReport } from './impact';

/** How many changed decisions a summary keeps (the counts stay whole). */
export const IMPACT_SUMMARY_CHANGES = 10;

export interface ImpactSummary {
  /** The log as named (flag or setting) and its SHA-256 when read, so a reviewer can ask for the same log. */
  decision_log: string;
  log_sha256: string | null;
  records: number;
  /** Lines or records left out of the log (malformed, not decision records, unsupported). */
  left_out: number;
  first_timestamp: string | null;
  last_timestamp: string | null;
  mode_from: string | null;
  mode_to: string | null;
  replayed: number;
  changed: number;
  rule_changed: number;
  /** Only the transitions that change the decision, largest first. */
  transitions: { transition: string; count: number }[];
  /** Changed decisions per action type (only types with a change). */
  changed_by_action_type: Record<string, number>;
  /** The first changed decisions, each with the log line and the cause as a sentence. */
  changes: { line: number; action_type: string; target: string; transition: string; because: string }[];
  /** The published packs against the recorded decisions (decision and rule id). */
  agreement: { compared: number; agreed: number };
}

/** What made a decision change, as one line for people. */
export function impactCauseText(c: ImpactCause): string {
  switch (c.kind) {
    case 'entry_added':
    case 'entry_removed': {
      const where = c.file ? `${c.file}:${c.line ?? '?'}` : c.pack;
      return `${c.list} ${JSON.stringify(c.entry)} ${c.kind === 'entry_added' ? 'added' : 'removed'} (${where})`;
    }
    case 'setting':
      return `${c.key} ${c.from} -> ${c.to}`;
    case 'mode':
      return `mode ${c.from} -> ${c.to}`;
    case 'unexplained':
      return c.message;
  }
}

export function summarizeImpact(
  decisionLog: string,
  logSha256: string | null,
  log: DecisionLogSummary,
  r: ImpactReport,
): ImpactSummary {
  const changedByType: Record<string, number> = {};
  for (const [type, g] of Object.entries(r.by_action_type)) if (g.changed) changedByType[type] = g.changed;
  return {
    decision_log: decisionLog,
    log_sha256: logSha256,
    records: log.records,
    left_out: log.problems.malformed + log.problems.wrong_shape + log.problems.unsupported,
    first_timestamp: log.first_timestamp ?? null,
    last_timestamp: log.last_timestamp ?? null,
    mode_from: r.mode_from,
    mode_to: r.mode_to,
    replayed: r.replayed,
    changed: r.changed,
    rule_changed: r.rule_changed,
    transitions: r.transitions.filter((t) => t.changed).map((t) => ({ transition: t.transition, count: t.count })),
    changed_by_action_type: changedByType,
    changes: r.changes.slice(0, IMPACT_SUMMARY_CHANGES).map((c) => ({
      line: c.line,
      action_type: c.action_type,
      target: c.target,
      transition: c.transition,
      because: impactCauseText(c.cause),
    })),
    agreement: { compared: r.agreement.compared, agreed: r.agreement.agreed },
  };
}

const n = (v: number) => v.toLocaleString('en-US');

/** The log and its span in one phrase: `logs/decisions.jsonl, 3,040 decisions, 2026-01-01 .. 2026-01-08`. */
export function impactLogPhrase(s: ImpactSummary): string {
  const span = s.first_timestamp ? `, ${s.first_timestamp} .. ${s.last_timestamp}` : '';
  const left = s.left_out ? `, ${n(s.left_out)} lines left out` : '';
  return `${s.decision_log}, ${n(s.records)} decisions${span}${left}`;
}

/**
 * The summary as plain lines (the approver's review, the CLI, the attestation's Markdown): the headline,
 * the transitions, then the first changed decisions.
 */
export function impactSummaryLines(s: ImpactSummary): string[] {
  const mode =
    s.mode_from === null
      ? ''
      : s.mode_from === s.mode_to
        ? ` under mode ${s.mode_from}`
        : `, mode ${s.mode_from} -> ${s.mode_to}`;
  const lines = [
    `Impact on recorded activity${mode}: ${n(s.changed)} of ${n(s.replayed)} recorded decisions change (${impactLogPhrase(s)})`,
  ];
  if (s.transitions.length) lines.push(`Transitions: ${s.transitions.map((t) => `${t.transition} ${n(t.count)}`).join(', ')}`);
  const types = Object.entries(s.changed_by_action_type).sort((a, b) => b[1] - a[1]);
  if (types.length) lines.push(`By action type: ${types.map(([t, k]) => `${t} ${n(k)}`).join(', ')}`);
  if (s.rule_changed) lines.push(`${n(s.rule_changed)} keep their decision under another rule`);
  for (const c of s.changes)
    lines.push(`line ${c.line}: ${c.action_type} ${JSON.stringify(c.target)} ${c.transition}, because ${c.because}`);
  if (s.changed > s.changes.length) lines.push(`… and ${n(s.changed - s.changes.length)} more changed decisions`);
  lines.push(`The published packs reproduce ${n(s.agreement.agreed)} of ${n(s.agreement.compared)} recorded decisions`);
  return lines;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored summary (an approval's field, an evidence record's detail) when it has the shape; else undefined. */
export function impactSummaryOf(value: unknown): ImpactSummary | undefined {
  if (!isObject(value)) return undefined;
  const ok =
    typeof value.decision_log === 'string' &&
    typeof value.replayed === 'number' &&
    typeof value.changed === 'number' &&
    Array.isArray(value.transitions) &&
    Array.isArray(value.changes) &&
    isObject(value.agreement) &&
    isObject(value.changed_by_action_type);
  return ok ? (value as unknown as ImpactSummary) : undefined;
}
