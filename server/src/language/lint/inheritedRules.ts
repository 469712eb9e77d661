// Lint on the merged pack (SPEC 2.1, 2.3): CAVRA never evaluates a file, it evaluates the pack with its
// `inherits` chain merged, so a child's entry can be dead because of a parent's rule. The verdicts are kept
// per entry: while the parents' merge is the same object (inheritedPolicy.ts caches it per ancestors'
// documents), an edit re-judges only the entries it added; a new merge re-judges every entry.
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import { isMapping } from '../../policy/pythonValues';
import type { AnalysedDocument } from '../analysedDocument';
import { inheritedPolicyOf, parentsOf, type InheritedEntry, type InheritedPolicy } from '../inheritedPolicy';
import { makeDiagnostic } from '../makeDiagnostic';
import type { RuleEntry, RuleList, RuleListChange } from '../parse/ruleLists';
import { CROSS_CHECKS, EVERYTHING, judged, MCP_ALLOWED, MCP_BLOCKED, PATTERN_LISTS, type ShadowedRules } from './shadowedRules';

/** Why a child entry adds nothing once merged, and the inherited entry that makes it so. */
export interface InheritedVerdict {
  kind: 'unreachable' | 'duplicate' | 'redundant';
  by: InheritedEntry;
  /** unreachable: the stronger list and why it wins. */
  strong?: string;
  why?: string;
}

const quote = (text: string | undefined) => JSON.stringify(text);

export class InheritedRules {
  private verdicts = new Map<RuleEntry, InheritedVerdict>();
  private against?: InheritedPolicy;

  constructor(private readonly lists: () => RuleList[]) {}

  /** The merge of the analysed pack's parents, judged against; undefined when there is none CAVRA could load. */
  get inherited(): InheritedPolicy | undefined {
    return this.against;
  }

  verdictOf(e: RuleEntry): InheritedVerdict | undefined {
    return this.verdicts.get(e);
  }

  /** Brings the verdicts up to date with the parents' current merge (a pure function of the two). */
  refresh(a: AnalysedDocument): void {
    const value = a.doc.value;
    const meta = isMapping(value) && isMapping(value.metadata) ? value.metadata : {};
    const selfId = typeof meta.id === 'string' ? meta.id : a.packFolder;
    let inherited = inheritedPolicyOf(a.context.catalog, parentsOf(value));
    // A cycle through this pack: CAVRA cannot load it, and lint/inheritance.ts says so.
    if (!inherited?.effective || (selfId !== undefined && inherited.effective.packs.includes(selfId))) inherited = undefined;
    if (inherited === this.against) return;
    this.against = inherited;
    this.verdicts.clear();
    if (inherited) for (const list of this.lists()) for (const e of list.entries) this.judge(inherited, list.key, e);
  }

  /** After an edit of one list: its removed entries forgotten, its added ones judged. */
  update(change: RuleListChange): void {
    for (const e of change.removed) this.verdicts.delete(e);
    if (this.against) for (const e of change.added) this.judge(this.against, change.list.key, e);
  }

  /** `key`: the entry's list (given by the caller, which has it: joining the path per entry was measurable). */
  private judge(inherited: InheritedPolicy, key: string, e: RuleEntry): void {
    const verdict = key === 'metadata.inherits' || e.text === undefined ? undefined : this.verdictFor(inherited, key, e);
    if (verdict) this.verdicts.set(e, verdict);
    else this.verdicts.delete(e);
  }

  /** The strongest reason first: never fires, then an exact repeat, then covered by the same list. */
  private verdictFor(inherited: InheritedPolicy, key: string, e: RuleEntry): InheritedVerdict | undefined {
    const text = e.text!;
    if (judged(e)) {
      for (const c of CROSS_CHECKS) {
        if (c.weak !== key) continue;
        const by = inherited.index(c.strong)?.find(text);
        if (by) return { kind: 'unreachable', by: inherited.entryOf(by), strong: c.strong, why: c.why };
      }
    }
    if (key === MCP_ALLOWED) {
      const by = inherited.withText(MCP_BLOCKED, text);
      if (by) return { kind: 'unreachable', by, strong: MCP_BLOCKED };
    }
    const same = inherited.withText(key, text);
    if (same) return { kind: 'duplicate', by: same };
    if (judged(e) && PATTERN_LISTS.includes(key) && !inherited.everything(key).length) {
      // Every inherited entry comes before this one in the merge, so any covering one makes it redundant.
      const by = inherited.index(key)?.find(text);
      if (by) return { kind: 'redundant', by: inherited.entryOf(by) };
    }
    return undefined;
  }

  diagnostics(a: AnalysedDocument, shadows: ShadowedRules): Diagnostic[] {
    const inherited = this.against;
    if (!inherited) return [];
    const out: Diagnostic[] = [];
    const doc = a.doc;
    for (const [e, v] of this.verdicts) {
      const range = doc.nodeRange(e.node);
      if (!range) continue;
      const { line, related } = citeOf(inherited, v.by);
      let d: Diagnostic;
      if (v.kind === 'unreachable') {
        // This file's own stronger list already says so (lint/shadowedRules.ts): one finding per entry.
        if (shadows.isUnreachable(e)) continue;
        const reason =
          v.strong === MCP_BLOCKED
            ? `${quote(e.text)} is in \`${MCP_BLOCKED}\` of \`${v.by.pack}\`${line}, inherited, and a blocked server is blocked even when allowed.`
            : `${quote(v.by.text)} in \`${v.strong}\` of \`${v.by.pack}\`${line}, inherited, already matches every target of ${quote(e.text)}. ${v.why}.`;
        d = makeDiagnostic(range, DiagnosticSeverity.Warning, 'inherited-unreachable-rule', `Never fires: ${reason}`, {
          path: [...e.list, e.index],
        });
        d.relatedInformation = related;
      } else if (v.kind === 'duplicate') {
        d = makeDiagnostic(range, DiagnosticSeverity.Hint, 'inherited-duplicate', duplicateMessage(inherited, v.by), {
          path: [...e.list, e.index],
        });
        d.relatedInformation = related;
      } else {
        d = makeDiagnostic(
          range,
          DiagnosticSeverity.Hint,
          'inherited-redundant-rule',
          `Redundant: ${quote(v.by.text)} in \`${v.by.key}\` of \`${v.by.pack}\`${line}, inherited, already matches every target of ${quote(e.text)}.`,
          { path: [...e.list, e.index] },
        );
        d.relatedInformation = related;
      }
      out.push(d);
    }
    for (const list of this.lists()) {
      const key = list.key;
      const by = PATTERN_LISTS.includes(key) ? inherited.everything(key)[0] : undefined;
      const range = by && doc.nodeRange(doc.find([...list.path])?.key);
      if (!by || !range) continue;
      const d = makeDiagnostic(
        range,
        DiagnosticSeverity.Warning,
        'inherited-matches-everything',
        `Once merged, \`${key}\` ${EVERYTHING[key]}: ${quote(by.text)} is inherited from \`${by.pack}\`${citeOf(inherited, by).line}, so the entries listed here add nothing.`,
        { path: [...list.path] },
      );
      d.relatedInformation = citeOf(inherited, by).related;
      out.push(d);
    }
    const mode = modeDiagnostic(a, inherited);
    if (mode) out.push(mode);
    return out;
  }
}

/** How a finding cites an inherited entry: its line in the message, and where it is written. */
interface Cite {
  line: string;
  related: DiagnosticRelatedInformation[];
  /** The inherited-duplicate message, the same for every child entry that repeats this one. */
  duplicate?: string;
}

/**
 * Per inherited entry, made once and shared by every child of the same parents (a hub's 135 descendants
 * repeat its entries tens of thousands of times over a workspace): the cite depends on the entry alone,
 * since each entry belongs to one merge, whose documents do not change. Findings are never edited in
 * place, so sharing the objects is safe; the JSON sent is the same.
 */
const cites = new WeakMap<InheritedEntry, Cite>();

function citeOf(inherited: InheritedPolicy, by: InheritedEntry): Cite {
  let cite = cites.get(by);
  if (!cite) {
    const where = inherited.location(by);
    cite = {
      line: where ? ` (line ${where.line})` : '',
      // The list named is the entry's own: a duplicate, a covering pattern and a stronger list's rule are all found in it.
      related: where
        ? [{ location: { uri: where.uri, range: where.range }, message: `${quote(by.text)} in \`${by.key}\` of \`${by.pack}\`` }]
        : [],
    };
    cites.set(by, cite);
  }
  return cite;
}

function duplicateMessage(inherited: InheritedPolicy, by: InheritedEntry): string {
  const cite = citeOf(inherited, by);
  // A duplicate has the inherited entry's very text, in the same list.
  cite.duplicate ??= `Already inherited: \`${by.pack}\` lists ${quote(by.text)} in \`${by.key}\`${cite.line}; CAVRA's merge drops this repeat, so it changes nothing.`;
  return cite.duplicate;
}

/** A child's `metadata.mode` that differs from the one its parents' merge carries. */
function modeDiagnostic(a: AnalysedDocument, inherited: InheritedPolicy): Diagnostic | undefined {
  const found = a.doc.find(['metadata', 'mode']);
  const value = a.doc.value;
  const own = isMapping(value) && isMapping(value.metadata) ? value.metadata.mode : undefined;
  const parent = inherited.metadata('mode');
  const range = a.doc.nodeRange(found?.node);
  if (typeof own !== 'string' || !parent || parent.value === null || parent.value === own || !range) return undefined;
  const where = inherited.metadataLocation(parent.pack, 'mode');
  const shown = typeof parent.value === 'string' ? parent.value : JSON.stringify(parent.value);
  const d = makeDiagnostic(
    range,
    DiagnosticSeverity.Information,
    'inherited-mode',
    `\`mode: ${own}\` differs from \`${shown}\` in \`${parent.pack}\`${where ? ` (line ${where.line})` : ''}. CAVRA's merge keeps this pack's value (metadata is overwritten, the child last); CAVRA's runtime does not read \`metadata.mode\`.`,
    { path: ['metadata', 'mode'] },
  );
  if (where)
    d.relatedInformation = [{ location: { uri: where.uri, range: where.range }, message: `\`mode\` of \`${parent.pack}\`` }];
  return d;
}
