// The impact a publish request carries (kept on the approval by the requester's replay), as the lines
// the approver's review shows. No vscode import: the stdio tests read these very lines.
import { impactSummaryLines, impactSummaryOf, type ApprovalRecord } from '../../../server/src/protocol';

/** The publish request's impact on recorded activity, as the requester's replay measured it. */
export function approvalImpactLines(a: ApprovalRecord): string[] {
  const impact = impactSummaryOf(a.impact_summary);
  return impact ? ['', ...impactSummaryLines(impact)] : [];
}
