// Schema errors in plain words, each on the exact node it concerns: a missing field on its parent key,
// an unknown key on the key, a wrong type, value or pattern on the value.
import type { ErrorObject } from 'ajv';
import { isMap, isScalar, type Node } from 'yaml';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { describeKind } from '../policy/pythonValues';
import type { DiagnosticCode, FixData } from './diagnosticCodes';
import { makeDiagnostic } from './makeDiagnostic';
import { pathToString, type PolicyDocument, type YamlPath } from './parse/policyDocument';
import { jsonPointer, listDefinitionAt, schemaAt, validateList, validatePolicy, type ListDefinition } from './policySchema';

function parsePointer(pointer: string): YamlPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      const seg = s.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : seg;
    });
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v = root as Record<string | number, unknown> | undefined;
  for (const seg of path) v = v?.[seg] as Record<string | number, unknown> | undefined;
  return v;
}

const name = (path: YamlPath) => `\`${pathToString(path)}\``;

/** The one rule about a list as a whole: reported per entry by duplicateEntries, so never kept or shown here. */
const notUniqueItems = (e: ErrorObject) => e.keyword !== 'uniqueItems';

/** Where in a list an edit replaced entries: `removed` old ones from `at` on, by `added` new ones. */
export interface ListSplice {
  at: number;
  removed: number;
  added: number;
}

/**
 * The schema errors of a document's value, kept so that an edit of one list validates that list
 * alone: its errors depend on nothing else, and take the place of its old ones. In a shared list
 * definition each entry is judged alone (a string, not empty), so with the splice known only the new
 * entries are validated and the errors after them renumbered: O(entries edited + errors in the list),
 * not O(list).
 */
export class SchemaErrors {
  errors: ErrorObject[];
  /** List entries validated again by edits so far (counted work: test/unit/language/keystrokeWork.test.ts). */
  entriesValidated = 0;

  constructor(value: unknown) {
    this.errors = isPolicyMapping(value) ? validatePolicy(value).filter(notUniqueItems) : [];
  }

  /** After an edit of the list at `path` in `value`; answers false when only a whole validation can tell. */
  update(value: unknown, path: YamlPath, splice?: ListSplice): boolean {
    const definition = listDefinitionAt(path);
    if (!definition || !isPolicyMapping(value)) return false;
    const pointer = jsonPointer(path);
    const inList = (e: ErrorObject) => e.instancePath === pointer || e.instancePath.startsWith(`${pointer}/`);
    const first = this.errors.findIndex(inList);
    let end = first < 0 ? 0 : first;
    while (first >= 0 && end < this.errors.length && inList(this.errors[end])) end++;
    if (first >= 0 && this.errors.slice(end).some(inList)) return false;
    const list = valueAt(value, path);
    const old = first < 0 ? [] : this.errors.slice(first, end);
    const alone = splice && Array.isArray(list) && old.every((e) => e.instancePath !== pointer);
    this.entriesValidated += alone ? splice.added : Array.isArray(list) ? list.length : 1;
    const fresh = alone
      ? spliceErrors(definition, path, pointer, list, old, splice)
      : validateList(definition, path, list).filter(notUniqueItems);
    // Where new errors would go among the others is the validator's business: only replace a run.
    if (first < 0) return fresh.length === 0;
    this.errors.splice(first, end - first, ...fresh);
    return true;
  }
}

/** The list's errors after a splice: those before it kept, the new entries validated, those after renumbered. */
function spliceErrors(
  definition: ListDefinition,
  path: YamlPath,
  pointer: string,
  list: unknown[],
  old: ErrorObject[],
  { at, removed, added }: ListSplice,
): ErrorObject[] {
  const indexOf = (e: ErrorObject) => Number(e.instancePath.slice(pointer.length + 1).split('/')[0]);
  const renumbered = (e: ErrorObject, i: number): ErrorObject => ({
    ...e,
    instancePath: `${pointer}/${i}${e.instancePath.slice(pointer.length + 1 + String(indexOf(e)).length)}`,
  });
  const out = old.filter((e) => indexOf(e) < at);
  for (let i = at; i < at + added; i++)
    for (const e of validateList(definition, path, [list[i]]).filter(notUniqueItems)) out.push(renumbered(e, i));
  for (const e of old) if (indexOf(e) >= at + removed) out.push(renumbered(e, indexOf(e) + added - removed));
  return out;
}

function isPolicyMapping(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function schemaDiagnostics(
  doc: PolicyDocument,
  suppress: (path: YamlPath) => boolean = () => false,
  rawErrors?: ErrorObject[],
): Diagnostic[] {
  const value = doc.value;
  if (!isPolicyMapping(value)) return [];
  const errors = withoutUnmatchedBranches(rawErrors ?? validatePolicy(value));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const missingAt = new Map<string, Diagnostic>();
  for (const e of errors) {
    if (e.keyword === 'uniqueItems') continue; // reported per entry by duplicateEntries
    const path = parsePointer(e.instancePath);
    if (suppress(path)) continue;
    const d = toDiagnostic(doc, e, path, valueAt(value, path));
    // One diagnostic per mapping lists every missing field, so one quick fix adds them all.
    if (e.keyword === 'required') {
      const earlier = missingAt.get(e.instancePath);
      if (earlier) {
        (earlier.data as FixData).missing!.push(...(d.data as FixData).missing!);
        earlier.message = missingMessage(path, (earlier.data as FixData).missing!);
        continue;
      }
      missingAt.set(e.instancePath, d);
    }
    const key = `${d.range.start.line}:${d.range.start.character}:${typeof d.message === 'string' ? d.message : d.message.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/**
 * A failed oneOf reports every branch. When the value has the type of exactly one branch (a list for
 * `inherits`), that branch's own errors say what is wrong; otherwise the oneOf alone does.
 */
function withoutUnmatchedBranches(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const one of errors.filter((e) => e.keyword === 'oneOf')) {
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      const m = e.schemaPath.startsWith(`${one.schemaPath}/`)
        ? /^\/(\d+)\//.exec(e.schemaPath.slice(one.schemaPath.length))
        : null;
      if (m) branches.set(m[1], [...(branches.get(m[1]) ?? []), e]);
    }
    const typed = [...branches.values()].filter(
      (errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === one.instancePath),
    );
    const keep = typed.length === 1 ? typed[0] : [];
    if (keep.length) drop.add(one);
    for (const errs of branches.values()) for (const e of errs) if (!keep.includes(e)) drop.add(e);
  }
  return errors.filter((e) => !drop.has(e));
}

function missingMessage(path: YamlPath, missing: string[]): string {
  const list = missing.map((f) => `\`${f}\``);
  const words = list.length > 1 ? `fields ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : `field ${list[0]}`;
  return `${name(path)} is missing the required ${words}.${path.length === 1 && path[0] === 'metadata' && missing.includes('version') ? MISSING_VERSION : ''}`;
}

/**
 * CAVRA's schema requires `metadata.version`, while CAVRA's draft fills in a dated one when it is
 * missing: both stand, and the message says what the fill-in costs.
 */
const MISSING_VERSION =
  " A CAVRA draft would fill in today's date as the version (YYYY.MM.DD), so the pack's digest would change from day to day; set `version` yourself.";

/** The first key of the policy: where a missing top-level section is reported. */
function firstKeyRange(doc: PolicyDocument): Range {
  const root = doc.root;
  const first = isMap(root) ? (root.items[0]?.key as Node | undefined) : undefined;
  return doc.nodeRange(first) ?? doc.range(0, doc.lineBounds(0)[1]);
}

/**
 * The key of the nearest part of `path` written in this file. A value that came in through a merge
 * key or an alias has no node of its own, so its error is shown on the closest key that does.
 */
function nearestKey(doc: PolicyDocument, path: YamlPath): Range | undefined {
  for (let i = path.length - 1; i >= 1; i--) {
    const found = doc.find(path.slice(0, i));
    const range = doc.nodeRange(found?.key ?? found?.node);
    if (range) return range;
  }
  return undefined;
}

function keyRange(doc: PolicyDocument, path: YamlPath): Range {
  const found = doc.find(path);
  const node = found?.key ?? found?.node;
  return doc.nodeRange(node) ?? nearestKey(doc, path) ?? doc.range(0, doc.lineBounds(0)[1]);
}

/** The value's range; an absent value (`key:` with nothing after it) is reported on its key. */
function valueRange(doc: PolicyDocument, path: YamlPath): Range {
  const found = doc.find(path);
  const node = found?.node;
  const empty = !node?.range || (isScalar(node) && node.value === null && node.range[0] === node.range[1]);
  return (
    (empty ? undefined : doc.nodeRange(node)) ??
    doc.nodeRange(found?.key) ??
    nearestKey(doc, path) ??
    doc.range(0, doc.lineBounds(0)[1])
  );
}

/** A plain scalar's text in double quotes (what the author typed, as a string), if the value is one. */
function quotedSource(doc: PolicyDocument, path: YamlPath): string | undefined {
  const node = doc.find(path)?.node;
  if (!isScalar(node) || node.type !== 'PLAIN' || !node.range || node.value === null) return undefined;
  return JSON.stringify(doc.text.slice(node.range[0], node.range[1]));
}

function toDiagnostic(doc: PolicyDocument, e: ErrorObject, path: YamlPath, actual: unknown): Diagnostic {
  const schema = schemaAt(path);
  const err = (range: Range, code: DiagnosticCode, message: string, data?: FixData) =>
    makeDiagnostic(range, DiagnosticSeverity.Error, code, message, data ?? { path });
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      if (path.length === 0) {
        return err(
          firstKeyRange(doc),
          'missing-field',
          `The policy has no \`${missing}\` section; every pack needs \`metadata\` with id, title, description and version.`,
          { path, missing: [missing] },
        );
      }
      return err(keyRange(doc, path), 'missing-field', missingMessage(path, [missing]), { path, missing: [missing] });
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(schema?.properties ?? {}).join(', ');
      return err(
        keyRange(doc, [...path, extra]),
        'unknown-key',
        `${name(path)} does not allow \`${extra}\`; allowed keys: ${allowed}.`,
        { path: [...path, extra] },
      );
    }
    case 'type': {
      const expected = (e.params as { type: string }).type;
      const words = expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
      const quoted = expected === 'string' ? quotedSource(doc, path) : undefined;
      const hint = quoted ? ` Quote it to keep it a string: ${quoted}.` : '';
      // A mapping left empty (`metadata:` and nothing under it) can be filled with its required keys.
      const missing =
        expected === 'object' && actual === null && schema?.required?.length ? { missing: [...schema.required] } : {};
      return err(
        valueRange(doc, path),
        'wrong-type',
        `${name(path)} must be ${words}, but it is ${describeKind(actual)}.${hint}`,
        { path, ...(quoted ? { replacements: [quoted] } : {}), ...missing },
      );
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.join(', ');
      return err(valueRange(doc, path), 'invalid-value', `${name(path)} must be one of ${allowed}.`);
    }
    case 'pattern': {
      const words = schema?.['x-pattern-words'];
      const isId = path.length === 2 && path[0] === 'metadata' && path[1] === 'id';
      const message = `${name(path)} must be ${words ?? `a string matching ${(e.params as { pattern: string }).pattern}`} (pattern ${(e.params as { pattern: string }).pattern}).`;
      return err(valueRange(doc, path), isId ? 'invalid-id' : 'schema', message);
    }
    case 'minLength':
      return err(valueRange(doc, path), 'empty-value', `${name(path)} must not be empty.`);
    case 'minItems':
      return err(valueRange(doc, path), 'empty-value', `${name(path)} must list at least one entry.`);
    case 'oneOf': {
      const words = schema?.['x-one-of-words'] ?? 'one of the allowed shapes';
      return err(valueRange(doc, path), 'wrong-type', `${name(path)} must be ${words}, but it is ${describeKind(actual)}.`);
    }
    default:
      return err(valueRange(doc, path), 'schema', `${name(path) || 'The policy'} ${e.message ?? 'is invalid'}.`);
  }
}
