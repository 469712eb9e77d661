// The flow reader (packs written as JSON) must build exactly the tree, ranges and value `yaml` builds,
// whenever it reads a text at all; everything it does not read goes to `yaml`.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parse } from 'yaml';
import { readBlockYaml } from '../../../server/src/language/parse/blockYaml';
import { readsAsYaml } from '../language/readsAsYaml';
import { readFlowYaml } from '../../../server/src/policy/flowYaml';
import { loadPolicyValue, parsePolicyYaml, policyLoads, policyYamlOptions } from '../../../server/src/policy/policyYaml';
import { generatePolicy, SHAPES } from '../../bench/measure/policyGenerator';
import { applyEdit, textEdit, valueShape } from '../language/incrementalTexts';

/** What Python's json.dumps writes: `separators` default to (', ', ': ') on one line, (',', ': ') indented. */
function pythonJson(value: unknown, indent?: number, item = indent === undefined ? ', ' : ',', key = ': '): string {
  const out = (v: unknown, depth: number): string => {
    const pad = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
    const close = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
    if (Array.isArray(v)) return v.length ? `[${pad}${v.map((x) => out(x, depth + 1)).join(item + pad)}${close}]` : '[]';
    if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      return entries.length
        ? `{${pad}${entries.map(([k, x]) => JSON.stringify(k) + key + out(x, depth + 1)).join(item + pad)}${close}}`
        : '{}';
    }
    return JSON.stringify(v);
  };
  return out(value, 0);
}

/** CAVRA_FUZZ_RUNS raises the number of generated cases for a longer search. */
const RUNS = Number(process.env.CAVRA_FUZZ_RUNS ?? 1500);

const word = fc.constantFrom(
  'a',
  'b/**',
  'secrets/*.pem',
  'rm -rf *',
  'x: y',
  '#x',
  ' # c',
  "it's",
  'yes',
  '1.0',
  '',
  ' sp ',
  'ü',
  '[a]',
  '{b}',
);
const scalar = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -5, 1.5, 1e21, 2.5e-7, true, false, null) },
);
const key = fc.constantFrom('metadata', 'id', 'block_read', 'allow', 'k', 'with space', 'yes', '1', 'a:b', '');
const policyLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  map: fc.dictionary(
    key,
    fc.oneof({ weight: 2, arbitrary: tie('list') }, { weight: 2, arbitrary: scalar }, { weight: 1, arbitrary: tie('map') }),
    {
      maxKeys: 4,
    },
  ),
  list: fc.array(scalar, { maxLength: 5 }),
})).map;

describe('flow reader (packs written as JSON)', () => {
  it('reads every bench shape written as JSON, indented or not, as yaml does', () => {
    for (const shape of SHAPES) {
      const value = parse(generatePolicy(300, 3, shape).text);
      for (const text of [
        JSON.stringify(value, null, 2),
        `${JSON.stringify(value, null, 4)}\n`,
        JSON.stringify(value),
        `${pythonJson(value)}\n`,
        pythonJson(value, 2),
        pythonJson(value, 1, ', '),
        `${JSON.stringify(value, null, 2).replace(/\n/g, '\r\n')}\r\n`,
      ])
        assert.ok(readsAsYaml(text), `${shape}: left to yaml:\n${text.slice(0, 200)}`);
    }
  });

  it('reads generated JSON of any layout as yaml does, and leaves what it cannot to yaml', function () {
    this.timeout(120_000);
    let read = 0;
    let cases = 0;
    fc.assert(
      fc.property(
        policyLike,
        fc.constantFrom<(number | undefined)[]>([undefined], [0], [1], [2], [4]),
        fc.constantFrom([', ', ': '], [',', ':'], [',', ': '], [' , ', ' : ']),
        fc.array(textEdit, { maxLength: 2 }),
        fc.constantFrom('', '\n', '\n\n', '  \n', '\r\n'),
        (value, [indent], [item, sep], edits, tail) => {
          let text = pythonJson(value, indent, item, sep) + tail;
          for (const e of edits) text = applyEdit(text, e).text;
          cases++;
          if (readsAsYaml(text)) read++;
        },
      ),
      { numRuns: RUNS },
    );
    assert.ok(read > cases / 3, `read ${read} of ${cases}`);
  });

  it('gives the CLI and the stores the value yaml loads, without yaml (loadPolicyValue)', () => {
    const value = parse(generatePolicy(300, 3, 'json').text);
    for (const text of [JSON.stringify(value, null, 2), pythonJson(value)]) {
      const before = { ...policyLoads };
      const loaded = loadPolicyValue(text, 'policy.yaml');
      assert.deepEqual(policyLoads, { ...before, flow: before.flow + 1 });
      assert.deepEqual(valueShape(loaded), valueShape(parsePolicyYaml(text).value));
    }
  });

  it('leaves escapes, comments, blank lines, lists in lists and plain words to yaml', () => {
    for (const text of [
      '{"a": "esc\\n"}\n',
      '{"a": 1 # c\n}\n',
      '{\n  "a": 1,\n\n  "b": 2\n}\n',
      '{"a": [[1]]}\n',
      '{"a": [{"b": 1}]}\n',
      '{"a": word}\n',
      '{"a": 1, "a": 2}\n',
      '{"a": 1}\n{"b": 2}\n',
      '{"a": 1}\n---\n',
      ' {"a": 1}\n',
      '{"a": 1,}\n',
      '{a: 1}\n',
      "{'a': 1}\n",
      '{"a": "x\n  y"}\n',
      '{"__proto__": 1}\n',
    ]) {
      assert.equal(readFlowYaml(text, policyYamlOptions), undefined, text);
      assert.equal(readBlockYaml(text), undefined, text);
    }
  });
});
