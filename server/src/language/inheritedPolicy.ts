// What a pack inherits, as the language service sees it: its parents merged by CAVRA's rule
// (policy/effectivePolicy.ts), every entry located in its pack's document (open text wins over disk).
// Built once per state of the ancestors' documents and shared by every pack with the same parents, so a
// keystroke in a child costs a walk up its ancestors, not a merge, however many packs inherit.
import { isNode, isSeq, Scalar, type Node } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import { effectivePolicy, inheritedPolicy, type EffectivePolicy } from '../policy/effectivePolicy';
import { InheritanceError, inheritsOf, type PolicyObject, type ResolvedPacks } from '../policy/inheritance';
import { isMapping, type PyValue } from '../policy/pythonValues';
import { matchesEverything } from '../policy/glob';
import { unsliced } from '../policy/unsliced';
import { CoverIndex } from './lint/coverIndex';
import { inheritsList, type PackCatalog } from './packCatalog';
import type { PolicyDocument } from './parse/policyDocument';
import type { RuleEntry, RuleListPath } from './parse/ruleLists';

/**
 * One entry CAVRA's merge keeps from a parent, and where it is written. It is the rule entry of the
 * merged list (`index`: its place there, what the cover index orders by), so a merge holds one object
 * per entry: a workspace keeps tens of thousands of them.
 */
export interface InheritedEntry extends RuleEntry {
  /** The list, e.g. `commands.block`. */
  key: string;
  pack: string;
  /** Its index in that pack's list. */
  packIndex: number;
}

export interface PackLocation {
  uri: string;
  range: Range;
  /** 1-based, as messages print it. */
  line: number;
}

/** The packs reached from `parents` (each once, in the order reached) and their current documents. */
function ancestorDocs(catalog: PackCatalog, parents: string[]): Map<string, PolicyDocument | undefined> {
  const out = new Map<string, PolicyDocument | undefined>();
  const walk = (ids: string[]) => {
    for (const id of ids) {
      if (out.has(id)) continue;
      const doc = catalog.document(id);
      out.set(id, doc);
      const value = doc?.value;
      if (isMapping(value) && isMapping(value.metadata)) walk(inheritsList(value.metadata.inherits));
    }
  };
  walk(parents);
  return out;
}

/** A loader over documents already read: a pack missing from them is CAVRA's "not found". */
export function loaderOf(docs: (id: string) => PolicyDocument | undefined): (id: string) => PolicyObject {
  return (id) => {
    const value = docs(id)?.value;
    if (value === undefined) throw new InheritanceError(`No pack \`${id}\` under the policy root: CAVRA cannot load it.`);
    if (!isMapping(value)) throw new InheritanceError(`Pack \`${id}\` is not a YAML mapping: CAVRA cannot load it.`);
    return value;
  };
}

export class InheritedPolicy {
  /** Merges built so far in this process (counted work: a workspace pass builds one per set of parents). */
  static built = 0;
  /**
   * The merge of the parents; undefined when CAVRA could not load them (`error` says why). Its lists'
   * entries and origins are held as {@link entries} (one object per entry, kept while the parents are the
   * same), so the merge's own per-entry objects are not kept beside them.
   */
  readonly effective?: Omit<EffectivePolicy, 'lists'>;
  readonly error?: string;
  private entriesByKey = new Map<string, InheritedEntry[]>();
  private indexes = new Map<string, CoverIndex>();
  private texts = new Map<string, Map<string, InheritedEntry>>();
  private matchAll = new Map<string, InheritedEntry[]>();

  constructor(
    readonly parents: string[],
    readonly docs: Map<string, PolicyDocument | undefined>,
    known?: ResolvedAncestors,
  ) {
    InheritedPolicy.built++;
    let merged: EffectivePolicy;
    try {
      merged = inheritedPolicy(
        parents,
        loaderOf((id) => docs.get(id)),
        known?.over(docs),
      );
    } catch (e) {
      // A cycle or a missing pack has its own diagnostics (lint/inheritance.ts); nothing here may crash the server.
      this.error = e instanceof Error ? e.message : String(e);
      return;
    }
    this.effective = { policy: merged.policy, packs: merged.packs, metadata: merged.metadata };
    for (const [key, list] of merged.lists) {
      const path = key.split('.') as unknown as RuleListPath;
      const entries = list.map((e, i): InheritedEntry => ({
        list: path,
        index: i,
        text: typeof e.value === 'string' ? e.value : undefined,
        node: this.nodeOf(e.origin.pack, key, e.origin.index) ?? new Scalar(e.value),
        key,
        pack: e.origin.pack,
        packIndex: e.origin.index,
      }));
      this.entriesByKey.set(key, entries);
    }
  }

  /** Whether this merge was built from exactly the documents the catalog holds now. */
  current(docs: Map<string, PolicyDocument | undefined>): boolean {
    if (docs.size !== this.docs.size) return false;
    for (const [id, doc] of docs) if (this.docs.get(id) !== doc || !this.docs.has(id)) return false;
    return true;
  }

  entries(key: string): InheritedEntry[] {
    return this.entriesByKey.get(key) ?? [];
  }

  /** The merged lists, e.g. `commands.block`. */
  listKeys(): IterableIterator<string> {
    return this.entriesByKey.keys();
  }

  /** Which inherited patterns of a list cover a pattern (lint/coverIndex.ts over the merged list). */
  index(key: string): CoverIndex | undefined {
    let index = this.indexes.get(key);
    if (!index && this.entriesByKey.has(key)) {
      index = new CoverIndex(this.entries(key));
      this.indexes.set(key, index);
    }
    return index;
  }

  /** The inherited entry this merge's cover index answered: the rules it files are the entries themselves. */
  entryOf(rule: RuleEntry): InheritedEntry {
    return rule as InheritedEntry;
  }

  /** An inherited entry with exactly this text. */
  withText(key: string, text: string): InheritedEntry | undefined {
    let map = this.texts.get(key);
    if (!map) {
      map = new Map();
      for (const e of this.entries(key)) if (e.text !== undefined && !map.has(e.text)) map.set(e.text, e);
      this.texts.set(key, map);
    }
    return map.get(text);
  }

  /** Inherited patterns of a list that match every target (found once per list: lint asks per entry). */
  everything(key: string): InheritedEntry[] {
    let found = this.matchAll.get(key);
    if (!found) {
      found = this.entries(key).filter((e) => e.text?.charCodeAt(0) === 0x2a && matchesEverything(e.text));
      this.matchAll.set(key, found);
    }
    return found;
  }

  /** The merged metadata value of a key, and the pack whose value the merge kept. */
  metadata(key: string): { value: PyValue; pack: string } | undefined {
    const meta = this.effective?.policy.metadata;
    const pack = this.effective?.metadata.get(key);
    if (!isMapping(meta) || !pack || !(key in meta)) return undefined;
    return { value: meta[key], pack };
  }

  /** Where an inherited entry is written. */
  location(e: InheritedEntry): PackLocation | undefined {
    return this.locate(e.pack, this.nodeOf(e.pack, e.key, e.packIndex));
  }

  /** Where a pack writes a metadata key. */
  metadataLocation(pack: string, key: string): PackLocation | undefined {
    return this.locate(pack, this.docs.get(pack)?.find(['metadata', key])?.node);
  }

  private locate(pack: string, node: Node | null | undefined): PackLocation | undefined {
    const doc = this.docs.get(pack);
    const range = doc?.nodeRange(node);
    return doc && range ? { uri: doc.uri, range, line: range.start.line + 1 } : undefined;
  }

  /** Each pack's list nodes, looked up once per list rather than once per entry. */
  private seqs = new Map<string, Node | null | undefined>();

  private nodeOf(pack: string, key: string, index: number): Node | undefined {
    const at = `${pack}\n${key}`;
    let seq = this.seqs.get(at);
    if (seq === undefined && !this.seqs.has(at)) {
      const dot = key.indexOf('.');
      seq = this.docs.get(pack)?.find([key.slice(0, dot), key.slice(dot + 1)])?.node;
      this.seqs.set(at, seq);
    }
    const item = isSeq(seq) ? seq.items[index] : undefined;
    return isNode(item) ? item : undefined;
  }
}

/**
 * Each ancestor resolved (merged with its own ancestors) once per state of its documents, whatever the
 * sets of parents that reach it: the 80 third-level parents of a workspace share their second-level
 * parent's merge instead of each merging the chain from the root again.
 */
export class ResolvedAncestors {
  /** Ancestors merged so far in this process (counted work: once per pack that has parents and per state of its chain). */
  static merged = 0;
  private byId = new Map<string, { policy: PolicyObject; from: Map<string, PolicyDocument> }>();

  /** The packs resolved, as seen through the documents one merge reads. */
  over(docs: Map<string, PolicyDocument | undefined>): ResolvedPacks {
    return {
      get: (id) => {
        const kept = this.byId.get(id);
        if (!kept) return undefined;
        for (const [dep, doc] of kept.from) if (docs.get(dep) !== doc) return undefined;
        return kept.policy;
      },
      set: (id, policy) => {
        ResolvedAncestors.merged++;
        // What the merge read: the pack and its ancestors (their documents all loaded, or it would have thrown).
        const from = new Map<string, PolicyDocument>();
        const walk = (pack: string) => {
          const doc = docs.get(pack);
          if (from.has(pack) || !doc) return;
          from.set(pack, doc);
          if (isMapping(doc.value)) for (const parent of inheritsOf(doc.value)) walk(parent);
        };
        walk(id);
        if (this.byId.size > 4096) this.byId.clear();
        this.byId.set(id, { policy, from });
      },
    };
  }
}

const caches = new WeakMap<PackCatalog, { merges: Map<string, InheritedPolicy>; ancestors: ResolvedAncestors }>();

/**
 * What a pack with these parents inherits, from the catalog's current documents. Cached per set of
 * parents and reused while none of the ancestors' documents changed; B's re-lint of children after a
 * parent changes gets a fresh merge simply because the parent's document is a new one.
 */
export function inheritedPolicyOf(catalog: PackCatalog, asked: string[]): InheritedPolicy | undefined {
  if (!asked.length) return undefined;
  // The ids as asked are cut from the asking pack's text; the merge, kept for every child with these
  // parents, keeps copies (policy/unsliced.ts) rather than the first child's whole text.
  const parents = asked.map(unsliced);
  let cache = caches.get(catalog);
  if (!cache) caches.set(catalog, (cache = { merges: new Map(), ancestors: new ResolvedAncestors() }));
  const key = parents.join('\n');
  const docs = ancestorDocs(catalog, parents);
  const cached = cache.merges.get(key);
  if (cached?.current(docs)) return cached;
  const fresh = new InheritedPolicy(parents, docs, cache.ancestors);
  if (cache.merges.size > 256) cache.merges.clear();
  cache.merges.set(key, fresh);
  return fresh;
}

/** The parents a policy value names in `metadata.inherits`. */
export function parentsOf(value: PyValue | undefined): string[] {
  return isMapping(value) && isMapping(value.metadata) ? inheritsList(value.metadata.inherits) : [];
}

/** The policy CAVRA evaluates for a pack whose own text is `doc` (the effective-policy view). */
export function effectivePolicyOf(
  catalog: PackCatalog,
  packId: string,
  doc: PolicyDocument,
): { effective: EffectivePolicy; docs: Map<string, PolicyDocument | undefined> } | { error: string } {
  const docs = ancestorDocs(catalog, parentsOf(doc.value));
  docs.set(packId, doc);
  try {
    return {
      effective: effectivePolicy(
        packId,
        loaderOf((id) => docs.get(id)),
      ),
      docs,
    };
  } catch (e) {
    if (e instanceof InheritanceError) return { error: e.message };
    throw e;
  }
}
