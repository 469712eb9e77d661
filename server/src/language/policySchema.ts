// schemas/policy.schema.json is the single source for validation, hover text and completion.
// It is bundled into the server and compiled once.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import schemaJson from '../../../schemas/policy.schema.json';
import type { YamlPath } from './policyDocument';

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

export const policySchema = schemaJson as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };

let compiled: ValidateFunction | undefined;

/** The compiled validator (compiled on first use, then reused for every document). */
export function validatePolicy(value: unknown): ErrorObject[] {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    compiled = ajv.compile(policySchema);
  }
  return compiled(value) ? [] : [...(compiled.errors ?? [])];
}

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node?.$ref) return node;
  const name = node.$ref.replace('#/$defs/', '');
  const { $ref: _ignored, ...rest } = node;
  return { ...policySchema.$defs[name], ...rest };
}

/** The schema that describes the value at a path (keys and list indexes), if any. */
export function schemaAt(path: YamlPath): SchemaNode | undefined {
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
