// The policy schema's validators are generated when the bundles are built (scripts/policyValidators.mjs),
// not compiled at run time. They must say exactly what ajv compiling the same schema with the same
// options says: validity and every error (path, keyword, params, message), on every policy this
// repository holds, on generated packs of every shape, and on values broken in each way the schema
// checks. The language service's entrywise validators (lists without `uniqueItems`) must say what ajv
// says of the entrywise schema, and that must be CAVRA's errors less the lists' `uniqueItems` ones, which
// the editor never shows (it reports a repeated entry on the entry).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { parse } from 'yaml';
import { AJV_OPTIONS, entrywiseSchema } from '../../../scripts/policyValidators.mjs';
import schema from '../../../schemas/policy.schema.json';
import { definitionValidator, policyValidator, type SchemaValidator } from '../../../server/src/policy/schemaValidator';
import { generatePolicy, SHAPES } from '../../bench/measure/policyGenerator';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** What a validator says of a value: valid, or its errors. */
function verdict(validate: SchemaValidator, value: unknown): unknown {
  return validate(value) ? 'valid' : validate.errors;
}

describe('policy schema validators generated at build time', () => {
  const ajv = new Ajv2020(AJV_OPTIONS);
  ajv.addSchema(schema);
  const entrywise = entrywiseSchema(schema) as { $id: string };
  ajv.addSchema(entrywise);
  const compiled = (ref: string) => ajv.getSchema(ref)!;
  const id = (schema as { $id: string }).$id;
  const definitions = Object.keys((schema as { $defs: Record<string, unknown> }).$defs);

  const values: { what: string; value: unknown }[] = [];
  for (const file of yamlFiles('test/fixtures')) {
    try {
      values.push({ what: file, value: parse(readFileSync(file, 'utf8')) });
    } catch {
      // A fixture that is not YAML (a test of syntax errors) has no value to validate.
    }
  }
  for (const shape of SHAPES) values.push({ what: `generated ${shape}`, value: parse(generatePolicy(300, 3, shape).text) });
  const broken: [string, unknown][] = [
    ['not a mapping', ['a']],
    ['empty', {}],
    ['metadata not a mapping', { metadata: 'x' }],
    ['id with capitals', { metadata: { id: 'CAVRA-X', title: 't', description: 'd', version: '1' } }],
    ['version a number', { metadata: { id: 'cavra-x', title: 't', description: 'd', version: 1.2 } }],
    ['mode unknown', { metadata: { id: 'cavra-x', title: 't', description: 'd', version: '1', mode: 'loud' } }],
    ['list of numbers', { metadata: { id: 'cavra-x' }, filesystem: { block_read: [1, true, null] } }],
    ['list a string', { metadata: { id: 'cavra-x' }, commands: { allow: 'npm test' } }],
    ['unknown section key', { metadata: { id: 'cavra-x' }, git: { force_push: 'no', mystery: 1 } }],
    ['risk out of range', { metadata: { id: 'cavra-x' }, mcp: { risk_scoring: { default: 'extreme' } } }],
    ['inherits a number', { metadata: { id: 'cavra-x', inherits: 7 } }],
    ['inherits twice the same', { metadata: { id: 'cavra-x', inherits: ['cavra-a', 'cavra-a'] } }],
    [
      'lists with repeated entries',
      {
        metadata: { id: 'cavra-x' },
        filesystem: { block_read: ['a', 'b', 'a', 'a'], block_write: ['x', 1, 1] },
        mcp: { allowed_servers: ['s', 's', ''] },
        compliance: { maps_to: ['c', 'c'] },
      },
    ],
  ];
  for (const [what, value] of broken) values.push({ what, value });

  it('the whole-policy validator says what ajv says, on every value', () => {
    assert.ok(values.length > 60, `${values.length} values`);
    for (const { what, value } of values) {
      assert.deepEqual(verdict(policyValidator('cavra'), value), verdict(compiled(id), value), what);
      assert.deepEqual(verdict(policyValidator('entrywise'), value), verdict(compiled(entrywise.$id), value), what);
    }
  });

  it("the entrywise validator's errors are CAVRA's less the lists' uniqueItems, on every value", () => {
    const listUniqueness = (e: ErrorObject) =>
      e.keyword === 'uniqueItems' && definitions.some((name) => e.schemaPath === `#/$defs/${name}/uniqueItems`);
    let dropped = 0;
    for (const { what, value } of values) {
      const cavra = policyValidator('cavra')(value) ? [] : [...(policyValidator('cavra').errors ?? [])];
      const ours = policyValidator('entrywise')(value) ? [] : [...(policyValidator('entrywise').errors ?? [])];
      dropped += cavra.filter(listUniqueness).length;
      assert.deepEqual(
        ours,
        cavra.filter((e) => !listUniqueness(e)),
        what,
      );
    }
    // The values hold repeated list entries (and `metadata.inherits` twice the same, whose error stays).
    assert.ok(dropped >= 4, `${dropped} uniqueItems errors dropped`);
  });

  it('each $defs validator says what ajv says, on list values good and bad', () => {
    const lists: unknown[] = [[], ['a', 'b'], ['a', 'a'], [1], 'x', [null], [''], [['nested']], [{ k: 1 }]];
    for (const name of definitions) {
      for (const list of lists) {
        assert.deepEqual(
          verdict(definitionValidator(name, 'cavra'), list),
          verdict(compiled(`${id}#/$defs/${name}`), list),
          `${name} ${JSON.stringify(list)}`,
        );
        assert.deepEqual(
          verdict(definitionValidator(name, 'entrywise'), list),
          verdict(compiled(`${entrywise.$id}#/$defs/${name}`), list),
          `entrywise ${name} ${JSON.stringify(list)}`,
        );
      }
      // The one difference: a repeated entry.
      assert.equal(definitionValidator(name, 'cavra')(['a', 'a']), false, name);
      assert.equal(definitionValidator(name, 'entrywise')(['a', 'a']), true, name);
    }
  });

  it('a definition the schema does not have is refused by name', () => {
    assert.throws(() => definitionValidator('noSuchList', 'cavra'), /schemas\/policy\.schema\.json has no \$defs\/noSuchList/);
  });
});
