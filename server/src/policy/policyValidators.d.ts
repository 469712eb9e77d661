// The policy schema's validators, generated when the bundles are built (scripts/policyValidators.mjs).
declare module 'cavra:policy-validators' {
  import type { ErrorObject } from 'ajv/dist/2020';

  /** A validator ajv generated: true when the value is valid, else `errors` says why. */
  export interface SchemaValidator {
    (data: unknown): boolean;
    errors?: ErrorObject[] | null;
  }
  /** One schema's validators: the whole policy pack, and each `$defs` entry alone (a list on an edit). */
  export interface SchemaValidators {
    policy: SchemaValidator;
    patternList: SchemaValidator;
    nameList: SchemaValidator;
    [definition: string]: SchemaValidator | undefined;
  }
  /** CAVRA's schema as it is. */
  export const cavra: SchemaValidators;
  /** The same with its list definitions judged entry by entry (no `uniqueItems`: policy/schemaValidator.ts). */
  export const entrywise: SchemaValidators;
}
