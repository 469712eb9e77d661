// The lint narrows candidates with a prefix/suffix index before the exact check; it must find exactly
// the pairs a brute-force comparison of every entry with every other finds.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { globCovers, matchesEverything } from '../../../server/src/policy/glob';
import { analyzeText, HEAD } from './analyzeText';

const pattern = fc.stringMatching(/^[ab/*]{1,5}$/);
const list = fc.uniqueArray(pattern, { maxLength: 6 });

function lintLines(block: string[], allow: string[], code: string): string[] {
  const yaml = `${HEAD}commands:\n  block:\n${block.map((p) => `    - ${JSON.stringify(p)}\n`).join('')}  allow:\n${allow.map((p) => `    - ${JSON.stringify(p)}\n`).join('')}`;
  const a = analyzeText(yaml.replace(/ {2}block:\n {2}allow:/, '  block: []\n  allow:').replace(/allow:\n$/, 'allow: []\n'));
  return a.diagnostics
    .filter((d) => d.code === code)
    .map((d) => (d.data as { path: (string | number)[] }).path.join('.'))
    .sort();
}

describe('rules that never fire, against brute force', () => {
  it('an allow entry is unreachable exactly when some block entry covers it', () => {
    fc.assert(
      fc.property(list, list, (block, allow) => {
        const expected = allow
          .map((p, i) => (!matchesEverything(p) && block.some((b) => globCovers(b, p)) ? `commands.allow.${i}` : undefined))
          .filter((x): x is string => !!x)
          .sort();
        assert.deepEqual(lintLines(block, allow, 'unreachable-rule'), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('an entry is redundant exactly when another entry of its list covers it (the later of two equivalent ones)', () => {
    fc.assert(
      fc.property(list, (block) => {
        const expected = block
          .map((p, i) =>
            !matchesEverything(p) && block.some((o, j) => o !== p && globCovers(o, p) && (j < i || !globCovers(p, o)))
              ? `commands.block.${i}`
              : undefined,
          )
          .filter((x): x is string => !!x)
          .sort();
        assert.deepEqual(lintLines(block, [], 'redundant-rule'), expected);
      }),
      { numRuns: 300 },
    );
  });
});
