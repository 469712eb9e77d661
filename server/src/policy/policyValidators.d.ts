// The policy schema's validators, generated when the bundles are built (scripts/policyValidators.mjs).
declare module 'cavra:policy-validators' {
  import type { ErrorObject } from 'ajv/dist/2020';

  /** A validator ajv generated: true when the value is valid, else `errors` says why. */
  export interface SchemaValidator {
    (data: unknown): boolean;
    errors?: ErrorObject[] | null;
  }
  /** The whole policy pack. */
  export const policy: SchemaValidator;
  /** `$defs` entries, validated alone (per list entry on an edit). */
  export const patternList: SchemaValidator;
  export const nameList: SchemaValidator;
}
