// Completion from the schema and the pack catalog: keys valid at the cursor (snippets for sections),
// enum and boolean values, and pack ids for `inherits`. Works on half-typed lines, so the context is
// read from the text (indentation), with the cached tree used for keys already present.
import { isPackId } from '../policy/packId';
import { isMap } from 'yaml';
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
} from 'vscode-languageserver-types';
import type { PyValue } from '../policy/pythonValues';
import type { Analysis } from './analysis';
import { inheritsList } from './packCatalog';
import { keyString, type PolicyDocument, type YamlPath } from './parse/policyDocument';
import { isEnforced, schemaAt, type SchemaNode } from './policySchema';

const SECTION_SNIPPETS: Record<string, string> = {
  metadata:
    'metadata:\n  id: ${1:cavra-}\n  title: ${2:Title}\n  description: ${3:What this pack protects.}\n  version: "${4:1.0.0}"',
  filesystem: 'filesystem:\n  block_read:\n    - "${1:.env}"\n  require_approval_write:\n    - "${2:.github/workflows/**}"',
  commands: 'commands:\n  block:\n    - "${1:terraform apply*}"\n  allow:\n    - "${2:git status*}"',
  git: 'git:\n  require_pull_request: ${1:true}\n  require_ai_attestation: ${2:true}',
  mcp: 'mcp:\n  block_unknown_servers: true\n  allowed_servers:\n    - ${1:github}',
  approvals: 'approvals:\n  ${1:protected_actions}:\n    approvers:\n      - ${2:Platform Security}',
  evidence: 'evidence:\n  required_fields:\n    - ${1:agent_id}',
  compliance: 'compliance:\n  maps_to:\n    - ${1:NIST SSDF PO.3.2}',
};

const indentOf = (line: string) => line.length - line.trimStart().length;

/** The mapping path the line at `line` with indentation `indent` belongs to, read from the text. */
function parentPath(doc: PolicyDocument, line: number, indent: number): YamlPath {
  const path: YamlPath = [];
  let want = indent;
  for (let l = line - 1; l >= 0 && want > 0; l--) {
    const [s, e] = doc.lineBounds(l);
    const text = doc.text.slice(s, e);
    if (!text.trim() || text.trimStart().startsWith('#')) continue;
    const ind = indentOf(text);
    const m = /^\s*(?:-\s+)?([^\s#:][^:#]*?):\s*(?:#.*)?$/.exec(text);
    if (ind < want && m) {
      path.unshift(m[1].trim());
      want = ind;
    } else if (ind < want) want = ind;
  }
  return path;
}

function doc(schema: SchemaNode | undefined, path: YamlPath) {
  if (!schema?.description) return undefined;
  const enforced = isEnforced(path);
  const note = enforced === false ? "\n\n_Declarative: CAVRA's runtime does not read this key._" : '';
  return { kind: MarkupKind.Markdown, value: schema.description + note };
}

/** Keys for the mapping at `path`; in a flow mapping (`{...}`) a plain `key: ` without block snippets. */
function keyItems(a: Analysis, path: YamlPath, flow = false): CompletionItem[] {
  const schema = schemaAt(path);
  const present = new Set<string>();
  const node = a.doc.find(path)?.node ?? (path.length === 0 ? a.doc.root : undefined);
  if (isMap(node)) for (const p of node.items) present.add(keyString(p.key));
  return Object.entries(schema?.properties ?? {})
    .filter(([k]) => !present.has(k))
    .map(([k, s], i): CompletionItem => {
      const sub = schemaAt([...path, k]);
      // A new pack's id is its folder name (CAVRA publishes to policies/<id>/), when that is a valid id.
      const folderId = a.packFolder && isPackId(a.packFolder) ? a.packFolder : 'cavra-';
      const snippet = path.length === 0 ? SECTION_SNIPPETS[k]?.replace('${1:cavra-}', `\${1:${folderId}}`) : undefined;
      const isList = sub?.type === 'array';
      const isObject = sub?.type === 'object';
      return {
        label: k,
        kind: path.length === 0 ? CompletionItemKind.Module : CompletionItemKind.Property,
        detail: isEnforced([...path, k]) === false ? 'declarative (not read at runtime)' : undefined,
        documentation: doc(s, [...path, k]),
        insertText: flow ? `${k}: $1` : (snippet ?? (isList ? `${k}:\n  - "$1"` : isObject ? `${k}:\n  $1` : `${k}: $1`)),
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: String(i).padStart(3, '0'),
      };
    });
}

/** The ids `metadata.inherits` lists as typed (the tree, not the loaded value: a half-typed file has none). */
function listedParents(a: Analysis): string[] {
  try {
    return inheritsList(a.doc.find(['metadata', 'inherits'])?.node?.toJSON() as PyValue | undefined);
  } catch {
    // `yaml` refuses to convert some trees (a merge key `<<` whose value is not a map): nothing is listed.
    return [];
  }
}

function valueItems(a: Analysis, path: YamlPath): CompletionItem[] {
  const schema = schemaAt(path);
  const keyPath = path.join('.');
  if (keyPath === 'metadata.inherits' || /^metadata\.inherits\.\d+$/.test(keyPath)) {
    const self = a.doc.find(['metadata', 'id'])?.node;
    const selfId = self && 'value' in self ? String((self as { value: unknown }).value) : a.packFolder;
    const listed = new Set(listedParents(a));
    return a.context.catalog
      .all()
      .filter((p) => p.id !== selfId && !listed.has(p.id))
      .map((p) => ({
        label: p.id,
        kind: CompletionItemKind.Reference,
        detail: p.title,
        documentation: p.description,
      }));
  }
  if (schema?.enum) {
    return schema.enum.map((v, i) => ({
      label: v,
      kind: CompletionItemKind.EnumMember,
      documentation: schema.enumDescriptions?.[i],
    }));
  }
  if (schema?.type === 'boolean') return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value }));
  return [];
}

/** The innermost `[` or `{` still open in the text, ignoring quoted strings. */
function innermostOpenBracket(text: string): string | undefined {
  const stack: string[] = [];
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') stack.push(ch);
    else if (ch === ']' || ch === '}') stack.pop();
  }
  return stack[stack.length - 1];
}

/** The path of the value being typed at the cursor, when the syntax tree knows it (flow mappings). */
function astValuePath(a: Analysis, offset: number, key: string): YamlPath | undefined {
  const at = a.doc.at(offset);
  const i = at.path.lastIndexOf(key);
  return i >= 0 ? at.path.slice(0, i + 1) : undefined;
}

export function completion(a: Analysis, position: Position): CompletionList {
  const d = a.doc;
  const [lineStart] = d.lineBounds(position.line);
  const offset = d.offsetAt(position);
  const before = d.text.slice(lineStart, offset);
  const indent = indentOf(before);
  const result = (items: CompletionItem[]): CompletionList => ({ isIncomplete: false, items });
  // `key: val|`, `key: "val|`, or `key: [a, val|` — possibly inside a flow mapping `{key: val|`.
  const valueMatch =
    /(?:^\s*(?:-\s+)?|[{,]\s*)([\w-]+):\s+["']?([\w-]*)$/.exec(before) ??
    /(?:^\s*(?:-\s+)?|[{,]\s*)([\w-]+):\s*\[(?:[^\]]*,)?\s*["']?([\w-]*)$/.exec(before);
  if (valueMatch) {
    const key = valueMatch[1];
    const inFlowMap = /^[{,]/.test(valueMatch[0]);
    const path = (inFlowMap ? astValuePath(a, offset, key) : undefined) ?? [...parentPath(d, position.line, indent), key];
    return result(valueItems(a, path));
  }
  const entryMatch = /^(\s*)-\s+["']?([\w-]*)$/.exec(before);
  if (entryMatch) return result(valueItems(a, [...parentPath(d, position.line, indent + 1), 0]));
  if (/^\s*[\w-]*$/.test(before)) return result(keyItems(a, parentPath(d, position.line, indent)));
  // A key inside a flow mapping: `{id: cavra-x, mo|}`.
  const flowKey = /[{,]\s*([\w-]*)$/.exec(before);
  if (flowKey && innermostOpenBracket(before) === '{') {
    let path = a.doc.at(offset).path;
    if (flowKey[1] && path[path.length - 1] === flowKey[1]) path = path.slice(0, -1);
    if (path.every((s) => typeof s === 'string')) return result(keyItems(a, path, true));
  }
  return result([]);
}
