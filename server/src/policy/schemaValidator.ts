// schemas/policy.schema.json's validators, for every reader that validates a policy: the language
// service's diagnostics and the backend's CAVRA-worded errors share them. They are compiled when the
// bundles are built (scripts/policyValidators.mjs), so nothing is compiled at run time.
import type { SchemaValidator } from 'cavra:policy-validators';
import schemaJson from '../../../schemas/policy.schema.json';

export type { SchemaValidator };

/** The schema document itself (hover text, completion items and enum descriptions read it). */
export const policySchemaDocument: { readonly $id?: string; readonly [key: string]: unknown } = schemaJson;

let validators: Record<string, SchemaValidator | undefined> | undefined;

function loaded(): Record<string, SchemaValidator | undefined> {
  // Loaded on first use, not at the top: most CLI commands (approval list, evidence, keys…) never
  // validate a policy. esbuild keeps a require() lazy in the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validators ??= require('cavra:policy-validators') as Record<string, SchemaValidator | undefined>;
  return validators;
}

/** The whole-policy validator. */
export function policyValidator(): SchemaValidator {
  return loaded().policy!;
}

/** The validator of one `$defs` entry. */
export function definitionValidator(definition: string): SchemaValidator {
  const validate = loaded()[definition];
  if (!validate) throw new Error(`schemas/policy.schema.json has no $defs/${definition}`);
  return validate;
}
