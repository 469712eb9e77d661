// The string lists of a policy, with where each entry sits: shared by duplicate detection, lint,
// hover and symbols so that the walk over thousands of entries happens once per document version.
// An incremental edit carries the lists over to the next version, changing only the edited list.
import * as yaml from 'yaml';
import type { Node, YAMLSeq } from 'yaml';
import type { PolicyDocument } from './policyDocument';

// Bound once: the bundle reads each `yaml` import through an accessor, a cost in loops over every node.
const { isScalar, isSeq } = yaml;

export const RULE_LIST_PATHS = [
  ['filesystem', 'block_read'],
  ['filesystem', 'block_write'],
  ['filesystem', 'require_approval_write'],
  ['commands', 'block'],
  ['commands', 'allow'],
  ['commands', 'require_approval'],
  ['mcp', 'allowed_servers'],
  ['mcp', 'blocked_servers'],
  ['compliance', 'maps_to'],
  ['metadata', 'inherits'],
] as const;

export type RuleListPath = (typeof RULE_LIST_PATHS)[number];

export interface RuleEntry {
  list: RuleListPath;
  /** Its place in the list (kept up to date when entries before it are added or removed). */
  index: number;
  /** The entry's text when it is a string, else undefined. */
  text: string | undefined;
  node: Node;
}

export interface RuleList {
  path: RuleListPath;
  key: string;
  entries: RuleEntry[];
  seq: YAMLSeq;
}

/** Entries replaced in one list by an edit; the list's entries are already updated. */
export interface RuleListChange {
  list: RuleList;
  removed: RuleEntry[];
  added: RuleEntry[];
}

const cache = new WeakMap<PolicyDocument, RuleList[]>();

function entryOf(list: RuleListPath, index: number, item: unknown): RuleEntry {
  const node = item as Node;
  const text = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
  return { list, index, text, node };
}

export function ruleLists(doc: PolicyDocument): RuleList[] {
  let lists = cache.get(doc);
  if (!lists) {
    lists = [];
    for (const path of RULE_LIST_PATHS) {
      const found = doc.find([...path]);
      if (!found || !isSeq(found.node)) continue;
      const entries = found.node.items.map((item, index) => entryOf(path, index, item));
      lists.push({ path, key: path.join('.'), entries, seq: found.node });
    }
    cache.set(doc, lists);
  }
  return lists;
}

export function ruleList(doc: PolicyDocument, key: string): RuleList | undefined {
  return ruleLists(doc).find((l) => l.key === key);
}

/**
 * Hands the lists of `from` to `to`, an edit of it in which `seq` had `removed` items replaced from
 * `at` on by the nodes now there (`added` of them). Answers the change when `seq` is a rule list.
 */
export function carryRuleLists(
  from: PolicyDocument,
  to: PolicyDocument,
  seq: YAMLSeq | undefined,
  at: number,
  removed: number,
  added: number,
): RuleListChange | undefined {
  const lists = ruleLists(from);
  cache.set(to, lists);
  const list = seq && lists.find((l) => l.seq === seq);
  if (!list) return undefined;
  const fresh = seq.items.slice(at, at + added).map((item, i) => entryOf(list.path, at + i, item));
  const gone = list.entries.splice(at, removed, ...fresh);
  if (added !== removed) for (let i = at + added; i < list.entries.length; i++) list.entries[i].index = i;
  return { list, removed: gone, added: fresh };
}
