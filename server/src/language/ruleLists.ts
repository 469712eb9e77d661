// The string lists of a policy, with where each entry sits: shared by duplicate detection, lint,
// hover and symbols so that the walk over thousands of entries happens once per document version.
import { isScalar, isSeq, type Node } from 'yaml';
import type { PolicyDocument } from './policyDocument';

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
  index: number;
  /** The entry's text when it is a string, else undefined. */
  text: string | undefined;
  node: Node;
}

export interface RuleList {
  path: RuleListPath;
  key: string;
  entries: RuleEntry[];
}

const cache = new WeakMap<PolicyDocument, RuleList[]>();

export function ruleLists(doc: PolicyDocument): RuleList[] {
  let lists = cache.get(doc);
  if (!lists) {
    lists = [];
    for (const path of RULE_LIST_PATHS) {
      const found = doc.find([...path]);
      if (!found || !isSeq(found.node)) continue;
      const entries: RuleEntry[] = found.node.items.map((item, index) => {
        const node = item as Node;
        const text = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
        return { list: path, index, text, node };
      });
      lists.push({ path, key: path.join('.'), entries });
    }
    cache.set(doc, lists);
  }
  return lists;
}

export function ruleList(doc: PolicyDocument, key: string): RuleList | undefined {
  return ruleLists(doc).find((l) => l.key === key);
}
