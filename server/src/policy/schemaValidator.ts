// schemas/policy.schema.json compiled once, on first use, for every reader that validates a policy:
// the language service's diagnostics and the backend's CAVRA-worded errors share this validator.
import type Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import schemaJson from '../../../schemas/policy.schema.json';

/** The schema document itself (hover text, completion items and enum descriptions read it). */
export const policySchemaDocument: { readonly $id?: string; readonly [key: string]: unknown } = schemaJson;

let ajv: Ajv2020 | undefined;
let compiled: ValidateFunction | undefined;

/** The compiled whole-policy validator. */
export function policyValidator(): ValidateFunction {
  if (!compiled) {
    // Loaded here, not at the top: ajv's module costs tens of milliseconds to evaluate, and most CLI commands
    // (approval list, evidence, keys…) never validate a policy. esbuild keeps a require() lazy in the bundle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default;
    ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    compiled = ajv.compile(policySchemaDocument);
  }
  return compiled;
}

/** The validator of one `$defs` entry (compiled with the whole schema). */
export function definitionValidator(definition: string): ValidateFunction {
  policyValidator();
  const validate = ajv!.getSchema(`${policySchemaDocument.$id}#/$defs/${definition}`);
  if (!validate) throw new Error(`schemas/policy.schema.json has no $defs/${definition}`);
  return validate;
}
