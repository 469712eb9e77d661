// Schema errors in plain words, each on the exact node it concerns: a missing field on its parent key,
// an unknown key on the key, a wrong type, value or pattern on the value.
import type { ErrorObject } from 'ajv';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { describeKind } from '../policy/pythonValues';
import type { DiagnosticCode, FixData } from './diagnosticCodes';
import { makeDiagnostic } from './makeDiagnostic';
import { pathToString, type PolicyDocument, type YamlPath } from './policyDocument';
import { schemaAt, validatePolicy } from './policySchema';

function parsePointer(pointer: string): YamlPath {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => {
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

export function schemaDiagnostics(doc: PolicyDocument, suppress: (path: YamlPath) => boolean = () => false): Diagnostic[] {
  const value = doc.value;
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const errors = validatePolicy(value);
  // A failed oneOf reports every branch as well; keep only the oneOf itself.
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'uniqueItems') continue; // reported per entry by duplicateEntries
    if (e.keyword !== 'oneOf' && oneOfPaths.some((p) => e.schemaPath.startsWith(`${p}/`))) continue;
    const path = parsePointer(e.instancePath);
    if (suppress(path)) continue;
    const d = toDiagnostic(doc, e, path, valueAt(value, path));
    const key = `${d.range.start.line}:${d.range.start.character}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

function keyRange(doc: PolicyDocument, path: YamlPath): Range {
  const found = doc.find(path);
  const node = found?.key ?? found?.node;
  return doc.nodeRange(node) ?? doc.range(0, doc.lineBounds(0)[1]);
}

function valueRange(doc: PolicyDocument, path: YamlPath): Range {
  const found = doc.find(path);
  return doc.nodeRange(found?.node) ?? doc.nodeRange(found?.key) ?? doc.range(0, doc.lineBounds(0)[1]);
}

function toDiagnostic(doc: PolicyDocument, e: ErrorObject, path: YamlPath, actual: unknown): Diagnostic {
  const schema = schemaAt(path);
  const err = (range: Range, code: DiagnosticCode, message: string, data?: FixData) =>
    makeDiagnostic(range, DiagnosticSeverity.Error, code, message, data ?? { path });
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      if (path.length === 0) {
        return err(doc.range(0, doc.lineBounds(0)[1]), 'missing-field', `The policy has no \`${missing}\` section; every pack needs \`metadata\` with id, title, description and version.`, { path, missing: [missing] });
      }
      return err(keyRange(doc, path), 'missing-field', `${name(path)} is missing the required field \`${missing}\`.`, { path, missing: [missing] });
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(schema?.properties ?? {}).join(', ');
      return err(keyRange(doc, [...path, extra]), 'unknown-key', `${name(path)} does not allow \`${extra}\`; allowed keys: ${allowed}.`, { path: [...path, extra] });
    }
    case 'type': {
      const expected = (e.params as { type: string }).type;
      const words = expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
      const hint = expected === 'string' && typeof actual !== 'object' ? ' Quote it to keep it a string.' : '';
      return err(valueRange(doc, path), 'wrong-type', `${name(path)} must be ${words}, but it is ${describeKind(actual)}.${hint}`);
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
