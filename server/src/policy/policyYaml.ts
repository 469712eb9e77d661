// Reading policy.yaml the way CAVRA does (PyYAML safe_load, YAML 1.1 scalars), keeping the syntax tree
// so that every finding can point at an exact range.
import {
  Document,
  parseAllDocuments,
  parseDocument,
  type ParseOptions,
  type DocumentOptions,
  type SchemaOptions,
  type ToJSOptions,
} from 'yaml';
import { readBlockPolicyValue } from './blockPolicyValue';
import { readFlowYaml } from './flowYaml';
import { pyyamlScalarTags } from './pyyamlSchema';
import type { PyValue } from './pythonValues';

const REPLACED = new Set([
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:timestamp',
]);

export const policyYamlOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
  customTags: (tags) => [...pyyamlScalarTags, ...tags.filter((t) => typeof t === 'string' || !REPLACED.has(t.tag))],
};

/** Alias expansion is bounded: an alias bomb stops with an error instead of eating memory. */
export const toJsOptions: ToJSOptions = { maxAliasCount: 1000 };

export interface PolicyYaml {
  /** The first YAML document (CAVRA's safe_load refuses streams with more than one). */
  doc: Document.Parsed;
  /** Extra documents after the first one, reported as errors. */
  extraDocuments: Document.Parsed[];
  /** The value CAVRA would load, or undefined when the YAML does not load. */
  value: PyValue | undefined;
  /** Why the value could not be built (alias limit, etc.), when it could not. */
  loadError?: string;
}

/** A line that may start or end a document, or a directive: only then can the text hold several documents. */
const DOCUMENT_MARKER = /^\uFEFF?(?:---|\.\.\.|%)/m;

function singleDocument(text: string): Document.Parsed[] {
  const doc = parseDocument(text, policyYamlOptions);
  // A `---` the line test missed (error recovery can start a document mid-line): read the stream.
  if (doc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) return parseAllDocuments(text, policyYamlOptions) as Document.Parsed[];
  // Nothing but comments and blank lines: no document at all, as parseAllDocuments says.
  return doc.contents === null && !doc.errors.length && !doc.warnings.length ? [] : [doc];
}

/**
 * Whether a text ends a line at a `\r` not followed by `\n`. PyYAML (and VS Code) do; the `yaml` package
 * does not, so {@link parsePolicyYaml} reads each as a `\n` (same length, same offsets).
 */
export function hasLoneCarriageReturn(text: string): boolean {
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

export function parsePolicyYaml(source: string): PolicyYaml {
  const text = hasLoneCarriageReturn(source) ? source.replace(/\r(?!\n)/g, '\n') : source;
  // One document (the usual case): parseDocument, without collecting a stream.
  const docs = DOCUMENT_MARKER.test(text) ? parseAllDocuments(text, policyYamlOptions) : singleDocument(text);
  const all = Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed];
  const doc = all[0] ?? (new Document(null, policyYamlOptions) as Document.Parsed);
  let value: PyValue | undefined;
  let loadError: string | undefined;
  // PyYAML keeps the last of duplicate keys without complaint, so a value still exists (last wins).
  if (doc.errors.every((e) => e.code === 'DUPLICATE_KEY')) {
    try {
      value = doc.toJS(toJsOptions) as PyValue;
    } catch (e) {
      loadError = (e as Error).message;
    }
  }
  return { doc, extraDocuments: all.slice(1), value, loadError };
}

/** Texts loadPolicyValue has read, by reader: the work the CLI's catalog and validate tests count. */
export const policyLoads = { block: 0, flow: 0, yaml: 0 };

/** For the CLI and the backends: the loaded value, or an error saying where the YAML is wrong. */
export function loadPolicyValue(text: string, file: string): PyValue {
  // Nearly every policy is block style: its value is read without a syntax tree; one written as JSON by
  // the flow reader; the rest by `yaml`.
  const block = readBlockPolicyValue(text);
  if (block !== undefined) {
    policyLoads.block++;
    return block;
  }
  const flow = readFlowYaml(text, policyYamlOptions);
  if (flow) {
    policyLoads.flow++;
    return flow.value;
  }
  policyLoads.yaml++;
  const parsed = parsePolicyYaml(text);
  const err = parsed.doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  if (err) throw new Error(`${file}: invalid YAML: ${err.message}`);
  const tag = parsed.doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tag) throw new Error(`${file}: CAVRA's YAML loader (safe_load) cannot construct this value: ${tag.message}`);
  if (parsed.extraDocuments.length) throw new Error(`${file}: expected a single YAML document`);
  if (parsed.loadError) throw new Error(`${file}: ${parsed.loadError}`);
  return parsed.value ?? null;
}
