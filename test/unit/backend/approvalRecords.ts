// Many approval records built relative to now (never a fixed date), for tests of listing and paging.
import { pyIsoformat } from '../../../server/src/policy/isoTimestamp';

/** `n` approval records, newest first one minute apart, ending now; every 4th by "bot", odd ones to IAM. */
export function approvalRecords(n: number, now = Date.now()): object[] {
  return Array.from({ length: n }, (_, i) => ({
    schema_version: 'cavra.approval.v1',
    product: 'CAVRA',
    approval_id: `apr_${i.toString(16).padStart(12, '0')}`,
    decision_id: `dec_${i}`,
    session_id: 'sess',
    correlation_id: null,
    state: i % 3 ? 'pending' : 'approved',
    approver_group: i % 2 ? 'IAM' : 'Platform Security',
    requested_by: i % 4 ? 'dev' : 'bot',
    requested_at: pyIsoformat(now - i * 60_000),
    expires_at: pyIsoformat(now + 24 * 3_600_000),
    decision: { decision_id: `dec_${i}`, action_type: 'write_file', target: i === 1111 ? 'iam/Admin-Role.tf' : `src/f${i}.ts` },
    history: [],
    evidence_refs: [],
  }));
}
