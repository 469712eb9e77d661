// schemas/policy.schema.json compiled to JavaScript when the bundles are built (ajv's standalone code),
// not when a server or CLI first validates: compiling it at run time cost ~70 ms of every start (the
// language server's first open waited for it) and needs `new Function`, which a web worker's content
// security policy may refuse. Bundles import the result as `cavra:policy-validators`
// (server/src/policy/policyValidators.d.ts); the validators are the ones ajv would compile from the same
// schema with the same options, so errors are identical (test/unit/policy/policyValidators.test.ts).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Resolved from the repository (builds run from its root), not from import.meta: a test bundles this
// file into CommonJS to compare the validators with ajv's.
const require = createRequire(resolve('package.json'));

/** The options every validator of the policy schema is compiled with. */
export const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false };

/** The CommonJS source exporting `policy` and one validator per `$defs` entry. */
export function policyValidatorsSource(schemaFile = resolve('schemas/policy.schema.json')) {
  const Ajv = require('ajv/dist/2020').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  ajv.addSchema(schema);
  const refs = { policy: schema.$id };
  for (const name of Object.keys(schema.$defs ?? {})) refs[name] = `${schema.$id}#/$defs/${name}`;
  return standaloneCode(ajv, refs);
}

/** esbuild: `cavra:policy-validators` is the generated source (ajv's runtime helpers resolve from the repo). */
export const policyValidatorsPlugin = {
  name: 'policy-validators',
  setup(build) {
    build.onResolve({ filter: /^cavra:policy-validators$/ }, () => ({ path: 'policy-validators', namespace: 'cavra' }));
    build.onLoad({ filter: /.*/, namespace: 'cavra' }, () => ({
      contents: policyValidatorsSource(),
      loader: 'js',
      resolveDir: resolve('.'),
      watchFiles: [resolve('schemas/policy.schema.json')],
    }));
  },
};
