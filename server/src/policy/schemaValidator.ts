// schemas/policy.schema.json compiled once, on first use, for every reader that validates a policy:
// the language service's diagnostics and the backend's CAVRA-worded errors share this validator.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import schemaJson from '../../../schemas/policy.schema.json';

/** The schema document itself (hover text, completion items and enum descriptions read it). */
export const policySchemaDocument: { readonly $id?: string; readonly [key: string]: unknown } = schemaJson;

let ajv: Ajv2020 | undefined;
let compiled: ValidateFunction | undefined;

/** The compiled whole-policy validator. */
export function policyValidator(): ValidateFunction {
  if (!compiled) {
    ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
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
