// What an analysis keeps per list entry and per scalar: the findings an edit of one list changes only
// in part. The next version's analysis carries them over and updates them for the lines it re-read.
import type { ListEdit } from './parse/documentEdit';
import { DuplicateEntries } from './duplicateEntries';
import { InheritedRules } from './lint/inheritedRules';
import { ShadowedRules } from './lint/shadowedRules';
import { Yaml11Findings } from './lint/yaml11';
import type { PolicyDocument } from './parse/policyDocument';
import { SchemaErrors } from './schemaDiagnostics';
import { carryRuleLists, ruleLists, type RuleList } from './parse/ruleLists';

export class PolicyFindings {
  private shadowed?: ShadowedRules;
  private repeated?: DuplicateEntries;
  private yaml11Found?: Yaml11Findings;
  private schemaFound?: SchemaErrors;
  private inheritedFound?: InheritedRules;

  constructor(private readonly doc: PolicyDocument) {}

  /** The rule lists (the same objects from version to version while edits are carried over). */
  private get lists(): RuleList[] {
    return ruleLists(this.doc);
  }

  get shadows(): ShadowedRules {
    if (!this.shadowed) {
      const lists = this.lists;
      this.shadowed = new ShadowedRules((key) => lists.find((l) => l.key === key));
    }
    return this.shadowed;
  }

  /** Entries that add nothing once the pack is merged with its parents (lint/inheritedRules.ts). */
  get inherited(): InheritedRules {
    if (!this.inheritedFound) {
      const lists = this.lists;
      this.inheritedFound = new InheritedRules(() => lists);
    }
    return this.inheritedFound;
  }

  get duplicates(): DuplicateEntries {
    if (!this.repeated) {
      const lists = this.lists;
      this.repeated = new DuplicateEntries(() => lists);
    }
    return this.repeated;
  }

  get yaml11(): Yaml11Findings {
    return (this.yaml11Found ??= new Yaml11Findings(this.doc));
  }

  /** The validator's errors for the whole value. */
  get schemaErrors(): SchemaErrors {
    return (this.schemaFound ??= new SchemaErrors(this.doc.value));
  }

  /** Reads the rule lists of the current tree: needed before an edit changes the tree under them. */
  prepareForEdit(): void {
    void this.lists;
  }

  /**
   * The findings for `next`, an edit of this document (its tree already changed). This object is used up.
   * `valueChanged`: a mapping's value was edited (no list): the schema and YAML 1.1 checks look at the whole text again.
   */
  carry(next: PolicyDocument, edit: ListEdit | undefined, valueChanged = false): PolicyFindings {
    const out = new PolicyFindings(next);
    out.shadowed = this.shadowed;
    out.repeated = this.repeated;
    out.yaml11Found = valueChanged ? undefined : this.yaml11Found;
    out.schemaFound = valueChanged ? undefined : this.schemaFound;
    out.inheritedFound = this.inheritedFound;
    const change = carryRuleLists(this.doc, next, edit?.seq, edit?.at ?? 0, edit?.removed ?? 0, edit?.added ?? 0);
    if (edit) {
      if (change) {
        out.shadowed?.update(change);
        out.repeated?.update(change);
        out.inheritedFound?.update(change);
      }
      out.yaml11Found?.update(next, edit.removedNodes, edit.seq.items.slice(edit.at, edit.at + edit.added) as never, edit.at);
      if (out.schemaFound && !out.schemaFound.update(next.value, edit.path, edit)) out.schemaFound = undefined;
    }
    return out;
  }
}
