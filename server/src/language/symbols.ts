// The outline: sections and lists with their rule counts, list entries as children.
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { POLICY_SECTIONS } from '../policy/draft';
import { countRules } from '../policy/summary';
import type { Analysis } from './analysis';
import { keyString, type PolicyDocument } from './parse/policyDocument';

/** A string as its text; any other scalar (a YAML 1.1 number, date or boolean) as it is written. */
function scalarText(doc: PolicyDocument, node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  if (node.value === null || !node.range) return '';
  return doc.text.slice(node.range[0], node.range[1]);
}

/** What the outline says next to a key: CAVRA's rule count inside the seven sections, else the value. */
function detailOf(doc: PolicyDocument, node: Node | null, value: unknown, name: string, inSection: boolean): string {
  if (isScalar(node)) return scalarText(doc, node);
  if (inSection && (isMap(node) || isSeq(node))) {
    const count = countRules(value as never);
    return `${count} ${count === 1 ? 'rule' : 'rules'}`;
  }
  if (isSeq(node)) return `${node.items.length} ${node.items.length === 1 ? 'entry' : 'entries'}`;
  if (name === 'metadata' && isMap(node)) {
    const id = (value as Record<string, unknown> | undefined)?.id;
    return typeof id === 'string' ? id : '';
  }
  return '';
}

/** The end of a node's text without the line breaks and blanks a block collection ends with. */
function trimmedEnd(doc: PolicyDocument, start: number, end: number): number {
  while (end > start && /\s/.test(doc.text[end - 1])) end--;
  return end;
}

function symbolFor(
  doc: PolicyDocument,
  pair: Pair,
  value: unknown,
  depth: number,
  inSection: boolean,
): DocumentSymbol | undefined {
  const key = pair.key as Node;
  const node = pair.value as Node | null;
  if (!key?.range) return undefined;
  const start = key.range[0];
  const end = trimmedEnd(doc, start, node?.range?.[1] ?? key.range[1]);
  const name = keyString(key);
  // VS Code rejects a whole outline holding one symbol with an empty name.
  const label = name === '' ? '""' : name;
  const section = inSection || (depth === 0 && (POLICY_SECTIONS as readonly string[]).includes(name));
  const sym: DocumentSymbol = {
    name: label,
    detail: detailOf(doc, node, value, name, section),
    kind: isSeq(node)
      ? SymbolKind.Array
      : isMap(node)
        ? depth === 0
          ? SymbolKind.Module
          : SymbolKind.Object
        : SymbolKind.Property,
    range: doc.range(start, Math.max(end, key.range[1])),
    selectionRange: doc.range(key.range[0], key.range[1]),
  };
  if (isMap(node)) {
    sym.children = node.items
      .map((p) => symbolFor(doc, p, (value as Record<string, unknown>)?.[keyString(p.key)], depth + 1, section))
      .filter((s): s is DocumentSymbol => !!s);
  } else if (isSeq(node)) {
    sym.children = node.items.flatMap((item, i) => {
      const n = item as Node;
      if (!n?.range) return [];
      return [
        {
          name: isScalar(n) ? scalarText(doc, n) || `[${i}]` : `[${i}]`,
          kind: SymbolKind.String,
          range: doc.range(n.range[0], n.range[1]),
          selectionRange: doc.range(n.range[0], n.range[1]),
        },
      ];
    });
  }
  return sym;
}

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const root = a.doc.root;
  if (!isMap(root)) return [];
  const value = (a.doc.value ?? {}) as Record<string, unknown>;
  return root.items.map((p) => symbolFor(a.doc, p, value[keyString(p.key)], 0, false)).filter((s): s is DocumentSymbol => !!s);
}
