// The block reader must build exactly the tree, ranges and value `yaml` builds, whenever it reads a
// text at all; everything it does not read goes to `yaml`.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readBlockYaml } from '../../../server/src/language/parse/blockYaml';
import { readsAsYaml } from './readsAsYaml';
import { applyEdit, blockPolicy, textEdit } from './incrementalTexts';

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

describe('block reader', () => {
  it('reads the example and fixture packs as yaml does', () => {
    const packs = [...packsUnder('examples/workspace/policies'), ...packsUnder('test/fixtures/policies')];
    const read = packs.filter((p) => readsAsYaml(p)).length;
    assert.ok(read > packs.length / 2, `read ${read} of ${packs.length} packs`);
  });

  it('reads the common policy shapes itself', () => {
    for (const text of [
      'metadata:\n  id: cavra-a\n  version: "1.0.0"\nfilesystem:\n  block_read:\n    - ".env"\n    - secrets/**\n',
      '# top\nmetadata:\n  id: cavra-a # the id\n\n  title: \'It\'\'s\'\ncommands:\n  block:\n  - "rm -rf*"\n  # - "off"\n  allow:\n    - npm test*\n',
      'a:\n  b:\n    - x\n    # trailing, kept by the list\n  c: 1\n',
      'a:\n  - x\n      # deeper: part of x\n  - y\n# end',
      'a:\n  -\n  - \nb:\nc: yes\nd: 1.0\ne: 2026-05-01\n',
      'a:\r\n  - x\r\n  - "y"  \r\n  -\r\nb: 1\r\nc:\r\n',
    ])
      assert.ok(readsAsYaml(text), text);
  });

  it('leaves everything else to yaml', () => {
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
      '',
      '# only\n',
      'a: # c\nb: 1\n',
    ]) {
      assert.equal(readBlockYaml(text), undefined, text);
    }
  });

  it('builds the same tree as yaml for generated policies', () => {
    let read = 0;
    fc.assert(
      fc.property(blockPolicy, fc.boolean(), (text, crlf) => {
        if (readsAsYaml(crlf ? text.replace(/\n/g, '\r\n') : text)) read++;
      }),
      { numRuns: RUNS },
    );
    assert.ok(read > RUNS / 3, `the reader read only ${read} of ${RUNS} generated policies`);
  });

  it('builds the same tree as yaml for policies edited at random', () => {
    fc.assert(
      fc.property(blockPolicy, fc.array(textEdit, { minLength: 1, maxLength: 4 }), (text, edits) => {
        for (const e of edits) {
          text = applyEdit(text, e).text;
          readsAsYaml(text);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
