// Quick fixes for the diagnostics that carry FixData: add missing metadata, fix an id, remove a
// duplicate or unreachable entry, remove a forbidden key, replace a value CAVRA would misread.
// The edits themselves live in yamlEdits.ts.
import { isPackId } from '../policy/packId';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { FixData } from './diagnosticCodes';
import type { Analysis } from './analysis';
import type { PolicyDocument, YamlPath } from './parse/policyDocument';
import { addFields, addSection, removeEntry, removeKey } from './yamlEdits';

const REQUIRED_METADATA = ['id', 'title', 'description', 'version'];

const FIELD_DEFAULTS: Record<string, (a: Analysis) => string> = {
  id: (a) => `cavra-${slug(a.packFolder ?? 'new-pack')}`,
  title: () => 'Title',
  description: () => 'What this pack protects and for whom.',
  version: () => '"1.0.0"',
};

export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/^cavra-/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  return s || 'pack';
}

const withDefaults = (a: Analysis, fields: string[]): [string, string][] =>
  fields.map((f) => [f, FIELD_DEFAULTS[f]?.(a) ?? '""']);

function replaceValue(doc: PolicyDocument, path: YamlPath, d: Diagnostic, text: string): TextEdit[] {
  const node = path.length ? doc.find(path)?.node : undefined;
  return [{ range: doc.nodeRange(node) ?? d.range, newText: text }];
}

function missingFields(a: Analysis, data: FixData): TextEdit[] | undefined {
  if (data.path.length === 0) return [addSection(a.doc, 'metadata', withDefaults(a, REQUIRED_METADATA))];
  return addFields(a.doc, data.path, withDefaults(a, data.missing ?? []));
}

export function codeActions(a: Analysis, _range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const uri = a.doc.uri;
  const out: CodeAction[] = [];
  const action = (title: string, d: Diagnostic, edits: TextEdit[] | undefined, preferred = false) => {
    if (!edits?.length) return;
    // Two diagnostics with the same fix (an id that is both invalid and not its folder's name) get
    // one action that resolves both.
    const same = out.find((o) => JSON.stringify(o.edit?.changes?.[uri]) === JSON.stringify(edits));
    if (same) same.diagnostics!.push(d);
    else
      out.push({
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: preferred,
        edit: { changes: { [uri]: edits } },
      });
  };
  for (const d of diagnostics) {
    if (d.source !== 'cavra') continue;
    const data = d.data as FixData | undefined;
    if (!data) continue;
    switch (d.code) {
      case 'missing-field':
      case 'not-a-mapping': {
        const fields = data.path.length === 0 ? ['metadata'] : (data.missing ?? []);
        const title =
          data.path.length === 0
            ? 'Add a metadata section'
            : `Add the missing ${fields.length > 1 ? 'fields' : 'field'} ${fields.join(', ')}`;
        action(title, d, missingFields(a, data), true);
        break;
      }
      case 'invalid-id': {
        const node = a.doc.find(data.path)?.node as { value?: unknown } | undefined;
        const candidates = new Set<string>();
        if (a.packFolder && isPackId(a.packFolder)) candidates.add(a.packFolder);
        candidates.add(`cavra-${slug(String(node?.value ?? ''))}`);
        [...candidates].forEach((c, i) => action(`Change the id to ${c}`, d, replaceValue(a.doc, data.path, d, c), i === 0));
        break;
      }
      case 'id-folder-mismatch':
        for (const r of data.replacements ?? []) action(`Change the id to ${r}`, d, replaceValue(a.doc, data.path, d, r), true);
        break;
      case 'wrong-mode-vocabulary':
        for (const r of data.replacements ?? []) action(`Change the mode to ${r}`, d, replaceValue(a.doc, data.path, d, r), true);
        break;
      case 'wrong-type':
        if (data.missing?.length)
          action(
            `Add the required ${data.missing.length > 1 ? 'fields' : 'field'} ${data.missing.join(', ')}`,
            d,
            missingFields(a, data),
            true,
          );
        for (const r of data.replacements ?? []) action(`Quote as ${r}`, d, [{ range: d.range, newText: r }], true);
        break;
      case 'yaml11-difference':
        (data.replacements ?? []).forEach((r, i) =>
          action(r.startsWith('"') ? `Quote as ${r}` : `Change to ${r}`, d, [{ range: d.range, newText: r }], i === 0),
        );
        break;
      case 'duplicate-entry':
        action('Remove the duplicate entry', d, removeEntry(a.doc, data.path), true);
        break;
      case 'unreachable-rule':
        action('Remove the entry that never fires', d, removeEntry(a.doc, data.path), true);
        break;
      case 'redundant-rule':
        action('Remove the redundant entry', d, removeEntry(a.doc, data.path), true);
        break;
      // Found on the merged pack (lint/inheritedRules.ts): the parent's rule stays, this pack's entry goes.
      case 'inherited-duplicate':
        action('Remove the entry already inherited', d, removeEntry(a.doc, data.path), true);
        break;
      case 'inherited-unreachable-rule':
        action('Remove the entry that never fires', d, removeEntry(a.doc, data.path), true);
        break;
      case 'inherited-redundant-rule':
        action('Remove the redundant entry', d, removeEntry(a.doc, data.path), true);
        break;
      case 'unknown-key':
      case 'dropped-by-draft':
        action(`Remove \`${data.path.join('.')}\``, d, removeKey(a.doc, data.path), d.code === 'unknown-key');
        break;
    }
  }
  return out;
}
