// A pattern list indexed by each pattern's literal start, for replaying many actions against a pack of
// thousands of rules: a target is compared only with the patterns whose literal prefix it begins with.
// The answer is the evaluator's (the first matching pattern in list order, by globMatches); only the
// number of comparisons changes.
import { globMatches } from './glob';
import { policyPatterns, type PatternScan } from './evaluate';

interface IndexedList {
  /** Prefix length -> prefix -> [list index, pattern] in list order. */
  byPrefix: Map<number, Map<string, [number, string][]>>;
}

function indexList(patterns: string[]): IndexedList {
  const byPrefix = new Map<number, Map<string, [number, string][]>>();
  patterns.forEach((pattern, index) => {
    const star = pattern.indexOf('*');
    const prefix = star < 0 ? pattern : pattern.slice(0, star);
    let sameLength = byPrefix.get(prefix.length);
    if (!sameLength) byPrefix.set(prefix.length, (sameLength = new Map<string, [number, string][]>()));
    const bucket = sameLength.get(prefix);
    if (bucket) bucket.push([index, pattern]);
    else sameLength.set(prefix, [[index, pattern]]);
  });
  return { byPrefix };
}

function firstMatch(list: IndexedList, value: string): string | undefined {
  let best: [number, string] | undefined;
  for (const [length, buckets] of list.byPrefix) {
    if (length > value.length) continue;
    const bucket = buckets.get(value.slice(0, length));
    if (!bucket) continue;
    for (const entry of bucket) {
      if (best && entry[0] > best[0]) break;
      if (globMatches(entry[1], value)) {
        best = entry;
        break;
      }
    }
  }
  return best?.[1];
}

/** A PatternScan that indexes each list of a policy object the first time it is asked about it. */
export function indexedPatternScan(): PatternScan {
  const indexes = new WeakMap<object, Map<string, IndexedList>>();
  return (policy, section, key, value) => {
    let lists = indexes.get(policy);
    if (!lists) indexes.set(policy, (lists = new Map<string, IndexedList>()));
    const name = `${section}.${key}`;
    let list = lists.get(name);
    if (!list) {
      lists.set(name, (list = indexList(policyPatterns(policy, section, key))));
    }
    return firstMatch(list, value);
  };
}
