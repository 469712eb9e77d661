// Approvals (GET/POST /approvals…): list, create, decide (approve, deny, expire), attach to a decision,
// break glass. Each change is checked against the verified actor and recorded in the evidence log.
import { actorCanBreakGlass, CHANGE_ADVISORY_BOARD } from '../../policy/approvalRouting';
import {
  BackendError,
  type ApprovalCreateRequest,
  type ApprovalDecisionRequest,
  type ApprovalExpireRequest,
  type ApprovalList,
  type ApprovalListQuery,
  type ApprovalRecord,
  type AttachedDecision,
  type BreakGlassRequest,
  type Decision,
  type DecisionWithApproval,
} from '../backend';
import {
  applyApprovalDecision,
  attachApprovalToDecision,
  createApprovalRequest,
  createBreakGlassApproval,
  requireDecisionObject,
  ttlHours,
} from './approvalRecords';
import { decisionMatchesApproval, type DecisionMatch } from '../../policy/decisionMatch';
import { approvalTime, overdueFor, overdueReason } from '../../policy/approvalExpiry';
import { loadRoutingRules } from './routingFile';
import type { LocalWorkspace } from './workspace';

export async function listApprovals(ws: LocalWorkspace, query: ApprovalListQuery = {}): Promise<ApprovalList> {
  return ws.approvals.list(query);
}

export async function getApproval(ws: LocalWorkspace, approvalId: string): Promise<ApprovalRecord> {
  const approval = ws.approvals.get(approvalId);
  if (!approval) throw new BackendError(404, 'approval not found');
  return approval;
}

/**
 * Brings the store in line with the clock the CAVRA way: every `pending` approval past its
 * `expires_at` (beyond the clock skew tolerance) gets CAVRA's own `expire` action, actor `system`,
 * with the time it expired in the reason, so CAVRA's CLI reading the same store sees `expired` too.
 * Reads never do this; it runs as part of the next change to the store and on explicit request.
 */
export async function expireOverdue(ws: LocalWorkspace): Promise<ApprovalRecord[]> {
  const overdue = (r: ApprovalRecord) => r.state === 'pending' && approvalTime(r, ws.clock(), ws.clockSkewMs).kind !== 'current';
  // Most changes find nothing overdue: decide that without taking the lock or writing.
  if (!ws.approvals.items().some(overdue)) return [];
  return ws.approvals.mutateEach(
    (items) =>
      items.filter(overdue).map((r) =>
        applyApprovalDecision(
          r,
          {
            state: 'expired',
            actor: 'system',
            reason: overdueReason(String(r.expires_at ?? 'an unreadable time'), ws.now()),
            permissions: ws.permissions,
          },
          ws.records,
        ),
      ),
    async (records) => {
      for (const record of records) {
        await ws.record({
          event: 'expire',
          actor: 'system',
          approval_ids: [record.approval_id],
          digests: typeof record.decision?.policy_digest === 'string' ? { policy_digest: record.decision.policy_digest } : {},
          details: {
            decision_id: record.decision_id,
            state: record.state,
            reason: record.history?.[record.history.length - 1]?.reason ?? 'approval expired',
            overdue: true,
          },
        });
      }
    },
  );
}

export async function createApproval(ws: LocalWorkspace, request: ApprovalCreateRequest): Promise<ApprovalRecord> {
  await expireOverdue(ws);
  const routingRules = loadRoutingRules(ws.paths.routingFile);
  const requestedBy = String(request.requested_by ?? 'ai-agent');
  const ttl = ttlHours(request.ttl_hours, 24);
  return ws.approvals.mutate(
    () =>
      createApprovalRequest(
        request.decision,
        { approverGroup: request.approver_group, requestedBy, ttlHours: ttl, routingRules },
        ws.records,
      ),
    (record) =>
      ws.record({
        event: 'approval_request',
        actor: requestedBy,
        approval_ids: [record.approval_id],
        details: { decision_id: record.decision_id, approver_group: record.approver_group, expires_at: record.expires_at },
      }),
  );
}

async function decide(
  ws: LocalWorkspace,
  approvalId: string,
  state: 'approved' | 'denied' | 'expired',
  request: ApprovalDecisionRequest,
): Promise<ApprovalRecord> {
  const ctx = await ws.actor(request);
  const before = ws.approvals.get(approvalId);
  const time = before ? approvalTime(before, ws.clock(), ws.clockSkewMs) : undefined;
  if ((await expireOverdue(ws)).some((r) => r.approval_id === approvalId)) {
    const expired = await getApproval(ws, approvalId);
    // Asked to expire it: it is, by the system's action just taken.
    if (state === 'expired') return expired;
    const when =
      time?.kind === 'overdue'
        ? `expired at ${time.expiresAt} (${overdueFor(time.overdueMs)} ago by this machine's clock)`
        : 'has no readable expires_at';
    throw new BackendError(
      400,
      `approval ${approvalId} ${when}; it is now recorded as expired and can no longer be ${state === 'approved' ? 'approved' : 'denied'}. Request a new approval.`,
    );
  }
  const expire = state === 'expired';
  const actor = ctx ? ctx.actor : (request.actor ?? (expire ? 'system' : ''));
  const reason = request.reason ?? (expire ? 'approval expired' : '');
  return ws.approvals.mutate(
    (get) => {
      const current = get(approvalId);
      if (!current) throw new BackendError(404, 'approval not found');
      return applyApprovalDecision(
        current,
        {
          state,
          actor,
          reason,
          externalRef: request.external_ref,
          actorContext: ctx,
          permissions: ws.permissions,
        },
        ws.records,
      );
    },
    (record) =>
      ws.record({
        event: state === 'approved' ? 'approve' : state === 'denied' ? 'deny' : 'expire',
        actor,
        actor_context: ctx,
        approval_ids: [record.approval_id],
        digests: typeof record.decision?.policy_digest === 'string' ? { policy_digest: record.decision.policy_digest } : {},
        details: { decision_id: record.decision_id, state: record.state, reason, external_ref: request.external_ref ?? null },
      }),
  );
}

export function approve(ws: LocalWorkspace, approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
  return decide(ws, approvalId, 'approved', request);
}

export function deny(ws: LocalWorkspace, approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
  return decide(ws, approvalId, 'denied', request);
}

export function expire(ws: LocalWorkspace, approvalId: string, request: ApprovalExpireRequest = {}): Promise<ApprovalRecord> {
  return decide(ws, approvalId, 'expired', request);
}

/**
 * CAVRA's attach-decision answer (the decision with the approval's summary and refs), for a decision of
 * the approval's own request only (policy/decisionMatch.ts), kept with the approval under
 * `attached_decisions` (CAVRA's records allow extra fields) and recorded in the evidence log.
 */
export async function attachDecision(ws: LocalWorkspace, approvalId: string, decision: Decision): Promise<DecisionWithApproval> {
  const given = requireDecisionObject(decision);
  let match: DecisionMatch | undefined;
  const stored = await ws.approvals.mutate(
    (get) => {
      const current = get(approvalId);
      if (!current) throw new BackendError(404, 'approval not found');
      match = decisionMatchesApproval(given, current);
      if (!match.matches) throw new BackendError(400, match.why);
      const earlier = Array.isArray(current.attached_decisions) ? current.attached_decisions : [];
      const entry: AttachedDecision = {
        decision_id: String(given.decision_id),
        matched_by: match.by,
        why: match.why,
        attached_at: ws.now(),
        decision: given,
      };
      return { ...current, attached_decisions: [...earlier.filter((e) => e.decision_id !== entry.decision_id), entry] };
    },
    (record) =>
      ws.record({
        event: 'attach_decision',
        actor: null,
        approval_ids: [record.approval_id],
        details: {
          decision_id: given.decision_id ?? null,
          approval_state: record.state,
          matched_by: match?.matches ? match.by : null,
          why: match?.why ?? null,
        },
      }),
  );
  return attachApprovalToDecision(given, stored);
}

export async function breakGlass(ws: LocalWorkspace, request: BreakGlassRequest): Promise<ApprovalRecord> {
  const ctx = await ws.actor(request);
  await expireOverdue(ws);
  const approverGroup = request.approver_group ?? CHANGE_ADVISORY_BOARD;
  if (ctx && !actorCanBreakGlass(ctx, { approver_group: approverGroup, decision: request.decision }, ws.permissions)) {
    throw new BackendError(403, 'actor is not authorized for break-glass');
  }
  const actor = ctx ? ctx.actor : (request.actor ?? '');
  const ttl = ttlHours(request.ttl_hours, 4);
  return ws.approvals.mutate(
    () =>
      createBreakGlassApproval(
        request.decision,
        {
          actor,
          reason: request.reason ?? '',
          approverGroup,
          externalRef: request.external_ref,
          ttlHours: ttl,
        },
        ws.records,
      ),
    (record) =>
      ws.record({
        event: 'break_glass',
        actor,
        actor_context: ctx,
        approval_ids: [record.approval_id],
        details: {
          decision_id: record.decision_id,
          approver_group: record.approver_group,
          reason: record.break_glass_reason,
          external_ref: request.external_ref ?? null,
          expires_at: record.expires_at,
        },
      }),
  );
}
