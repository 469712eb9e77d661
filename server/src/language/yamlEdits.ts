// Text edits that change a policy's YAML and leave it valid YAML with the same layout conventions:
// the file's own line breaks, block or flow style as written, comments outside the edit kept.
import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { PolicyDocument, YamlPath } from './parse/policyDocument';

/** The line break the file already uses. */
export function eolOf(doc: PolicyDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

/** The text range of whole lines covering [start, end), including the final line break. */
function wholeLines(doc: PolicyDocument, start: number, end: number): Range {
  const first = doc.lineBounds(doc.positionAt(start).line)[0];
  const lastLine = doc.positionAt(end).line;
  const next = lastLine + 1 < doc.lineCount ? doc.lineBounds(lastLine + 1)[0] : doc.text.length;
  return doc.range(first, next);
}

/**
 * When a block collection loses its last item, its key would be left with no value (null, which the
 * schema refuses): write an explicit empty `{}` or `[]` after the key's colon instead.
 */
function emptiedValue(doc: PolicyDocument, path: YamlPath, collection: YAMLMap | YAMLSeq): TextEdit | undefined {
  if (collection.items.length !== 1 || path.length < 2) return undefined;
  const key = doc.find(path.slice(0, -1))?.key;
  if (!key?.range) return undefined;
  const colon = doc.text.indexOf(':', key.range[1]);
  if (colon < 0) return undefined;
  return { range: doc.range(colon + 1, colon + 1), newText: isSeq(collection) ? ' []' : ' {}' };
}

/** Removes one item of a flow collection with the separator next to it: `[a, b]` -> `[a]`. */
function removeFlowItem(doc: PolicyDocument, items: Node[], i: number, start: number, end: number): TextEdit {
  const from = i > 0 ? items[i - 1].range![1] : start;
  const to = i > 0 ? end : (items[i + 1]?.range?.[0] ?? end);
  return { range: doc.range(from, to), newText: '' };
}

/** Removes the list entry at `path` (its whole line in a block list). */
export function removeEntry(doc: PolicyDocument, path: YamlPath): TextEdit[] | undefined {
  const found = doc.find(path);
  const node = found?.node;
  if (!found || !node?.range || !isSeq(found.parent)) return undefined;
  const i = path[path.length - 1] as number;
  if (found.parent.flow) return [removeFlowItem(doc, found.parent.items as Node[], i, node.range[0], node.range[1])];
  const emptied = emptiedValue(doc, path, found.parent);
  return [...(emptied ? [emptied] : []), { range: wholeLines(doc, node.range[0], node.range[1]), newText: '' }];
}

/** Removes the key at `path` with its value. */
export function removeKey(doc: PolicyDocument, path: YamlPath): TextEdit[] | undefined {
  const found = doc.find(path);
  const key = found?.key;
  if (!found || !key?.range || !isMap(found.parent)) return undefined;
  const end = found.node?.range?.[1] ?? key.range[1];
  if (found.parent.flow) {
    const items = found.parent.items.map((p) => p.key as Node);
    const i = items.indexOf(key);
    const prevEnd = i > 0 ? ((found.parent.items[i - 1].value as Node | null)?.range?.[1] ?? items[i - 1].range![1]) : undefined;
    const from = prevEnd ?? key.range[0];
    const to = prevEnd !== undefined ? end : (items[i + 1]?.range?.[0] ?? end);
    return [{ range: doc.range(from, to), newText: '' }];
  }
  const emptied = emptiedValue(doc, path, found.parent);
  return [...(emptied ? [emptied] : []), { range: wholeLines(doc, key.range[0], Math.max(end - 1, key.range[1])), newText: '' }];
}

/** Adds `fields` (name -> YAML text) to the mapping at `path`, in its own style. */
export function addFields(doc: PolicyDocument, path: YamlPath, fields: [string, string][]): TextEdit[] | undefined {
  const eol = eolOf(doc);
  const found = doc.find(path);
  const map = found?.node;
  if (isMap(map) && map.flow && map.range) {
    // `{id: x}` -> `{id: x, title: T}`: insert before the closing brace.
    const close = doc.text.lastIndexOf('}', map.range[1]);
    const text = fields.map(([f, v]) => `${f}: ${v}`).join(', ');
    const at = doc.text.slice(0, close).replace(/\s+$/, '').length;
    return [{ range: doc.range(at, at), newText: map.items.length ? `, ${text}` : text }];
  }
  if (isMap(map) && map.range) {
    const first = map.items[0]?.key as Node | undefined;
    const indent = first?.range ? ' '.repeat(doc.positionAt(first.range[0]).character) : '  ';
    const lastLine = doc.positionAt(Math.max(map.range[1] - 1, map.range[0])).line;
    const [, eolAt] = doc.lineBounds(lastLine);
    return [{ range: doc.range(eolAt, eolAt), newText: fields.map(([f, v]) => `${eol}${indent}${f}: ${v}`).join('') }];
  }
  if (found?.key?.range && (map === null || map === undefined || (isScalar(map) && map.value === null))) {
    // `metadata:` with nothing under it (or an explicit `~`, which goes).
    const keyLine = doc.positionAt(found.key.range[0]);
    const indent = ' '.repeat(keyLine.character + 2);
    const [, eolAt] = doc.lineBounds(keyLine.line);
    const explicit =
      map?.range && map.range[1] > map.range[0] ? [{ range: doc.range(map.range[0], map.range[1]), newText: '' }] : [];
    return [
      ...explicit,
      { range: doc.range(eolAt, eolAt), newText: fields.map(([f, v]) => `${eol}${indent}${f}: ${v}`).join('') },
    ];
  }
  return undefined;
}

/** Writes a new top-level section: before the first key of the policy, or at the end of a file of comments. */
export function addSection(doc: PolicyDocument, name: string, fields: [string, string][]): TextEdit {
  const eol = eolOf(doc);
  const body = `${name}:${eol}${fields.map(([f, v]) => `  ${f}: ${v}${eol}`).join('')}`;
  const root = doc.root;
  if (isMap(root) && root.range && !root.flow) {
    const at = doc.lineBounds(doc.positionAt(root.range[0]).line)[0];
    return { range: doc.range(at, at), newText: body };
  }
  const end = doc.text.length;
  const needsBreak = end > 0 && !/[\r\n]$/.test(doc.text);
  return { range: doc.range(end, end), newText: `${needsBreak ? eol : ''}${body}` };
}
