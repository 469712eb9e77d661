// schemas/policy.schema.json is the single source for validation, hover text and completion.
// Its validators are compiled at build time (policy/schemaValidator.ts, shared with the backend).
import type { ErrorObject } from 'ajv/dist/2020';
import { definitionValidator, policySchemaDocument, policyValidator } from '../policy/schemaValidator';
import type { YamlPath } from './parse/policyDocument';

export interface SchemaNode {
  description?: string;
  type?: string;
  enum?: string[];
  enumDescriptions?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  examples?: unknown[];
  default?: unknown;
  pattern?: string;
  $ref?: string;
  'x-cavra-enforced'?: boolean;
  'x-cavra-runtime'?: string;
  'x-pattern-words'?: string;
  'x-one-of-words'?: string;
  'x-effect'?: 'block' | 'allow' | 'require_approval';
}

export const policySchema = policySchemaDocument as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };

/** The schema's errors for a policy, as the editor shows them: lists judged entry by entry (schemaValidator.ts). */
export function validatePolicy(value: unknown): ErrorObject[] {
  const validate = policyValidator('entrywise');
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** The JSON pointer of a path, as the validator names instances. */
export function jsonPointer(path: YamlPath): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The lists whose schema is one of the shared list definitions: their errors depend on the list alone. */
export type ListDefinition = 'patternList' | 'nameList';

/** The shared list definition the value at `path` must follow, if it is one. */
export function listDefinitionAt(path: YamlPath): ListDefinition | undefined {
  if (path.length !== 2 || typeof path[0] !== 'string' || typeof path[1] !== 'string') return undefined;
  const ref = policySchema.properties?.[path[0]]?.properties?.[path[1]]?.$ref;
  return ref === '#/$defs/patternList' ? 'patternList' : ref === '#/$defs/nameList' ? 'nameList' : undefined;
}

/** A list validated against its definition alone, the errors as the whole document's validation words them. */
export function validateList(definition: ListDefinition, path: YamlPath, list: unknown): ErrorObject[] {
  const validate = definitionValidator(definition, 'entrywise');
  if (validate(list)) return [];
  const pointer = jsonPointer(path);
  return (validate.errors ?? []).map((e) => ({
    ...e,
    instancePath: pointer + e.instancePath,
    schemaPath: e.schemaPath.replace('#/', `#/$defs/${definition}/`),
  }));
}

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node?.$ref) return node;
  const name = node.$ref.replace('#/$defs/', '');
  const { $ref: _ignored, ...rest } = node;
  return { ...policySchema.$defs[name], ...rest };
}

/**
 * schemaAt's answers by path (any list index the same): the schema never changes, and the lint of keys
 * CAVRA's runtime does not read asks for every key of every pack (deref builds a node per `$ref`). Only
 * found nodes are kept, and at most SCHEMA_PATHS of them: names a document invents (servers under
 * `mcp.risk_scoring`) cannot grow it without bound.
 */
const schemaAtPath = new Map<string, SchemaNode>();
const SCHEMA_PATHS = 2000;

/** The schema that describes the value at a path (keys and list indexes), if any. */
export function schemaAt(path: YamlPath): SchemaNode | undefined {
  let key = '';
  for (const seg of path) key += typeof seg === 'number' ? '\u0001' : `\u0000${seg}`;
  let node = schemaAtPath.get(key);
  if (!node) {
    node = resolveSchemaAt(path);
    if (node) {
      if (schemaAtPath.size >= SCHEMA_PATHS) schemaAtPath.clear();
      schemaAtPath.set(key, node);
    }
  }
  return node;
}

function resolveSchemaAt(path: YamlPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = policySchema;
  for (const seg of path) {
    node = deref(node);
    if (!node) return undefined;
    if (typeof seg === 'number') {
      node = node.items ?? node.oneOf?.find((s) => s.type === 'array')?.items;
    } else {
      const prop: SchemaNode | undefined = node.properties?.[seg];
      node = prop ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    }
  }
  return deref(node);
}

/** Keys a mapping at `path` may hold, per the schema. */
export function knownKeys(path: YamlPath): string[] {
  return Object.keys(schemaAt(path)?.properties ?? {});
}

/** Whether CAVRA's runtime evaluator reads the value at this path (inherited from the nearest marker). */
export function isEnforced(path: YamlPath): boolean | undefined {
  let verdict: boolean | undefined;
  for (let i = 0; i <= path.length; i++) {
    const s = schemaAt(path.slice(0, i));
    if (s?.['x-cavra-enforced'] !== undefined) verdict = s['x-cavra-enforced'];
  }
  return verdict;
}
