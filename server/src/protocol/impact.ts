// `cavra/impact`: the draft open in the editor replayed against the decision log named by the setting
// `cavra.impact.decisionLog` (policy/impact.ts; the same replay as `cavra-policy impact`).
export type { DecisionLogSummary, LogProblem } from '../policy/decisionLog';
export type { GroupCounts, ImpactCause, ImpactChange, ImpactDecision, ImpactReport } from '../policy/impact';
export type { ImpactSummary } from '../policy/impactSummary';
// The summary a publish request carries, as lines (the approver's review shows them beside the decision).
export { impactSummaryLines, impactSummaryOf } from '../policy/impactSummary';
import type { DecisionLogSummary } from '../policy/decisionLog';
import type { ImpactReport } from '../policy/impact';

export interface ImpactParams {
  /** The draft policy file. */
  uri: string;
  /** One runtime mode on both sides (SPEC 2.5), as `--policy-mode`. */
  policy_mode?: string;
}

export interface ImpactResult {
  /** The log replayed, as the setting names it; null when `cavra.impact.decisionLog` is not set. */
  decision_log: string | null;
  summary?: DecisionLogSummary;
  /** `changes` and `agreement.disagreements` are cut to the first `IMPACT_LIST_LIMIT` (the counts are whole). */
  report?: ImpactReport;
}

/** How many changed decisions and disagreements travel to the editor; the CLI's --json lists all. */
export const IMPACT_LIST_LIMIT = 200;

/** `cavra/rollouts/impact`: a rollout change plan's mode change replayed over its pack and repository's decisions. */
export interface RolloutImpactParams {
  /** The rollout's mode before (null for a new rollout: the rules' own decision) and after. */
  mode_from: string | null;
  mode_to: string;
  policy_pack: string;
  repository: string;
}

export interface RolloutImpactResult extends ImpactResult {
  /** Recorded decisions of other packs or repositories (not part of this rollout). */
  out_of_scope?: number;
}
