// Where a pattern of a pack's merged list is written: the pack itself or the ancestor CAVRA's merge
// takes it from (inheritedPolicy.ts, the merge lint uses, open text over disk). "Go to Rule" after a
// decision reads it, so the editor never re-parses `inherits` on its own.
import type { RuleLocation } from '../protocol/ruleLocation';
import { inheritedPolicyOf } from './inheritedPolicy';
import type { PackCatalog } from './packCatalog';

export function ruleLocation(catalog: PackCatalog, packId: string, list: string, pattern: string): RuleLocation | null {
  // A pack "inheriting" itself alone merges exactly as CAVRA loads it: parents first, the pack last.
  const merged = inheritedPolicyOf(catalog, [packId]);
  const entry = merged?.withText(list, pattern);
  const at = entry && merged?.location(entry);
  return entry && at ? { pack: entry.pack, uri: at.uri, range: at.range } : null;
}
