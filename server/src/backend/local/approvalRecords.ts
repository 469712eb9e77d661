// CAVRA's approval records (SPEC 4.2-4.6; approvals.py): creation, decisions, break-glass, summary,
// attach. Key order is CAVRA's: a record built here keeps Python's dict insertion order, a record
// read back from the store keeps the store's (sorted) order and gains new keys at the end.
import { actorCanDecide, routeApproverGroup, type RepositoryPermission, type RoutingRule } from '../../policy/approvalRouting';
import { pyTruthy } from '../../policy/pythonValues';
import { BackendError, type ActorContext, type ApprovalRecord, type ApprovalSummary, type Decision } from '../backend';
import { pyIsoformat, type Clock, type RandomHex } from './pythonTime';

export const APPROVAL_STATES = ['pending', 'approved', 'denied', 'expired', 'break_glass'] as const;

export interface RecordContext {
  clock: Clock;
  randomHex: RandomHex;
}

function bad(detail: string): BackendError {
  return new BackendError(400, detail);
}

/** Python `int(x)` for a TTL, then at least one hour. */
export function ttlHours(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return Math.max(1, fallback);
  const n =
    typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)
      ? Number(value)
      : typeof value === 'number'
        ? Math.trunc(value)
        : NaN;
  if (!Number.isFinite(n)) throw bad(`ttl_hours must be a whole number of hours, not ${JSON.stringify(value)}`);
  return Math.max(1, n);
}

function expiresAt(ctx: RecordContext, hours: number): string {
  return pyIsoformat(ctx.clock() + hours * 3_600_000);
}

export function requireDecisionObject(decision: unknown): Decision {
  if (typeof decision !== 'object' || decision === null || Array.isArray(decision)) throw bad('decision must be a JSON object');
  return decision as Decision;
}

/** create_approval_request: group = explicit → routing rules → the decision's own approver_group. */
export function createApprovalRequest(
  decisionInput: unknown,
  opts: { approverGroup?: string | null; requestedBy: string; ttlHours: number; routingRules?: RoutingRule[] },
  ctx: RecordContext,
): ApprovalRecord {
  const decision = requireDecisionObject(decisionInput);
  const decisionId = decision.decision_id;
  if (!pyTruthy(decisionId)) throw bad('decision must include decision_id');
  const group =
    (pyTruthy(opts.approverGroup) && opts.approverGroup) ||
    routeApproverGroup(decision, opts.routingRules) ||
    (pyTruthy(decision.approver_group) && decision.approver_group);
  if (!group) throw bad('approval request must include approver_group');
  const createdAt = pyIsoformat(ctx.clock());
  const expires = expiresAt(ctx, Math.max(1, opts.ttlHours));
  const approvalId = `apr_${ctx.randomHex(12)}`;
  const refs = Array.isArray(decision.evidence_refs) ? decision.evidence_refs : [];
  return {
    schema_version: 'cavra.approval.v1',
    product: 'CAVRA',
    approval_id: approvalId,
    decision_id: decisionId,
    session_id: ('session_id' in decision ? decision.session_id : 'local') as string,
    correlation_id: decision.correlation_id ?? null,
    state: 'pending',
    approver_group: group,
    requested_by: opts.requestedBy,
    requested_at: createdAt,
    expires_at: expires,
    decision,
    history: [{ event: 'requested', actor: opts.requestedBy, timestamp: createdAt, reason: decision.reason ?? null }],
    evidence_refs: [`approval://${approvalId}`, ...refs],
  };
}

export interface DecideOptions {
  state: 'approved' | 'denied' | 'expired';
  actor: string;
  reason: string;
  externalRef?: string | null;
  /** When a verified actor made the request: checked with actor_can_decide. */
  actorContext?: ActorContext | null;
  permissions?: readonly RepositoryPermission[];
}

/** apply_approval_decision: only pending changes; actor and reason required; CAVRA's messages. */
export function applyApprovalDecision(approval: ApprovalRecord, opts: DecideOptions, ctx: RecordContext): ApprovalRecord {
  if (approval.state !== 'pending') throw bad('only pending approvals can be changed');
  if (!opts.actor) throw bad('actor is required');
  if (!opts.reason) throw bad('reason is required');
  if (opts.actorContext && !actorCanDecide(opts.actorContext, approval, opts.state, opts.permissions)) {
    throw bad('actor is not authorized for approval group');
  }
  const updated: ApprovalRecord = { ...approval };
  updated.state = opts.state;
  updated.decided_by = opts.actor;
  updated.decided_at = pyIsoformat(ctx.clock());
  updated.decision_reason = opts.reason;
  if (opts.externalRef) updated.external_ref = opts.externalRef;
  updated.history = [
    ...(Array.isArray(approval.history) ? approval.history : []),
    {
      event: opts.state,
      actor: opts.actor,
      timestamp: updated.decided_at,
      reason: opts.reason,
      external_ref: opts.externalRef ?? null,
    },
  ];
  return updated;
}

/** create_break_glass_approval: requested → approved → break_glass, expiry recomputed after approval. */
export function createBreakGlassApproval(
  decision: unknown,
  opts: { actor: string; reason: string; approverGroup: string; externalRef?: string | null; ttlHours: number },
  ctx: RecordContext,
): ApprovalRecord {
  if (!opts.actor) throw bad('actor is required');
  if (!opts.reason) throw bad('break-glass reason is required');
  const approval = createApprovalRequest(
    decision,
    { approverGroup: opts.approverGroup, requestedBy: opts.actor, ttlHours: opts.ttlHours },
    ctx,
  );
  const approved = applyApprovalDecision(
    approval,
    { state: 'approved', actor: opts.actor, reason: opts.reason, externalRef: opts.externalRef },
    ctx,
  );
  approved.state = 'break_glass';
  approved.break_glass = true;
  approved.break_glass_reason = opts.reason;
  approved.expires_at = expiresAt(ctx, Math.max(1, opts.ttlHours));
  approved.history.push({
    event: 'break_glass',
    actor: opts.actor,
    timestamp: pyIsoformat(ctx.clock()),
    reason: opts.reason,
    external_ref: opts.externalRef ?? null,
  });
  return approved;
}

export function approvalSummary(approval: ApprovalRecord): ApprovalSummary {
  const get = <K extends keyof ApprovalRecord>(k: K) => (approval[k] === undefined ? null : approval[k]);
  return {
    approval_id: get('approval_id'),
    decision_id: get('decision_id'),
    session_id: get('session_id'),
    state: get('state'),
    approver_group: get('approver_group'),
    requested_by: get('requested_by'),
    requested_at: get('requested_at'),
    expires_at: get('expires_at'),
    decided_by: get('decided_by'),
    decided_at: get('decided_at'),
    external_ref: get('external_ref'),
    break_glass: approval.break_glass === undefined ? false : approval.break_glass,
    evidence_refs: approval.evidence_refs === undefined ? [] : approval.evidence_refs,
  } as ApprovalSummary;
}

/** attach_approval_to_decision: the decision plus `approval` and the approval's refs merged in. */
export function attachApprovalToDecision(
  decisionInput: unknown,
  approval: ApprovalRecord,
): Decision & { approval: ApprovalSummary; evidence_refs: string[] } {
  const decision = requireDecisionObject(decisionInput);
  const updated: { [key: string]: unknown } = { ...decision };
  updated.approval = approvalSummary(approval);
  const refs = Array.isArray(decision.evidence_refs) ? [...decision.evidence_refs] : [];
  for (const ref of approval.evidence_refs ?? []) if (!refs.includes(ref)) refs.push(ref);
  updated.evidence_refs = refs;
  return updated as Decision & { approval: ApprovalSummary; evidence_refs: string[] };
}
