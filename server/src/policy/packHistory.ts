// A pack's history for an auditor: every request, decision, approval, publish, signature and rollout of
// one pack, in time order, from the three places they are kept (the approvals store, the evidence log,
// the rollout inventory), plus a Markdown summary to paste into a pull request. Pure: the workflow
// (workflows/packHistory.ts) gathers the records; this decides which concern the pack and in what order.
import type { Provenance } from './publishProvenance';

/** What the timeline reads of an approval record (SPEC 4.2), of an evidence record and of a rollout record. */
export interface HistoryApproval {
  approval_id: string;
  approver_group: string;
  decision: { action_type?: unknown; policy_id?: unknown; policy_pack?: unknown; target?: unknown; policy_digest?: unknown };
  history: { event: string; actor: string; timestamp: string; reason: string | null; external_ref?: string | null }[];
}
export interface HistoryEvidence {
  seq: number;
  recorded_at: string;
  event: string;
  actor: string | null;
  approval_ids: string[];
  digests: { [name: string]: string };
  details: { [key: string]: unknown };
}
export interface HistoryRollout {
  rollout_id: string;
  policy_pack: string;
  mode: unknown;
  state: unknown;
  coverage_percent: unknown;
  policy_version: unknown;
  created_at: string;
  updated_at: string;
}

export type PackHistoryKind = 'request' | 'approval' | 'publish' | 'signature' | 'rollout' | 'evidence';

export interface PackHistoryEvent {
  /** ISO-8601 as recorded (the sort key; equal times keep the order of their source). */
  at: string;
  kind: PackHistoryKind;
  /** e.g. "approved", "publish", "sign (outside a publish)", "rollout applied". */
  title: string;
  /** Who did it, as recorded (verified actors are recorded as such). */
  actor: string | null;
  /** One line: reason, digests, states. */
  detail: string;
  approval_id?: string;
  /** The evidence record's seq, when the event is one. */
  seq?: number;
  /** Break-glass events are marked so nobody misses them. */
  attention?: boolean;
}

export interface PackHistorySources {
  evidence: readonly HistoryEvidence[];
  approvals: readonly HistoryApproval[];
  rollouts: readonly HistoryRollout[];
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** Whether an approval's decision is about this pack (a publish of it, or an action its rules decided). */
export function approvalConcernsPack(a: HistoryApproval, packId: string): boolean {
  const d = a.decision ?? {};
  return d.policy_id === packId || d.policy_pack === packId || text(d.target).includes(`policies/${packId}/`);
}

/** Everything recorded about one pack, oldest first. */
export function packTimeline(packId: string, sources: PackHistorySources): PackHistoryEvent[] {
  const approvals = sources.approvals.filter((a) => approvalConcernsPack(a, packId));
  const approvalIds = new Set(approvals.map((a) => a.approval_id));
  const rolloutIds = new Set(sources.rollouts.filter((r) => r.policy_pack === packId).map((r) => r.rollout_id));
  const events: PackHistoryEvent[] = [];

  for (const a of approvals) {
    const what = a.decision?.action_type === 'policy_publish' ? 'publish' : text(a.decision?.action_type) || 'decision';
    for (const h of a.history ?? []) {
      const requested = h.event === 'requested';
      events.push({
        at: h.timestamp,
        kind: requested ? 'request' : 'approval',
        title: requested ? `approval requested (${what})` : h.event.replace('_', '-'),
        actor: h.actor ?? null,
        detail: [
          requested ? `from ${a.approver_group}` : '',
          h.reason ? `reason: ${h.reason}` : '',
          h.external_ref ? `ref ${h.external_ref}` : '',
          requested && a.decision?.policy_digest ? `bound to ${text(a.decision.policy_digest)}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
        approval_id: a.approval_id,
        ...(h.event === 'break_glass' ? { attention: true } : {}),
      });
    }
  }

  for (const r of sources.evidence) {
    const mine =
      r.details?.policy_id === packId ||
      r.approval_ids.some((id) => approvalIds.has(id)) ||
      (typeof r.details?.rollout_id === 'string' && rolloutIds.has(r.details.rollout_id));
    if (!mine) continue;
    // The approval events are already there from the approvals' own history; the log adds what it alone holds.
    if (['approve', 'deny', 'expire', 'break_glass', 'approval_request', 'publish_request'].includes(r.event)) continue;
    const kind: PackHistoryKind =
      r.event === 'publish'
        ? 'publish'
        : r.event === 'sign'
          ? 'signature'
          : r.event.startsWith('rollout')
            ? 'rollout'
            : 'evidence';
    const detail = [
      r.digests?.policy_file_digest ? `bytes ${r.digests.policy_file_digest}` : '',
      r.details?.algorithm ? `signed ${text(r.details.algorithm)}` : '',
      r.details?.approval_state ? `under ${text(r.details.approval_state)} approval` : '',
      r.event === 'sign' ? 'outside any publish: no approver saw these bytes' : '',
      r.details?.rollout_id ? `rollout ${text(r.details.rollout_id)}` : '',
      r.details?.mode ? `mode ${text(r.details.mode)}` : '',
      r.details?.state && r.event !== 'publish' ? `state ${text(r.details.state)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    events.push({
      at: r.recorded_at,
      kind,
      title: r.event === 'sign' ? 'sign (outside a publish)' : r.event.replace(/_/g, ' '),
      actor: r.actor,
      detail,
      ...(r.approval_ids[0] ? { approval_id: r.approval_ids[0] } : {}),
      seq: r.seq,
      ...(r.details?.approval_state === 'break_glass' || r.event === 'sign' ? { attention: true } : {}),
    });
  }

  for (const r of sources.rollouts) {
    if (r.policy_pack !== packId) continue;
    // The inventory keeps the current record only; its apply events are in the evidence log.
    events.push({
      at: text(r.updated_at) || text(r.created_at),
      kind: 'rollout',
      title: `rollout ${r.rollout_id} now`,
      actor: null,
      detail: `${text(r.mode)} · ${text(r.state)} · ${text(r.coverage_percent)}% · policy ${text(r.policy_version)}`,
    });
  }
  // Stable: equal times keep approvals, then the log, then the inventory.
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((x, y) => (Number.isNaN(x.t) || Number.isNaN(y.t) || x.t === y.t ? x.i - y.i : x.t - y.t))
    .map((x) => x.e);
}

export interface PackHistory {
  pack_id: string;
  events: PackHistoryEvent[];
  /** The whole chain of the bytes in force (publishProvenance.ts); null when the backend cannot follow it. */
  provenance: Provenance | null;
  /** The evidence log's hash chain, when the backend keeps one. */
  chain: { ok: boolean; records: number; message: string } | null;
  /** What this backend cannot show, in words (a CAVRA server keeps no signature file or write-back log). */
  limits: string[];
}

/** A pull-request comment: the pack's chain, its approvals and anything that needs a second look. */
export function packHistoryMarkdown(h: PackHistory): string {
  const lines = [`### CAVRA policy pack \`${h.pack_id}\``, ''];
  if (h.provenance) lines.push(`**Chain:** ${h.provenance.label} (${h.provenance.outcome}): ${h.provenance.message}`, '');
  if (h.chain) lines.push(`**Evidence log:** ${h.chain.ok ? 'intact' : 'BROKEN'}: ${h.chain.message}`, '');
  const loud = h.events.filter((e) => e.attention);
  if (loud.length) {
    lines.push('> [!CAUTION]');
    for (const e of loud) lines.push(`> ${e.at}: **${e.title}** by ${e.actor ?? 'unknown'}${e.detail ? ` (${e.detail})` : ''}`);
    lines.push('');
  }
  lines.push('| when | what | who | details |', '| --- | --- | --- | --- |');
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const e of h.events)
    lines.push(
      `| ${cell(e.at)} | ${cell(e.title)}${e.approval_id ? ` (${cell(e.approval_id)})` : ''} | ${cell(e.actor ?? '')} | ${cell(e.detail)} |`,
    );
  if (!h.events.length) lines.push('| | nothing recorded for this pack | | |');
  for (const l of h.limits) lines.push('', `_${l}_`);
  lines.push('', `_A signed in-toto attestation of this pack: \`cavra-policy attest --packs ${h.pack_id}\`._`);
  return `${lines.join('\n')}\n`;
}
