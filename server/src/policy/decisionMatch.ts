// Which decisions may be attached to an approval: a decision of the same request. CAVRA's own
// attach-decision accepts any decision object; an auditor reading the approval later must be able to
// trust that what is attached is about what was approved, so the studio checks, and says which rule
// matched: the same decision id (the decision the approval was made for), or the same action and target
// (a later evaluation of the same request, e.g. the agent retrying after approval).

export interface DecisionLike {
  decision_id?: unknown;
  action_type?: unknown;
  target?: unknown;
}

export type DecisionMatch =
  { matches: true; by: 'decision_id' | 'action_and_target'; why: string } | { matches: false; why: string };

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

export function decisionMatchesApproval(
  decision: DecisionLike,
  approval: { approval_id: string; decision_id?: unknown; decision?: DecisionLike },
): DecisionMatch {
  const own = approval.decision ?? {};
  if (typeof decision.decision_id === 'string' && decision.decision_id === approval.decision_id) {
    return {
      matches: true,
      by: 'decision_id',
      why: `same decision id ${decision.decision_id}: the decision the approval was requested for`,
    };
  }
  if (
    typeof decision.action_type === 'string' &&
    decision.action_type === own.action_type &&
    typeof decision.target === 'string' &&
    decision.target === own.target
  ) {
    return {
      matches: true,
      by: 'action_and_target',
      why: `same action and target (${decision.action_type} ${decision.target}): a later evaluation of the request approval ${approval.approval_id} covers`,
    };
  }
  return {
    matches: false,
    why:
      `decision ${text(decision.decision_id)} (${text(decision.action_type)} ${text(decision.target)}) is not the request of approval ${approval.approval_id} ` +
      `(decision ${text(approval.decision_id)}, ${text(own.action_type)} ${text(own.target)}): attach only the same decision, or one with the same action and target`,
  };
}
