// Proof of sameness for the lint on the merged pack: while a child is edited incrementally (its verdicts
// carried and only added entries judged), its diagnostics, hovers and lenses equal a fresh analysis of the
// same text against the same parents, after every random edit. Parents are real files on disk, read
// through the PackCatalog as the server and the CLI read them.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Position } from 'vscode-languageserver-types';
import { analyze, languageFeatures, type Analysis } from '../../../server/src/language/languageService';
import { coveringRuleLocation } from '../../../server/src/language/lint/inheritedCover';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { generatePolicy } from '../../bench/measure/policyGenerator';
import { anyEdit, applyAnyEdit } from './incrementalTexts';

const RUNS = Number(process.env.CAVRA_FUZZ_RUNS ?? 60);
const SEED = process.env.CAVRA_FUZZ_SEED ? { seed: Number(process.env.CAVRA_FUZZ_SEED) } : {};

/** A parent and a grandparent generated like the child, so their patterns cover many of the child's. */
function asPack(text: string, id: string, inherits?: string): string {
  return text
    .replace(/^ {2}id: .*$/m, `  id: ${id}${inherits ? `\n  inherits: ${inherits}` : ''}`)
    .replace('  mode: strict\n', '  mode: enforce\n');
}

describe('incremental lint on the merged pack equals a fresh analysis', () => {
  let root: string;
  let catalog: PackCatalog;
  before(() => {
    root = join(mkdtempSync(join(tmpdir(), 'cavra-inherited-')), 'policies');
    const write = (id: string, text: string) => {
      mkdirSync(join(root, id), { recursive: true });
      writeFileSync(join(root, id, 'policy.yaml'), text);
    };
    write('cavra-grand', asPack(generatePolicy(300, 1).text, 'cavra-grand'));
    write('cavra-parent', asPack(generatePolicy(40, 9).text, 'cavra-parent', 'cavra-grand'));
    catalog = new PackCatalog();
    catalog.scan([root]);
  });
  after(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('after every edit of random edit sequences in a child of a two-level chain', () => {
    const file = join(root, 'cavra-child', 'policy.yaml');
    const uri = `file://${file}`;
    const context = () => ({ file, catalog });
    const seeds = [
      asPack(generatePolicy(300, 1).text, 'cavra-child', 'cavra-parent'),
      asPack(generatePolicy(120, 2).text, 'cavra-child', 'cavra-parent'),
    ];
    const transcript = (a: Analysis, probes: Position[]) => ({
      diagnostics: a.diagnostics,
      lenses: languageFeatures.codeLenses(a),
      hovers: probes.map((p) => languageFeatures.hover(a, p)),
      definitions: probes.map((p) => coveringRuleLocation(a, p)),
    });
    let found = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(anyEdit, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        (seed, sequence, picks) => {
          let text = seed;
          let version = 1;
          let a = analyze(uri, version, text, context());
          for (const e of sequence) {
            text = applyAnyEdit(text, e);
            a = analyze(uri, ++version, text, context(), undefined, a);
            const fresh = analyze(uri, version, text, context());
            const probes = picks.map((p) => fresh.doc.positionAt(text.length ? p % text.length : 0));
            // Probes on the entries lint judged, so definitions and hovers are asked where they answer.
            const judged = fresh.diagnostics.filter((d) => String(d.code).startsWith('inherited-'));
            found += judged.length;
            probes.push(...judged.slice(0, 3).map((d) => d.range.start));
            assert.deepEqual(transcript(a, probes), transcript(fresh, probes));
          }
        },
      ),
      { numRuns: RUNS, ...SEED },
    );
    // Worth its name only if the merge made findings to carry.
    assert.ok(found > RUNS * 100, `${found} merged-pack findings`);
  });
});
