// The value-only block reader must load exactly the value the `yaml`-based reader loads (CAVRA's digests
// depend on it), whenever it reads a text at all; everything else goes to `yaml`.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readBlockPolicyValue } from '../../../server/src/policy/blockPolicyValue';
import { policyDigest } from '../../../server/src/policy/digest';
import { buildPolicyPack } from '../../../server/src/policy/draft';
import { loadPolicyValue, parsePolicyYaml, policyLoads } from '../../../server/src/policy/policyYaml';
import { generatePolicy, SHAPES } from '../../bench/measure/policyGenerator';
import { applyEdit, blockPolicy, textEdit, valueShape } from '../language/incrementalTexts';

/** Asserts the reader agrees with `yaml`; answers whether it read the text. */
function sameAsYaml(text: string): boolean {
  const value = readBlockPolicyValue(text);
  if (value === undefined) return false;
  const reference = parsePolicyYaml(text);
  assert.deepEqual(
    reference.doc.errors.map((e) => e.code),
    [],
    `yaml finds errors in a text the value reader read:\n${text}`,
  );
  assert.deepEqual(
    reference.doc.warnings.map((e) => e.code),
    [],
    `yaml warns about a text the value reader read:\n${text}`,
  );
  assert.equal(reference.extraDocuments.length, 0);
  assert.deepEqual(valueShape(value), valueShape(reference.value), `values differ for:\n${text}`);
  return true;
}

/** CAVRA_FUZZ_RUNS raises the number of generated cases for a longer search. */
const RUNS = Number(process.env.CAVRA_FUZZ_RUNS ?? 1500);

function packsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    try {
      return [readFileSync(join(dir, name, 'policy.yaml'), 'utf8')];
    } catch {
      return [];
    }
  });
}

describe('block policy value reader', () => {
  it('reads every bench shape of pack written as YAML itself, to the same value and digest as yaml', () => {
    // A pack written as JSON is the flow reader's (language/parse/flowYaml.ts, test/unit/language/flowYaml.test.ts).
    for (const shape of SHAPES.filter((s) => s !== 'json'))
      for (const [rules, seed] of [
        [200, 1000],
        [200, 1003],
        [2000, 7],
      ]) {
        const { text } = generatePolicy(rules, seed, shape);
        assert.ok(sameAsYaml(text), `${shape} ${rules}: left to yaml`);
        const reference = parsePolicyYaml(text).value;
        assert.equal(policyDigest(buildPolicyPack(readBlockPolicyValue(text)!)), policyDigest(buildPolicyPack(reference!)));
      }
  });

  it("reads CAVRA's example packs and the fixture packs as yaml does", () => {
    const packs = [...packsUnder('examples/workspace/policies'), ...packsUnder('test/fixtures/policies')];
    const examples = 'test/bench/fixtures/examplePacks';
    for (const name of readdirSync(examples)) if (name.endsWith('.yaml')) packs.push(readFileSync(join(examples, name), 'utf8'));
    const read = packs.filter(sameAsYaml).length;
    assert.ok(read > packs.length / 2, `read ${read} of ${packs.length} packs`);
  });

  it('reads the common policy shapes and YAML 1.1 scalars as PyYAML does', () => {
    for (const text of [
      'metadata:\n  id: cavra-a\n  version: "1.0.0"\nfilesystem:\n  block_read:\n    - ".env"\n    - secrets/**\n',
      '# top\nmetadata:\n  id: cavra-a # the id\n\n  title: \'It\'\'s\'\ncommands:\n  block:\n  - "rm -rf*"\n  # - "off"\n  allow:\n    - npm test*\n',
      'a:\n  -\n  - \nb:\nc: yes\nd: 1.0\ne: 2026-05-01\nf: y\ng: 1e5\nh: 010\ni: 1:20\nj: off\nk: ~\nl: .inf\n',
      'a:\r\n  - x\r\n  - "y"  \r\n  -\r\nb: 1\r\nc:\r\n',
      'a: # empty, then a comment\nb: 1\nc:\n  # a comment under an empty key\nd: 2\n',
      'toString: 1\nconstructor:\n  - x\n',
    ])
      assert.ok(sameAsYaml(text), text);
  });

  it('leaves everything else to yaml, and loadPolicyValue still answers as yaml does', () => {
    for (const text of [
      'a: [1, 2]\n',
      'a: &x 1\nb: *x\n',
      'a: |\n  text\n',
      'a: b\n  continued\n',
      'a:\tb\n',
      'a: 1\rb: 2\n',
      '---\na: 1\n',
      'a: 1\na: 2\n',
      '<<: {a: 1}\n',
      '- a\n',
      'a: "esc\\n"\n',
      'a: "multi\n  line"\n',
      'a: b: c\n',
      'a:\n  - k: v\n',
      'yes: 1\n',
      '__proto__: 1\n',
      '\uFEFFa: 1\n',
      '',
      '# only\n',
    ]) {
      assert.equal(readBlockPolicyValue(text), undefined, text);
      const before = policyLoads.yaml;
      let loaded: unknown;
      try {
        loaded = valueShape(loadPolicyValue(text, 'p.yaml'));
      } catch (e) {
        loaded = (e as Error).message;
      }
      assert.equal(policyLoads.yaml, before + 1, `not read by yaml: ${text}`);
      const reference = parsePolicyYaml(text);
      if (typeof loaded !== 'string') assert.deepEqual(loaded, valueShape(reference.value ?? null), text);
      else assert.ok(reference.doc.errors.length || reference.extraDocuments.length || reference.doc.warnings.length, text);
    }
  });

  it('loads the same value as yaml for generated policies', () => {
    let read = 0;
    fc.assert(
      fc.property(blockPolicy, fc.boolean(), (text, crlf) => {
        if (sameAsYaml(crlf ? text.replace(/\n/g, '\r\n') : text)) read++;
      }),
      { numRuns: RUNS },
    );
    assert.ok(read > RUNS / 3, `the reader read only ${read} of ${RUNS} generated policies`);
  });

  it('loads the same value as yaml for policies edited at random', () => {
    fc.assert(
      fc.property(blockPolicy, fc.array(textEdit, { minLength: 1, maxLength: 4 }), (text, edits) => {
        for (const e of edits) {
          text = applyEdit(text, e).text;
          sameAsYaml(text);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
