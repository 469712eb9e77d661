// schemas/policy.schema.json's validators, for every reader that validates a policy: the backend's
// CAVRA-worded errors use CAVRA's schema as it is, the language service's diagnostics the same schema
// with its lists judged entry by entry (see Schema). They are compiled when the bundles are built
// (scripts/policyValidators.mjs), so nothing is compiled at run time.
import type { SchemaValidator, SchemaValidators } from 'cavra:policy-validators';
import schemaJson from '../../../schemas/policy.schema.json';

export type { SchemaValidator };

/** The schema document itself (hover text, completion items and enum descriptions read it). */
export const policySchemaDocument: { readonly $id?: string; readonly [key: string]: unknown } = schemaJson;

let validators: Record<Schema, SchemaValidators> | undefined;

function loaded(): Record<Schema, SchemaValidators> {
  // Loaded on first use, not at the top: most CLI commands (approval list, evidence, keys…) never
  // validate a policy. esbuild keeps a require() lazy in the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validators ??= require('cavra:policy-validators') as Record<Schema, SchemaValidators>;
  return validators;
}

/**
 * `cavra`: the schema as CAVRA has it. `entrywise`: its list definitions without `uniqueItems`, for the
 * language service, which reports a repeated entry on the entry (duplicateEntries.ts) and never shows the
 * whole-list error; checking it was most of a large pack's validation. Every other error is the same.
 */
export type Schema = 'cavra' | 'entrywise';

/** The whole-policy validator. */
export function policyValidator(schema: Schema): SchemaValidator {
  return loaded()[schema].policy;
}

/** The validator of one `$defs` entry. */
export function definitionValidator(definition: string, schema: Schema): SchemaValidator {
  const validate = loaded()[schema][definition];
  if (!validate) throw new Error(`schemas/policy.schema.json has no $defs/${definition}`);
  return validate;
}
