// `cavra/ruleLocation`: where the rule that decided is written. A decision names a list and a pattern;
// with inheritance the pattern may come from any ancestor, and only the server's merge (the one lint and
// `evaluate` use) knows which pack's file holds it, at which line.
import { RequestType } from 'vscode-languageserver-protocol';
import type { Range } from 'vscode-languageserver-types';

export interface RuleLocationParams {
  /** The pack's policy file (`file:` URI); its folder's policy root holds the pack and its ancestors. */
  uri: string;
  /** The pack evaluated (its `metadata.id`). */
  packId: string;
  /** The list, e.g. `filesystem.require_approval_write`. */
  list: string;
  /** The pattern exactly as the decision names it. */
  pattern: string;
}

export interface RuleLocation {
  /** The pack whose file writes it (the pack itself or an ancestor). */
  pack: string;
  uri: string;
  range: Range;
}

/** Null when the merged pack holds no such entry (the file changed since the decision, or it is not a pack). */
export const RuleLocationRequest = new RequestType<RuleLocationParams, RuleLocation | null, void>('cavra/ruleLocation');
