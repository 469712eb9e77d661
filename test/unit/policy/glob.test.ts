import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { globCovers, globMatches, matchesEverything } from '../../../server/src/policy/glob';

describe("globMatches: CAVRA's one operator (SPEC 2.3)", () => {
  const cases: [string, string, boolean][] = [
    ['*.pem', 'keys/prod/server.pem', true], // `*` crosses `/`
    ['**/*.pem', 'server.pem', false], // `**/` needs a `/` somewhere
    ['**/*.pem', 'a/server.pem', true],
    ['**', '', true],
    ['.env', '.env', true],
    ['.env', 'x.env', false], // whole target, not a substring
    ['.env', '.env.local', false],
    ['.env*', '.env.local', true],
    ['terraform apply*', 'terraform apply -auto-approve', true],
    ['terraform apply*', 'sudo terraform apply', false],
    ['a.b', 'axb', false], // `.` is literal
    ['file?.txt', 'file1.txt', false], // `?` is literal
    ['file?.txt', 'file?.txt', true],
    ['[ab].txt', 'a.txt', false], // brackets are literal
    ['[ab].txt', '[ab].txt', true],
    ['(x)+', '(x)+', true],
    ['back\\slash', 'back\\slash', true],
    ['a*b*c', 'a/b/c', true],
    ['a*b*c', 'acb', false],
    ['multi\nline*', 'multi\nline more', true], // a literal newline is just a character
    ['multi*', 'multi\nline', false], // `*` is Python's `.`: it does not cross a newline
    ['a*', 'a\r', true], // but a carriage return is any character
  ];
  for (const [pattern, target, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(target)}`, () => {
      assert.equal(globMatches(pattern, target), expected);
    });
  }

  it('only patterns of stars match everything', () => {
    assert.deepEqual(['*', '**', '***', '', '*a', 'a*', '*/*'].map(matchesEverything), [
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('globCovers(outer, inner): every target inner matches, outer matches too', () => {
  const FRESH = '#'; // never generated in patterns, so only a `*` of outer can absorb it
  const pattern = fc.stringMatching(/^[ab/.*\n]{0,7}$/);
  const target = fc.stringMatching(/^[ab/.#]{0,4}$/);

  /** inner with each run of `*` replaced by the given strings (cycled). */
  const instantiate = (inner: string, fills: string[]) => {
    let i = 0;
    return inner.replace(/\*+/g, () => fills[i++ % fills.length]);
  };

  it('when it says covered, every sampled target of inner is matched by outer', () => {
    fc.assert(
      fc.property(pattern, pattern, fc.array(target, { minLength: 1, maxLength: 4 }), (outer, inner, fills) => {
        fc.pre(globCovers(outer, inner));
        return globMatches(outer, instantiate(inner, fills));
      }),
      { numRuns: 3000 },
    );
  });

  it('when it says not covered, a target of inner with fresh characters for its stars escapes outer', () => {
    fc.assert(
      fc.property(pattern, pattern, (outer, inner) => {
        fc.pre(!globCovers(outer, inner));
        const witnesses = ['', FRESH, FRESH.repeat(2), FRESH.repeat(3)].map((run) => instantiate(inner, [run]));
        return witnesses.some((t) => !globMatches(outer, t));
      }),
      { numRuns: 3000 },
    );
  });

  /**
   * The textbook answer, kept here as the reference globCovers is held to: dynamic programming over
   * (position in outer, position in inner) with each run of `*` collapsed to one symbol that only a `*`
   * of outer can absorb, and a `*` of outer absorbing anything but a newline (globCovers itself reuses
   * the linear matcher; this was its implementation until the lint's hot path needed that).
   */
  function coversByDynamicProgramming(outer: string, inner: string): boolean {
    const a = outer.replace(/\*+/g, '*');
    const b = inner.replace(/\*+/g, '*');
    let prev = new Uint8Array(b.length + 1);
    let cur = new Uint8Array(b.length + 1);
    prev[0] = 1;
    for (let i = 1; i <= a.length; i++) {
      const ca = a[i - 1];
      cur[0] = ca === '*' ? prev[0] : 0;
      for (let j = 1; j <= b.length; j++) {
        const cb = b[j - 1];
        if (ca === '*') cur[j] = prev[j] | (cb === '\n' ? 0 : cur[j - 1]);
        else cur[j] = cb !== '*' && ca === cb ? prev[j - 1] : 0;
      }
      [prev, cur] = [cur, prev];
    }
    return prev[b.length] === 1;
  }

  it('gives the same answer as dynamic programming over both words', () => {
    const word = fc.stringMatching(/^[ab/.*\n-]{0,12}$/);
    fc.assert(
      fc.property(word, word, (outer, inner) => globCovers(outer, inner) === coversByDynamicProgramming(outer, inner)),
      { numRuns: 20000 },
    );
    // Words built to agree in their literals, where a wrong leftmost choice would show.
    const close = fc.array(fc.constantFrom('ab', 'a', 'b', '*', '**', '/', '\n'), { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(close, close, (outer, inner) => globCovers(outer, inner) === coversByDynamicProgramming(outer, inner)),
      { numRuns: 20000 },
    );
  });

  it('agrees with the examples the lint relies on', () => {
    assert.equal(globCovers('terraform *', 'terraform plan*'), true);
    assert.equal(globCovers('terraform*', 'terraform plan*'), true);
    assert.equal(globCovers('terraform plan*', 'terraform *'), false);
    assert.equal(globCovers('secrets/*', 'secrets/prod/**'), true);
    assert.equal(globCovers('**/secrets/**', 'config/secrets/db.yaml'), true);
    assert.equal(globCovers('**/secrets/**', 'secrets/db.yaml'), false);
    assert.equal(globCovers('a*', 'a'), true);
    assert.equal(globCovers('a', 'a*'), false);
    assert.equal(globCovers('*', ''), true);
    assert.equal(globCovers('', '*'), false);
    assert.equal(globCovers('*a*', '*'), false);
    assert.equal(globCovers('a*', 'a\nb'), false, 'the newline in inner escapes a `*`');
    assert.equal(globCovers('a\n*', 'a\nb*'), true);
  });
});
