// The outline: sections and lists with their rule counts, list entries as children.
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { countRules } from '../policy/summary';
import type { Analysis } from './languageService';
import { keyString, type PolicyDocument } from './policyDocument';

function symbolFor(doc: PolicyDocument, pair: Pair, value: unknown, depth: number): DocumentSymbol | undefined {
  const key = pair.key as Node;
  const node = pair.value as Node | null;
  if (!key?.range) return undefined;
  const start = key.range[0];
  const end = node?.range?.[1] ?? key.range[1];
  const name = keyString(key);
  const count = countRules(value as never);
  const sym: DocumentSymbol = {
    name,
    detail: isMap(node) || isSeq(node) ? `${count} ${count === 1 ? 'rule' : 'rules'}` : isScalar(node) ? String(node.value) : '',
    kind: isSeq(node) ? SymbolKind.Array : isMap(node) ? (depth === 0 ? SymbolKind.Module : SymbolKind.Object) : SymbolKind.Property,
    range: doc.range(start, Math.max(end, start)),
    selectionRange: doc.range(key.range[0], key.range[1]),
  };
  if (isMap(node)) {
    sym.children = node.items.map((p) => symbolFor(doc, p as Pair, (value as Record<string, unknown>)?.[keyString(p.key)], depth + 1)).filter((s): s is DocumentSymbol => !!s);
  } else if (isSeq(node)) {
    sym.children = node.items.flatMap((item, i) => {
      const n = item as Node;
      if (!n?.range) return [];
      return [{ name: isScalar(n) ? String(n.value) : `[${i}]`, kind: SymbolKind.String, range: doc.range(n.range[0], n.range[1]), selectionRange: doc.range(n.range[0], n.range[1]) }];
    });
  }
  return sym;
}

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const root = a.doc.root;
  if (!isMap(root)) return [];
  const value = (a.doc.value ?? {}) as Record<string, unknown>;
  return root.items.map((p) => symbolFor(a.doc, p as Pair, value[keyString(p.key)], 0)).filter((s): s is DocumentSymbol => !!s);
}
