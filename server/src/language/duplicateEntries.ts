// The same entry twice in one list: the schema requires unique items, and the second copy is noise.
// Kept per list, so an edit re-checks only the list it changed.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic } from './makeDiagnostic';
import type { PolicyDocument } from './parse/policyDocument';
import type { RuleEntry, RuleList, RuleListChange } from './parse/ruleLists';

/**
 * The entries holding one text: the entry alone, or all of them in list order. Most texts are held
 * once, and a list of 100,000 entries then keeps no 100,000 one-element arrays.
 */
type Holders = RuleEntry | RuleEntry[];

/** The holders of a text as an array to edit (the one kept, when there are several). */
function holdersOf(byText: Map<string, Holders>, text: string): RuleEntry[] {
  const held = byText.get(text);
  return held === undefined ? [] : Array.isArray(held) ? held : [held];
}

function keepHolders(byText: Map<string, Holders>, text: string, same: RuleEntry[]): void {
  if (!same.length) byText.delete(text);
  else byText.set(text, same.length === 1 ? same[0] : same);
}

export class DuplicateEntries {
  /** Per list: each repeated entry and the first one it repeats (in no order; diagnostics sort them). */
  private repeats = new Map<RuleList, Map<RuleEntry, RuleEntry>>();
  /** Per list: the entries holding each text, in list order (an edit re-counts only the texts it touched). */
  private byText = new Map<RuleList, Map<string, Holders>>();

  constructor(private readonly lists: () => RuleList[]) {
    for (const list of lists()) this.check(list);
  }

  private check(list: RuleList): void {
    const byText = new Map<string, Holders>();
    const repeats = new Map<RuleEntry, RuleEntry>();
    // Indexed: see CoverIndex's constructor.
    for (let i = 0; i < list.entries.length; i++) {
      const e = list.entries[i];
      if (e.text === undefined) continue;
      const held = byText.get(e.text);
      if (held === undefined) byText.set(e.text, e);
      else if (Array.isArray(held)) {
        held.push(e);
        repeats.set(e, held[0]);
      } else {
        byText.set(e.text, [held, e]);
        repeats.set(e, held);
      }
    }
    this.byText.set(list, byText);
    this.repeats.set(list, repeats);
  }

  /** O(entries the edit touched): entries before them keep their order, so each text's group stays sorted. */
  update(change: RuleListChange): void {
    const byText = this.byText.get(change.list);
    const repeats = this.repeats.get(change.list);
    if (!byText || !repeats) return this.check(change.list);
    const touched = new Set<string>();
    for (const e of change.removed) {
      if (e.text === undefined) continue;
      touched.add(e.text);
      repeats.delete(e);
      const same = holdersOf(byText, e.text);
      const i = same.indexOf(e);
      if (i < 0) continue;
      same.splice(i, 1);
      keepHolders(byText, e.text, same);
    }
    for (const e of change.added) {
      if (e.text === undefined) continue;
      touched.add(e.text);
      const same = holdersOf(byText, e.text);
      same.push(e);
      same.sort((a, b) => a.index - b.index);
      keepHolders(byText, e.text, same);
    }
    for (const text of touched) {
      const same = holdersOf(byText, text);
      if (!same.length) continue;
      repeats.delete(same[0]);
      for (let i = 1; i < same.length; i++) repeats.set(same[i], same[0]);
    }
  }

  diagnostics(doc: PolicyDocument): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const list of this.lists()) {
      const inOrder = [...(this.repeats.get(list) ?? [])].sort((a, b) => a[0].index - b[0].index);
      for (const [e, earlier] of inOrder) {
        const firstLine = doc.positionAt(earlier.node.range![0]).line + 1;
        out.push(
          makeDiagnostic(
            doc.nodeRange(e.node)!,
            DiagnosticSeverity.Error,
            'duplicate-entry',
            `\`${list.key}\` lists ${JSON.stringify(e.text)} twice (first on line ${firstLine}); entries must be unique.`,
            { path: [...list.path, e.index] },
          ),
        );
      }
    }
    return out;
  }
}
