// `cavra/packHistory`: one pack's history for an auditor (policy/packHistory.ts builds it).
export type { PackHistory, PackHistoryEvent, PackHistoryKind } from '../policy/packHistory';
export { packHistoryMarkdown } from '../policy/packHistory';

export interface PackHistoryParams {
  /** The pack's id (its folder under the policy root). */
  policy_id: string;
}
