// CAVRA's runtime policy modes (SPEC 2.5, `cavra evaluate --policy-mode`, docs/runtime-policy-modes.md):
// what a mode does to the decision the rules gave. CAVRA's own summary function was not available
// (SPEC 4.8: "exact output not found"), so this is derived from the documented one-line meanings:
//   audit_only   record, do not block: a block or an approval requirement is recorded, the action goes on;
//   enforce      keep the decision;
//   strict       allowed actions become approval-gated;
//   break_glass  blocks unless an actor and a reason are given, then allows only with attestation.
// One implementation for `cavra-policy evaluate --policy-mode`, the editor's evaluate and impact replay.

export const POLICY_MODES = ['audit_only', 'enforce', 'strict', 'break_glass'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export function isPolicyMode(value: string): value is PolicyMode {
  return (POLICY_MODES as readonly string[]).includes(value);
}

export interface BreakGlassClaim {
  actor?: string;
  reason?: string;
}

/** The mode applied to one decision. Not CAVRA's record: its schema_version names this project. */
export interface PolicyModeResult {
  schema_version: 'cavra-policy-studio.policy_mode.v1';
  mode: PolicyMode;
  /** What the rules decided (CAVRA's decision field). */
  base_decision: string;
  /** What happens to the action under the mode. */
  effective_decision: string;
  mode_reason: string;
  /** The action must leave evidence (an audit record or an attestation) beyond the decision itself. */
  evidence_required: boolean;
  break_glass_actor_present: boolean;
  break_glass_reason_present: boolean;
}

const present = (s: string | undefined) => typeof s === 'string' && s.trim() !== '';

export function applyPolicyMode(baseDecision: string, mode: PolicyMode, claim: BreakGlassClaim = {}): PolicyModeResult {
  const actor = present(claim.actor);
  const reason = present(claim.reason);
  const result = (effective: string, why: string, evidence: boolean): PolicyModeResult => ({
    schema_version: 'cavra-policy-studio.policy_mode.v1',
    mode,
    base_decision: baseDecision,
    effective_decision: effective,
    mode_reason: why,
    evidence_required: evidence,
    break_glass_actor_present: actor,
    break_glass_reason_present: reason,
  });
  switch (mode) {
    case 'enforce':
      return result(baseDecision, 'enforce keeps the decision of the rules', false);
    case 'audit_only':
      return baseDecision === 'allow'
        ? result('allow', 'audit_only: allowed by the rules', false)
        : result('audit_only', `audit_only records this ${baseDecision} without blocking the action`, true);
    case 'strict':
      return baseDecision === 'allow'
        ? result('require_approval', 'strict: actions the rules allow need approval', false)
        : result(baseDecision, `strict keeps ${baseDecision}`, false);
    case 'break_glass':
      if (!actor || !reason) {
        const missing = [actor ? '' : 'an actor', reason ? '' : 'a reason'].filter(Boolean).join(' and ');
        return result('block', `break_glass blocks without ${missing}`, true);
      }
      return result('allow_with_attestation', 'break_glass with an actor and a reason: allowed only with attestation', true);
  }
}
