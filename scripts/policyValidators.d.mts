// Types of scripts/policyValidators.mjs, for the test that holds the generated validators to ajv's own.
export declare const AJV_OPTIONS: { allErrors: boolean; strict: boolean; validateFormats: boolean };
export declare function policyValidatorsSource(schemaFile?: string): string;
export declare const policyValidatorsPlugin: unknown;
/** The schema with its list definitions (`$defs`) without `uniqueItems`: what the language service validates with. */
export declare function entrywiseSchema(schema: unknown): unknown;
