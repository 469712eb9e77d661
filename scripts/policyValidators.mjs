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

/**
 * The schema the language service validates with: CAVRA's, its list definitions (`$defs`) without
 * `uniqueItems`. The editor reports a repeated entry on the entry itself (server/src/language/
 * duplicateEntries.ts) and drops the schema's whole-list error, and ajv checks uniqueness by keying an
 * object with every entry of the list: most of a large pack's validation (issue 14). Every other error
 * is the same, since with `allErrors` no keyword stops another. `uniqueItems` elsewhere stays (in
 * `metadata.inherits` it decides which `oneOf` branch passes).
 */
export function entrywiseSchema(schema) {
  const copy = JSON.parse(JSON.stringify(schema));
  copy.$id = schema.$id.replace(/\.schema\.json$/, '.entrywise.schema.json');
  for (const definition of Object.values(copy.$defs ?? {})) delete definition.uniqueItems;
  return copy;
}

/**
 * The CommonJS source exporting two sets of validators, `cavra` (CAVRA's schema: the backend's
 * CAVRA-worded errors) and `entrywise` (the language service's), each with `policy` and one validator
 * per `$defs` entry.
 */
export function policyValidatorsSource(schemaFile = resolve('schemas/policy.schema.json')) {
  const Ajv = require('ajv/dist/2020').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const sets = { cavra: schema, entrywise: entrywiseSchema(schema) };
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const refs = {};
  const members = {};
  for (const [set, s] of Object.entries(sets)) {
    ajv.addSchema(s);
    members[set] = [['policy', s.$id], ...Object.keys(s.$defs ?? {}).map((name) => [name, `${s.$id}#/$defs/${name}`])];
    for (const [name, ref] of members[set]) refs[`${set}_${name}`] = ref;
  }
  const grouped = Object.entries(members).map(
    ([set, list]) => `exports.${set} = { ${list.map(([name]) => `${name}: exports.${set}_${name}`).join(', ')} };`,
  );
  return `${standaloneCode(ajv, refs)}\n${grouped.join('\n')}\n`;
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
