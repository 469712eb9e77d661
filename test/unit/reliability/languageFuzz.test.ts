// Property-based tests of the protocol-free language service over hostile policy texts: generated
// policies with YAML's traps in every value, real packs cut and spliced at random, and plain junk.
// For every text, analyze() and every feature (hover, completion, code actions, code lens, symbols)
// answer without throwing, every range lies inside the document, quick fixes apply cleanly, and the
// same text always gives the same answers. Each batch runs in a worker with a watchdog, so a hang
// or a memory blow-up fails the test with its seed instead of freezing the run.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inBoundedWorker, runBounded, serveBoundedJob } from './support/boundedWorker';
import { Figures } from './support/figures';
import { languageTranscript } from './support/languageInvariants';
import { hostilePolicy, junkText, mutatedPolicy, seedPolicies, structuredPolicy } from './support/policyTexts';

interface BatchInput {
  kind: 'hostile' | 'structured' | 'mutated' | 'junk' | 'determinism';
  runs: number;
  seed: number;
}

interface FailureClass {
  /** The first failure's message with numbers blanked: one class per kind of bug. */
  kind: string;
  count: number;
  /** The smallest input fast-check could shrink the failure to, and its message. */
  example: string;
  message: string;
}

interface BatchResult {
  runs: number;
  seed: number;
  failures: FailureClass[];
}

const arbitraryFor = (kind: BatchInput['kind'], seeds: string[]): fc.Arbitrary<string> =>
  kind === 'structured'
    ? structuredPolicy
    : kind === 'mutated'
      ? mutatedPolicy(seeds)
      : kind === 'junk'
        ? junkText
        : hostilePolicy(seeds);

const classOf = (e: unknown) =>
  String((e as Error)?.message ?? e)
    .split('\n')[0]
    .replace(/\d+/g, 'N')
    .slice(0, 160);

/**
 * Runs every case (not stopping at the first failure), groups failures by kind, then lets fast-check
 * shrink one example of each kind, so one run reports every distinct bug with a small input.
 */
function batch(input: unknown): BatchResult {
  const { kind, runs, seed } = input as BatchInput;
  const seeds = seedPolicies();
  const probes = fc.array(fc.nat({ max: 10_000 }), { maxLength: 6 });
  const check =
    kind === 'determinism'
      ? ([text, at, other]: [string, number[], string]) => {
          // Invariants are the other batches' business; here only the sameness of the answers counts.
          const answers = (t: string) => JSON.stringify(languageTranscript(t, at, { checkInvariants: false }));
          const first = answers(text);
          // Another document in between: no cache (glob, schema, catalog) may leak into the answer.
          try {
            answers(other);
          } catch {
            // a feature that throws on the other text is reported by the invariant batches
          }
          const second = answers(text);
          if (first !== second) throw new Error('the same text gave different answers on a second analysis');
        }
      : ([text, at]: [string, number[], string]) => {
          languageTranscript(text, at, { applyFixes: true });
        };
  const arbitrary = fc.tuple(
    kind === 'determinism' ? hostilePolicy(seeds) : arbitraryFor(kind, seeds),
    probes,
    kind === 'determinism' ? junkText : fc.constant(''),
  );
  const classes = new Map<string, { count: number; first: [string, number[], string] }>();
  const values = fc.sample(arbitrary, { numRuns: runs, seed });
  for (const value of values) {
    try {
      check(value);
    } catch (e) {
      const k = classOf(e);
      const c = classes.get(k) ?? { count: 0, first: value };
      c.count++;
      classes.set(k, c);
    }
  }
  const failures: FailureClass[] = [];
  for (const [k, c] of classes) {
    const only = fc.property(arbitrary, (value) => {
      try {
        check(value);
      } catch (e) {
        if (classOf(e) === k) throw e;
      }
    });
    const shrunk = fc.check(only, { seed, numRuns: runs });
    const example = shrunk.failed ? (shrunk.counterexample?.[0] as [string, number[], string]) : c.first;
    const message = shrunk.failed ? String((shrunk.errorInstance as Error)?.message ?? shrunk.errorInstance) : k;
    failures.push({
      kind: k,
      count: c.count,
      example: JSON.stringify(example[0]) + (kind === 'determinism' ? ` then ${JSON.stringify(example[2])}` : ''),
      message,
    });
  }
  return { runs: values.length, seed, failures };
}

// The yaml package warns (process.emitWarning) about complex keys; the noise says nothing here.
const quiet = () => process.removeAllListeners('warning');

if (inBoundedWorker) {
  quiet();
  serveBoundedJob({ batch });
} else {
  const figures = new Figures('Hostile input: the language service (fast-check)', 'test/unit/reliability/languageFuzz.test.ts');
  const baseSeed = Number(process.env.CAVRA_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const scale = Number(process.env.CAVRA_FUZZ_SCALE ?? 1);
  const LIMITS = { waitMs: 90_000, heapMb: 768 };

  describe('reliability: the language service over hostile policy texts', function () {
    this.timeout(LIMITS.waitMs + 10_000);
    after(() => figures.save());

    const batches: [BatchInput['kind'], number, string][] = [
      [
        'structured',
        1500,
        "policies built from CAVRA's sections with YAML traps in every value (any indent, flow or block, CRLF/CR, BOM, document markers)",
      ],
      ['mutated', 1500, 'real packs (test/fixtures/policies) and generated ones cut, spliced, re-indented and shuffled'],
      ['junk', 600, 'YAML punctuation soup, arbitrary UTF-16 (lone surrogates too) and Latin-1-decoded bytes'],
      ['determinism', 500, 'texts analysed twice with another document in between'],
    ];
    batches.forEach(([kind, runs, what], i) => {
      it(`${kind}: ${what}`, async () => {
        const seed = (baseSeed + i) % 2 ** 31;
        const result = await runBounded<BatchResult>(
          __filename,
          { name: 'batch', input: { kind, runs: Math.round(runs * scale), seed } },
          LIMITS,
        );
        const failing = result.failures.reduce((n, f) => n + f.count, 0);
        figures.add({
          what:
            kind === 'determinism'
              ? 'analyze() + every feature, twice, answers compared'
              : 'analyze() + hover, completion, code actions (applied), code lens, symbols',
          count: result.runs,
          unit: what,
          outcome:
            failing === 0
              ? '0 throws, 0 ranges outside the document, 0 hangs'
              : `${failing} failing case(s) in ${result.failures.length} kind(s): ${result.failures.map((f) => f.kind).join('; ')}`,
        });
        const report = result.failures
          .map((f) => `- ${f.count} case(s): ${f.message}\n  smallest input: ${f.example}`)
          .join('\n');
        assert.equal(failing, 0, `seed ${seed} (replay the run with CAVRA_FUZZ_SEED=${baseSeed}):\n${report}`);
      });
    });
  });
}
