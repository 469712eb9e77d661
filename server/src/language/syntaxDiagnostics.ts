// YAML syntax errors, duplicate keys, extra documents and a non-mapping root.
import { isCollection, isMap, isPair, visit, type Node } from 'yaml';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { editOrigin } from './parse/documentEdit';
import { keyString, type PolicyDocument } from './parse/policyDocument';
import { makeDiagnostic } from './makeDiagnostic';

/**
 * Where to show an error the parser placed at a single offset. An empty range at the very end of the
 * file (an unclosed bracket or quote) is moved onto the last character written, so editors show it.
 */
/** The text's length without trailing whitespace (`/\s+$/` on the whole text is quadratic in a run of blanks). */
function trimmedLength(text: string, end = text.length): number {
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

function errorRange(doc: PolicyDocument, start: number, end: number, trimmed: number): Range {
  if (start >= trimmed && trimmed > 0) return doc.range(trimmed - 1, trimmed);
  return doc.range(start, Math.max(end, Math.min(start + 1, doc.text.length)));
}

/** The key nodes that repeat an earlier key of the same mapping, with the line of the first one. */
function duplicateKeys(doc: PolicyDocument): { key: Node; firstLine: number }[] {
  const out: { key: Node; firstLine: number }[] = [];
  visit(doc.yaml.doc, {
    Map(_k, map) {
      if (!isMap(map)) return;
      const first = new Map<string, Node>();
      for (const p of map.items) {
        if (!isPair(p) || !(p.key as Node | null)?.range) continue;
        const name = keyString(p.key);
        const earlier = first.get(name);
        if (earlier) out.push({ key: p.key as Node, firstLine: doc.positionAt(earlier.range![0]).line + 1 });
        else first.set(name, p.key as Node);
      }
    },
  });
  return out;
}

/** Characters PyYAML's reader refuses anywhere in a file ("unacceptable character"). */
const NON_PRINTABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ANY_NON_PRINTABLE = new RegExp(NON_PRINTABLE.source, 'u');
/** Versions known to hold none of them. */
const printable = new WeakSet<PolicyDocument>();
/** Characters scanned for them so far (counted work: test/unit/language/keystrokeWork.test.ts). */
export const scanned = { characters: 0 };

function unacceptableCharacters(doc: PolicyDocument): Diagnostic[] {
  // An edit of a version that had none has none outside its new lines (whole lines, so no surrogate
  // pair is cut): only those are scanned, not the file, on a keystroke.
  const origin = editOrigin(doc);
  if (origin && printable.has(origin.prev)) {
    scanned.characters += origin.newTo - origin.from;
    if (!ANY_NON_PRINTABLE.test(doc.text.slice(origin.from, origin.newTo))) {
      printable.add(doc);
      return [];
    }
  }
  scanned.characters += doc.text.length;
  if (!ANY_NON_PRINTABLE.test(doc.text)) {
    printable.add(doc);
    return [];
  }
  const out: Diagnostic[] = [];
  NON_PRINTABLE.lastIndex = 0;
  for (let m = NON_PRINTABLE.exec(doc.text); m && out.length < 20; m = NON_PRINTABLE.exec(doc.text)) {
    const hex = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    out.push(
      makeDiagnostic(
        doc.range(m.index, m.index + m[0].length),
        DiagnosticSeverity.Error,
        'yaml-syntax',
        `CAVRA's YAML reader (PyYAML) refuses the control character U+${hex} ("unacceptable character #x${hex.toLowerCase()}"), so it cannot load this file. Remove it, or write it as an escape inside double quotes.`,
      ),
    );
  }
  return out;
}

/** A list or mapping used as a key: PyYAML raises "found unhashable key" and CAVRA cannot load the file. */
function unhashableKeys(doc: PolicyDocument): Diagnostic[] {
  // Only explicit (`? `) or flow-collection keys can be collections; most files skip the walk. The
  // character tests first: the pattern alone costs a millisecond per 600 KB, on every keystroke.
  const text = doc.text;
  const explicitKey = text.includes('?') && /(^|\n)[ \t-]*\?/.test(text);
  if (!explicitKey && !((text.includes(']') || text.includes('}')) && /[\]}]\s*:/.test(text))) return [];
  const out: Diagnostic[] = [];
  visit(doc.yaml.doc, {
    Pair(_k, pair) {
      const key = pair.key as Node | null;
      if (isCollection(key) && key.range) {
        out.push(
          makeDiagnostic(
            doc.nodeRange(key)!,
            DiagnosticSeverity.Error,
            'yaml-syntax',
            `A ${isMap(key) ? 'mapping' : 'list'} used as a key: CAVRA's YAML loader raises "found unhashable key" and rejects the whole file.`,
          ),
        );
      }
    },
  });
  return out;
}

export function syntaxDiagnostics(doc: PolicyDocument): Diagnostic[] {
  const out: Diagnostic[] = [...unacceptableCharacters(doc), ...unhashableKeys(doc)];
  const errors = doc.yaml.doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY');
  const trimmed = errors.length ? trimmedLength(doc.text) : 0;
  for (const err of errors) {
    out.push(
      makeDiagnostic(
        errorRange(doc, err.pos[0], err.pos[1], trimmed),
        DiagnosticSeverity.Error,
        'yaml-syntax',
        `YAML syntax error: ${err.message.replace(/ at line \d+, column \d+.*$/s, '')}`,
      ),
    );
  }
  if (doc.yaml.doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) {
    for (const { key, firstLine } of duplicateKeys(doc)) {
      const name = keyString(key);
      out.push(
        makeDiagnostic(
          doc.nodeRange(key)!,
          DiagnosticSeverity.Error,
          'duplicate-key',
          `Duplicate key \`${name}\` (first on line ${firstLine}): CAVRA (PyYAML) silently keeps only this last value.`,
        ),
      );
    }
  }
  for (const w of doc.yaml.doc.warnings) {
    // PyYAML's safe_load refuses a tag it has no constructor for, so for CAVRA this is an error.
    const unknownTag = w.code === 'TAG_RESOLVE_FAILED';
    out.push(
      makeDiagnostic(
        doc.range(w.pos[0], w.pos[1]),
        unknownTag ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        'yaml-syntax',
        unknownTag
          ? `CAVRA's YAML loader (safe_load) has no constructor for the tag \`${doc.text.slice(w.pos[0], w.pos[1])}\` and rejects the whole file.`
          : `YAML: ${w.message}`,
      ),
    );
  }
  if (doc.yaml.extraDocuments.length) {
    const start = doc.yaml.extraDocuments[0].range?.[0] ?? 0;
    const [, lineEnd] = doc.lineBounds(doc.positionAt(start).line);
    out.push(
      makeDiagnostic(
        doc.range(start, Math.max(lineEnd, start + 1)),
        DiagnosticSeverity.Error,
        'multiple-documents',
        'A second YAML document: CAVRA reads exactly one document per policy file. Remove the `---` and what follows, or move it to its own pack.',
      ),
    );
  }
  if (doc.yaml.loadError) {
    out.push(
      makeDiagnostic(
        doc.range(0, doc.lineBounds(0)[1]),
        DiagnosticSeverity.Error,
        'yaml-syntax',
        `The YAML cannot be loaded: ${doc.yaml.loadError}`,
      ),
    );
  }
  if (errors.length === 0 && !doc.yaml.loadError) {
    const v = doc.value;
    if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) out.push(notAMapping(doc, v));
  }
  return out;
}

function notAMapping(doc: PolicyDocument, v: unknown): Diagnostic {
  const root = doc.root;
  if (v === null || v === undefined || !root?.range) {
    // Nothing but comments (or nothing at all): the first line, and a fix that writes the metadata.
    return makeDiagnostic(
      doc.range(0, doc.lineBounds(0)[1]),
      DiagnosticSeverity.Error,
      'not-a-mapping',
      'The policy is empty: CAVRA needs a YAML mapping with a `metadata` section ("Policy must be a YAML object").',
      { path: [], missing: ['metadata'] },
    );
  }
  const end = trimmedLength(doc.text, root.range[1]);
  return makeDiagnostic(
    doc.range(root.range[0], Math.max(end, root.range[0])),
    DiagnosticSeverity.Error,
    'not-a-mapping',
    `A policy must be a YAML mapping with a \`metadata\` section ("Policy must be a YAML object"), not ${Array.isArray(v) ? 'a list' : 'a single value'}.`,
  );
}
