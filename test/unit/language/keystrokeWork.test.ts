// Issue 14: an edit's cost grows with the edit, not with the list. Counted, not timed: after a
// one-character edit inside a pattern, the entries whose shadowing is judged again and the candidates
// the cover index weighs for them, and the list entries the schema check validates again, on every shape
// the bench measures, at 2,000 and 20,000 rules; and the characters scanned for those PyYAML refuses.
// (Before the cover index filed numbered patterns by their number, an edit of the `globstar` shape
// re-judged up to 119 entries and weighed over 1,000 candidates at 20,000 rules, ten times the 2,000.)
import { strict as assert } from 'node:assert';
import { analyze, type Analysis } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { scanned } from '../../../server/src/language/syntaxDiagnostics';
import { generatePolicy, SHAPES, type Shape } from '../../bench/measure/policyGenerator';

const FILE = '/ws/policies/cavra-bench/policy.yaml';
const URI = `file://${FILE}`;
const catalog = new PackCatalog();
catalog.scan(['/ws/policies']);
const context = { file: FILE, catalog };

interface Work {
  /** Entries judged at open (every pattern entry once per check that reads its list). */
  openJudged: number;
  openWeighed: number;
  /** Per edit: the most entries re-judged and candidates weighed, and the means. */
  maxJudged: number;
  maxWeighed: number;
  meanJudged: number;
  meanWeighed: number;
  /** Per edit: the most list entries the schema check validated again. */
  maxValidated: number;
  /** Per edit: the most characters scanned for those PyYAML refuses. */
  maxScanned: number;
  /** Per edit: the most shadowing findings made afresh (the others are the last report's, reused). */
  maxMade: number;
  /** Shadowing findings at the last edit. */
  findings: number;
  edits: number;
}

/** Types a digit in the middle of the pattern at every place the bench edits (16 per list). */
function measure(shape: Shape, rules: number): Work {
  const policy = generatePolicy(rules, 7, shape);
  let text = policy.text;
  let a: Analysis = analyze(URI, 1, text, context);
  const shadows = a.findings!.shadows;
  const work: Work = {
    openJudged: shadows.judgedCount,
    openWeighed: shadows.weighedCount,
    maxJudged: 0,
    maxWeighed: 0,
    meanJudged: 0,
    meanWeighed: 0,
    maxValidated: 0,
    maxScanned: 0,
    maxMade: 0,
    findings: 0,
    edits: 0,
  };
  const schema = a.findings!.schemaErrors;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  for (const place of policy.places.edits) {
    const at = lineStarts[place.line] + place.column;
    text = `${text.slice(0, at)}7${text.slice(at)}`;
    for (let l = place.line + 1; l < lineStarts.length; l++) lineStarts[l]++;
    const [judged, weighed, validated, chars, made] = [
      shadows.judgedCount,
      shadows.weighedCount,
      schema.entriesValidated,
      scanned.characters,
      shadows.madeCount,
    ];
    const previous = a;
    a = analyze(URI, previous.doc.version + 1, text, context, undefined, previous);
    assert.equal(a.findings?.shadows, shadows, `${shape}: the edit on line ${place.line + 1} was not applied incrementally`);
    assert.equal(
      a.findings?.schemaErrors,
      schema,
      `${shape}: the edit on line ${place.line + 1} validated the whole document again`,
    );
    work.maxValidated = Math.max(work.maxValidated, schema.entriesValidated - validated);
    work.maxScanned = Math.max(work.maxScanned, scanned.characters - chars);
    work.maxMade = Math.max(work.maxMade, shadows.madeCount - made);
    work.findings = a.diagnostics.filter((d) =>
      /^(unreachable-rule|redundant-rule|matches-everything)$/.test(String(d.code)),
    ).length;
    const dj = shadows.judgedCount - judged;
    const dw = shadows.weighedCount - weighed;
    work.maxJudged = Math.max(work.maxJudged, dj);
    work.maxWeighed = Math.max(work.maxWeighed, dw);
    work.meanJudged += dj;
    work.meanWeighed += dw;
    work.edits++;
  }
  work.meanJudged /= work.edits;
  work.meanWeighed /= work.edits;
  return work;
}

describe('keystroke work grows with the edit, not with the list (issue 14)', () => {
  for (const shape of SHAPES) {
    it(`${shape}: an edit re-judges a handful of entries, weighs a handful of candidates and validates the entry it wrote, at 2k as at 20k rules`, function () {
      this.timeout(120_000);
      const small = measure(shape, 2_000);
      const large = measure(shape, 20_000);
      const about = JSON.stringify({ small, large });
      // Every list edited at 16 places, so every list's index and checks are exercised.
      assert.ok(large.edits >= 100, about);
      // Opening judges each entry about once per check reading it, weighing about one candidate each.
      assert.ok(large.openJudged < 1.5 * 20_000, about);
      assert.ok(large.openWeighed < 2 * 20_000, about);
      // One edit: bounded work, whatever the list's length.
      assert.ok(large.maxJudged <= 32, about);
      assert.ok(large.maxWeighed <= 128, about);
      // The schema check validates the entries the edit wrote, not the list (before: all 4,000 of block_read).
      assert.ok(large.maxValidated <= 1, about);
      // PyYAML's refused characters are looked for in the line the edit wrote, not in the file.
      assert.ok(large.maxScanned <= 200, about);
      // The findings are all sent again, but only those the edit changed are made again (message and all).
      assert.ok(large.maxMade <= 32, about);
      // Ten times the rules, not ten times the work: the means grow by less than double.
      assert.ok(large.meanJudged <= 2 * small.meanJudged + 1, about);
      assert.ok(large.meanWeighed <= 2 * small.meanWeighed + 1, about);
    });
  }
});
