// The cover index behind shadowed-rule lint and hover: its answers must be those of comparing every
// pattern with every other, after any sequence of additions and removals, and its candidate test (what
// incremental lint re-judges) must name every pattern a question weighs.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CoverIndex } from '../../../server/src/language/lint/coverIndex';
import type { RuleEntry } from '../../../server/src/language/parse/ruleLists';
import { globCovers } from '../../../server/src/policy/glob';

// Digits too: a pattern with a number in its literal parts is filed under that number.
const pattern = fc.stringMatching(/^[ab/.*x12]{0,7}$/);
/** Lists long enough for prefixes shared by more than 16 patterns (filed by key rather than scanned). */
const patterns = (max: number) =>
  fc.oneof(
    fc.array(pattern, { maxLength: 12 }),
    fc.array(fc.stringMatching(/^(?:\*|a\*?)[ab/.*x12]{0,5}$/), { minLength: 17, maxLength: max }),
  );
const entries = (texts: string[]): RuleEntry[] =>
  texts.map((text, index) => ({ list: ['commands', 'block'], index, text, node: {} as never }));
const prefixLength = (p: string) => (p.includes('*') ? p.indexOf('*') : p.length);

/** The first covering outer by shortest literal prefix, then list order: what find() promises. */
function bruteFind(outers: RuleEntry[], inner: string, accept: (o: RuleEntry) => boolean): RuleEntry | undefined {
  return outers
    .filter((o) => accept(o) && globCovers(o.text!, inner))
    .sort((a, b) => prefixLength(a.text!) - prefixLength(b.text!) || a.index - b.index)[0];
}

describe('cover index', () => {
  it('finds what comparing every pair finds', () => {
    fc.assert(
      fc.property(patterns(60), fc.array(pattern, { minLength: 1, maxLength: 5 }), (outerTexts, inners) => {
        const outers = entries(outerTexts);
        const index = new CoverIndex(outers);
        for (const inner of inners) {
          const everyOther = (o: RuleEntry) => o.text !== inner;
          assert.equal(
            index.find(inner, everyOther),
            bruteFind(outers, inner, everyOther),
            `find ${inner} among ${JSON.stringify(outerTexts)}`,
          );
          assert.deepEqual(
            index.findAll(inner),
            outers.filter((o) => globCovers(o.text!, inner)),
            `findAll ${inner}`,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('answers the same after additions and removals as an index built afresh', () => {
    fc.assert(
      fc.property(
        patterns(30),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), pattern), { maxLength: 40 }),
        fc.array(pattern, { minLength: 1, maxLength: 4 }),
        (start, changes, inners) => {
          const live = entries(start);
          const index = new CoverIndex(live);
          for (const [add, at, text] of changes) {
            if (add || !live.length) {
              const e = entries([text])[0];
              live.push(e);
              index.add(e);
            } else {
              const [gone] = live.splice(at % live.length, 1);
              index.remove(gone);
            }
          }
          live.forEach((e, i) => (e.index = i));
          const fresh = new CoverIndex(live);
          for (const inner of inners) {
            assert.equal(
              index.find(inner, () => true),
              fresh.find(inner, () => true),
            );
            assert.deepEqual(index.findAll(inner), fresh.findAll(inner));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('tells exactly which patterns a question weighs (what an edit of the list re-judges)', () => {
    fc.assert(
      fc.property(patterns(60), pattern, (outerTexts, inner) => {
        const outers = entries(outerTexts);
        const weighed = new CoverIndex(outers).candidatesOf(inner);
        assert.deepEqual(
          weighed,
          outers.filter((o) => CoverIndex.candidateTest(o.text!)(inner)),
          `${inner} among ${JSON.stringify(outerTexts)}`,
        );
        for (const o of outers) if (globCovers(o.text!, inner)) assert.ok(weighed.includes(o), `${o.text} covers ${inner}`);
      }),
      { numRuns: Number(process.env.CAVRA_FUZZ_RUNS ?? 3000) },
    );
  });

  it('weighs no pattern whose number key only shares the hash of a slice of the question', () => {
    // Number keys are looked up by hash (31 * h + c, like Java's hashCode): "-15x" and "-16Y" collide.
    // 17 patterns in one bucket, so they are filed by key; the colliding one must still not be weighed.
    const texts = ['*-16Y*', ...Array.from({ length: 16 }, (_, i) => `*-${100 + i}z*`)];
    const index = new CoverIndex(entries(texts));
    assert.deepEqual(
      index.candidatesOf('a-15x').map((e) => e.text),
      [],
    );
    assert.deepEqual(
      index.candidatesOf('a-16Y').map((e) => e.text),
      ['*-16Y*'],
    );
  });

  it('gives up on a pattern with more candidates than the limit, the same way every time', () => {
    const outers = entries(Array.from({ length: 50 }, (_, i) => `*${'a'.repeat((i % 3) + 1)}*`));
    const index = new CoverIndex(outers);
    assert.equal(
      index.find('xaaay', () => true, 10),
      undefined,
    );
    assert.ok(index.find('xaaay', () => true, 100));
  });
});
