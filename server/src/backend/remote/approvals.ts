// Approval endpoints of a CAVRA server (SPEC 4): list, get, create, approve, deny, expire, attach, break glass.
import type {
  ApprovalCreateRequest,
  ApprovalDecisionRequest,
  ApprovalExpireRequest,
  ApprovalList,
  ApprovalListQuery,
  ApprovalRecord,
  BreakGlassRequest,
  Decision,
  DecisionWithApproval,
} from '../backend';
import { query, segment, type RemoteConnection } from './connection';
import * as bodies from './requestBodies';

export async function listApprovals(connection: RemoteConnection, q?: ApprovalListQuery): Promise<ApprovalList> {
  return connection.get(
    `/approvals${query(q ? { state: q.state, approver_group: q.approver_group, limit: q.limit, offset: q.offset } : undefined)}`,
  );
}

export async function getApproval(connection: RemoteConnection, approvalId: string): Promise<ApprovalRecord> {
  return connection.get(`/approvals/${segment(approvalId)}`);
}

export async function createApproval(connection: RemoteConnection, request: ApprovalCreateRequest): Promise<ApprovalRecord> {
  return connection.post('/approvals', bodies.approvalCreateBody(request));
}

export async function approve(
  connection: RemoteConnection,
  approvalId: string,
  request: ApprovalDecisionRequest,
): Promise<ApprovalRecord> {
  return connection.post(`/approvals/${segment(approvalId)}/approve`, bodies.approvalDecisionBody(request));
}

export async function deny(
  connection: RemoteConnection,
  approvalId: string,
  request: ApprovalDecisionRequest,
): Promise<ApprovalRecord> {
  return connection.post(`/approvals/${segment(approvalId)}/deny`, bodies.approvalDecisionBody(request));
}

export async function expire(
  connection: RemoteConnection,
  approvalId: string,
  request?: ApprovalExpireRequest,
): Promise<ApprovalRecord> {
  return connection.post(`/approvals/${segment(approvalId)}/expire`, bodies.approvalDecisionBody(request));
}

export async function attachDecision(
  connection: RemoteConnection,
  approvalId: string,
  decision: Decision,
): Promise<DecisionWithApproval> {
  return connection.post(`/approvals/${segment(approvalId)}/attach-decision`, bodies.objectBody(decision));
}

export async function breakGlass(connection: RemoteConnection, request: BreakGlassRequest): Promise<ApprovalRecord> {
  return connection.post('/approvals/break-glass', bodies.breakGlassBody(request));
}
