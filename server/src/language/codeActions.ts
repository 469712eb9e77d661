// Quick fixes for the diagnostics that carry FixData: add missing metadata, fix an id, remove a
// duplicate or unreachable entry, remove a forbidden key, replace a value CAVRA would misread.
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { FixData } from './diagnosticCodes';
import type { Analysis } from './languageService';
import type { PolicyDocument } from './policyDocument';

const FIELD_DEFAULTS: Record<string, (a: Analysis) => string> = {
  id: (a) => `cavra-${slug(a.packFolder ?? 'new-pack')}`,
  title: () => 'Title',
  description: () => 'What this pack protects and for whom.',
  version: () => '"1.0.0"',
};

export function slug(text: string): string {
  const s = text.toLowerCase().replace(/^cavra-/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  return s || 'pack';
}

function lineStartOf(doc: PolicyDocument, offset: number): number {
  return doc.lineBounds(doc.positionAt(offset).line)[0];
}

/** The text range of whole lines covering [start, end), including the final line break. */
function wholeLines(doc: PolicyDocument, start: number, end: number): Range {
  const first = lineStartOf(doc, start);
  const lastLine = doc.positionAt(end).line;
  const next = lastLine + 1 < doc.lineCount ? doc.lineBounds(lastLine + 1)[0] : doc.text.length;
  return doc.range(first, next);
}

function removeEntry(doc: PolicyDocument, path: (string | number)[]): TextEdit | undefined {
  const found = doc.find(path);
  const node = found?.node;
  if (!found || !node?.range || !isSeq(found.parent)) return undefined;
  if (found.parent.flow) {
    const items = found.parent.items as Node[];
    const i = path[path.length - 1] as number;
    const start = i > 0 ? items[i - 1].range![1] : node.range[0];
    const end = i > 0 ? node.range[1] : items[i + 1]?.range?.[0] ?? node.range[1];
    return { range: doc.range(start, end), newText: '' };
  }
  return { range: wholeLines(doc, node.range[0], node.range[1]), newText: '' };
}

function removeKey(doc: PolicyDocument, path: (string | number)[]): TextEdit | undefined {
  const found = doc.find(path);
  const key = found?.key;
  if (!found || !key?.range || !isMap(found.parent) || found.parent.flow) return undefined;
  const end = found.node?.range?.[1] ?? key.range[1];
  return { range: wholeLines(doc, key.range[0], Math.max(end - 1, key.range[1])), newText: '' };
}

function addFields(a: Analysis, path: (string | number)[], missing: string[]): TextEdit | undefined {
  const doc = a.doc;
  if (path.length === 0) {
    const body = ['id', 'title', 'description', 'version'].map((f) => `  ${f}: ${FIELD_DEFAULTS[f](a)}`).join('\n');
    return { range: doc.range(0, 0), newText: `metadata:\n${body}\n` };
  }
  const found = doc.find(path);
  const map = found?.node;
  if (!isMap(map) || map.flow || !map.range) {
    if (found?.key?.range && (found.node === null || found.node === undefined)) {
      const [, eol] = doc.lineBounds(doc.positionAt(found.key.range[1]).line);
      return { range: doc.range(eol, eol), newText: missing.map((f) => `\n  ${f}: ${FIELD_DEFAULTS[f]?.(a) ?? '""'}`).join('') };
    }
    return undefined;
  }
  const first = (map as YAMLMap).items[0]?.key as Node | undefined;
  const indent = first?.range ? ' '.repeat(doc.positionAt(first.range[0]).character) : '  ';
  const lastLine = doc.positionAt(Math.max(map.range[1] - 1, map.range[0])).line;
  const [, eol] = doc.lineBounds(lastLine);
  return { range: doc.range(eol, eol), newText: missing.map((f) => `\n${indent}${f}: ${FIELD_DEFAULTS[f]?.(a) ?? '""'}`).join('') };
}

function replaceValue(doc: PolicyDocument, path: (string | number)[], d: Diagnostic, text: string): TextEdit {
  const node = path.length ? doc.find(path)?.node : undefined;
  return { range: doc.nodeRange(node) ?? d.range, newText: text };
}

export function codeActions(a: Analysis, _range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const uri = a.doc.uri;
  const out: CodeAction[] = [];
  const action = (title: string, d: Diagnostic, edit: TextEdit | undefined, preferred = false) => {
    if (edit) out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: preferred, edit: { changes: { [uri]: [edit] } } });
  };
  for (const d of diagnostics) {
    if (d.source !== 'cavra') continue;
    const data = d.data as FixData | undefined;
    if (!data) continue;
    switch (d.code) {
      case 'missing-field': {
        const all = diagnostics.filter((o) => o.code === 'missing-field' && JSON.stringify((o.data as FixData).path) === JSON.stringify(data.path)).flatMap((o) => (o.data as FixData).missing ?? []);
        const fields = [...new Set(all)];
        action(data.path.length === 0 ? 'Add a metadata section' : `Add missing ${fields.length > 1 ? 'fields' : 'field'} ${fields.join(', ')}`, d, addFields(a, data.path, fields), true);
        break;
      }
      case 'invalid-id': {
        const node = a.doc.find(data.path)?.node as { value?: unknown } | undefined;
        const candidates = new Set([`cavra-${slug(String(node?.value ?? ''))}`]);
        if (a.packFolder && /^cavra-[a-z0-9-]+$/.test(a.packFolder)) candidates.add(a.packFolder);
        for (const c of candidates) action(`Change the id to ${c}`, d, replaceValue(a.doc, data.path, d, c), true);
        break;
      }
      case 'id-folder-mismatch':
      case 'wrong-mode-vocabulary':
      case 'yaml11-difference':
        for (const r of data.replacements ?? []) {
          const title = d.code === 'yaml11-difference' ? `Quote as ${r}` : `Change to ${r}`;
          action(title, d, d.code === 'yaml11-difference' ? { range: d.range, newText: r } : replaceValue(a.doc, data.path, d, r), true);
        }
        break;
      case 'duplicate-entry':
      case 'unreachable-rule':
      case 'redundant-rule':
        action(d.code === 'duplicate-entry' ? 'Remove the duplicate entry' : 'Remove the entry that never fires', d, removeEntry(a.doc, data.path), true);
        break;
      case 'unknown-key':
      case 'dropped-by-draft':
        action(`Remove \`${data.path.join('.')}\``, d, removeKey(a.doc, data.path), d.code === 'unknown-key');
        break;
    }
  }
  return out;
}
