// Values that YAML 1.1 (CAVRA's PyYAML) and YAML 1.2 (most editors and tools) read differently, and
// metadata strings that CAVRA will turn into something other than what was typed.
import { isScalar, visit, type Node, type Scalar } from 'yaml';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { resolvePlainPy } from '../../policy/pyyamlSchema';
import { PyFloat, PyTimestamp, pyStr, type PyValue } from '../../policy/pythonValues';
import type { FixData } from '../diagnosticCodes';
import { makeDiagnostic } from '../makeDiagnostic';
import type { PolicyDocument, YamlPath } from '../parse/policyDocument';
import { schemaAt } from '../policySchema';

/** Only these first characters can start a scalar that either version reads as non-string. */
const CANDIDATE = /^[-+.0-9~yYnNoOtTfF]/;

type Reading = { kind: 'null' | 'bool' | 'int' | 'float' | 'date' | 'string'; text: string };

function core12(s: string): Reading {
  if (/^(?:~|null|Null|NULL)$/.test(s)) return { kind: 'null', text: 'null' };
  if (/^(?:true|True|TRUE)$/.test(s)) return { kind: 'bool', text: 'true' };
  if (/^(?:false|False|FALSE)$/.test(s)) return { kind: 'bool', text: 'false' };
  if (/^[-+]?[0-9]+$/.test(s)) return { kind: 'int', text: String(parseInt(s, 10)) };
  if (/^0o[0-7]+$/.test(s)) return { kind: 'int', text: String(parseInt(s.slice(2), 8)) };
  if (/^0x[0-9a-fA-F]+$/.test(s)) return { kind: 'int', text: String(parseInt(s.slice(2), 16)) };
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return { kind: 'float', text: String(Number(s)) };
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return { kind: 'float', text: s.startsWith('-') ? '-Infinity' : 'Infinity' };
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return { kind: 'float', text: 'NaN' };
  return { kind: 'string', text: s };
}

function py11(s: string): Reading {
  const v = resolvePlainPy(s) as PyValue;
  if (v === null) return { kind: 'null', text: 'null' };
  if (typeof v === 'boolean') return { kind: 'bool', text: String(v) };
  if (typeof v === 'number') return { kind: 'int', text: String(v) };
  if (v instanceof PyFloat) return { kind: 'float', text: String(v.value) };
  if (v instanceof PyTimestamp) return { kind: 'date', text: v.pyStr };
  return { kind: 'string', text: String(v) };
}

function words(r: Reading): string {
  switch (r.kind) {
    case 'null':
      return 'null (no value)';
    case 'bool':
      return `the boolean ${r.text}`;
    case 'int':
      return `the integer ${r.text}`;
    case 'float':
      return `the number ${r.text}`;
    case 'date':
      return `the date ${r.text}`;
    default:
      return `the string ${JSON.stringify(r.text)}`;
  }
}

/** The same value written so that YAML 1.1 and 1.2 agree on it, when CAVRA reads a boolean or number. */
function canonical(r: Reading): string | undefined {
  return r.kind === 'bool' || r.kind === 'int' || (r.kind === 'float' && Number.isFinite(Number(r.text))) ? r.text : undefined;
}

/**
 * What to do about a value the two YAML versions disagree on. Where the schema wants what CAVRA
 * reads (a boolean for `git.require_pull_request`), quoting would make it wrong: write the value
 * every tool reads the same. Elsewhere, quoting keeps the text as typed; the number or boolean CAVRA
 * sees is the other choice.
 */
function adviceFor(src: string, cavra: Reading, schemaType: string | undefined): [string, string[]] {
  const quoted = JSON.stringify(src);
  const plain = canonical(cavra);
  const wanted =
    schemaType === 'boolean' ? 'bool' : schemaType === 'integer' ? 'int' : schemaType === 'number' ? 'float' : undefined;
  if (plain !== undefined && wanted !== undefined && (wanted === cavra.kind || (wanted === 'float' && cavra.kind === 'int'))) {
    return [`Write \`${plain}\` so every tool reads what CAVRA reads.`, [plain]];
  }
  if (plain !== undefined && schemaType !== 'string')
    return [`Quote it if you mean the text, or write \`${plain}\` for the value CAVRA sees.`, [quoted, plain]];
  return ['Quote it if you mean the text.', [quoted]];
}

const METADATA_STRINGS = new Set(['id', 'title', 'description', 'version']);

interface Finding {
  message: string;
  data: FixData;
}

/** What to say about one plain scalar, if anything. `key` and `path` are where `visit` found it. */
function judge(doc: PolicyDocument, node: Scalar, key: unknown, path: readonly unknown[]): Finding | undefined {
  if (node.type !== 'PLAIN' || !node.range || node.tag) return undefined;
  const src = doc.text.slice(node.range[0], node.range[1]);
  if (!CANDIDATE.test(src)) return undefined;
  const cavra = py11(src);
  const other = core12(src);
  if (cavra.kind !== other.kind || cavra.text !== other.text) {
    // A key is a name: the only sensible fix is quoting it.
    const [advice, replacements] =
      key === 'key'
        ? ['Quote it to keep the name.', [JSON.stringify(src)]]
        : adviceFor(src, cavra, schemaAt(doc.at(node.range[0]).path)?.type);
    return {
      message: `CAVRA (YAML 1.1) reads \`${src}\` as ${words(cavra)}; YAML 1.2 tools read it as ${words(other)}. ${advice}`,
      data: { path: [], replacements },
    };
  }
  // Both versions agree, but CAVRA's draft turns metadata fields into text with Python's str().
  const parentPair = path[path.length - 1];
  const grand = path[path.length - 3];
  if (
    key === 'value' &&
    isPairWithKey(parentPair) &&
    METADATA_STRINGS.has(pairKey(parentPair)) &&
    isMetadata(grand) &&
    cavra.kind !== 'string'
  ) {
    const seen = pyStr(resolvePlainPy(src) as PyValue);
    if (seen !== src) {
      return {
        message: `CAVRA reads \`${src}\` as ${words(cavra)}, so the published \`${pairKey(parentPair)}\` becomes ${JSON.stringify(seen)}. Quote it to keep ${JSON.stringify(src)}.`,
        data: { path: [] as YamlPath, replacements: [JSON.stringify(src)] },
      };
    }
  }
  return undefined;
}

/** The findings per scalar, so an edit of a list judges only its new entries. */
export class Yaml11Findings {
  private found = new Map<Scalar, Finding>();

  constructor(doc: PolicyDocument) {
    visit(doc.yaml.doc, {
      Scalar: (key, node, path) => {
        const f = judge(doc, node, key, path);
        if (f) this.found.set(node, f);
      },
    });
  }

  /** List entries replaced by an edit of `doc`: the old ones go, the new ones are judged. */
  update(doc: PolicyDocument, removed: Node[], added: Node[], firstIndex: number): void {
    for (const n of removed) if (isScalar(n)) this.found.delete(n);
    added.forEach((n, i) => {
      const f = isScalar(n) ? judge(doc, n, firstIndex + i, []) : undefined;
      if (f) this.found.set(n as Scalar, f);
    });
  }

  diagnostics(doc: PolicyDocument): Diagnostic[] {
    return [...this.found]
      .sort((a, b) => a[0].range![0] - b[0].range![0])
      .map(([node, f]) =>
        makeDiagnostic(doc.nodeRange(node)!, DiagnosticSeverity.Warning, 'yaml11-difference', f.message, f.data),
      );
  }
}

function isPairWithKey(n: unknown): n is { key: Scalar } {
  return !!n && typeof n === 'object' && 'key' in n && isScalar(n.key);
}
function pairKey(n: { key: Scalar }): string {
  return String(n.key.value);
}
function isMetadata(n: unknown): boolean {
  return isPairWithKey(n) && pairKey(n) === 'metadata';
}
