// The named nasties through the language service: alias bombs, nesting ten thousand deep, a 50 MB file,
// binary junk, invalid UTF-8, BOM, CRLF and CR, tabs, merge keys, custom tags, several documents and
// the control characters CAVRA's reader refuses. Each runs in a worker with a heap cap and a watchdog:
// it must end (bounded time and memory), answer every feature, and say clearly what is wrong.
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { BoundExceeded, inBoundedWorker, runBounded, serveBoundedJob } from './support/boundedWorker';
import { Figures } from './support/figures';
import { analyzeFuzz, languageTranscript } from './support/languageInvariants';
import {
  aliasBomb,
  aliasBombThroughKeys,
  BAD_MERGE,
  HEAD,
  bigPolicy,
  blanksThenError,
  CONTROL_CHARACTERS,
  CUSTOM_TAG,
  deepBlockMaps,
  deepBlockSequences,
  deepFlowMaps,
  deepFlowNesting,
  invalidUtf8Policy,
  junkBytes,
  MERGE_KEYS,
  MULTI_DOCUMENT,
  PYTHON_TAG,
  TAB_INDENT,
  unclosedDeep,
} from './support/nastyInputs';
import { seedPolicies } from './support/policyTexts';

interface Finding {
  code: string;
  severity: number;
  line: number;
  message: string;
}

interface NastyResult {
  chars: number;
  findings: Finding[];
  ruleCounts?: { [section: string]: number };
}

const finding = (d: Diagnostic): Finding => ({
  code: String(d.code),
  severity: d.severity ?? 1,
  line: d.range.start.line,
  message: String(d.message),
});

/** Worker side: builds the input, runs analyze() and every feature with the invariants checked. */
function nasty(input: unknown): NastyResult {
  const { name, maxFileSizeMb } = input as { name: string; maxFileSizeMb?: number };
  const texts: { [name: string]: () => string } = {
    aliasBomb,
    aliasBombThroughKeys,
    deepFlowNesting,
    deepFlowMaps,
    deepBlockSequences,
    deepBlockMaps,
    unclosedDeep,
    big50: () => bigPolicy(50),
    big1: () => bigPolicy(1),
    junkUtf8: () => Buffer.from(junkBytes(64 * 1024)).toString('utf8'),
    junkLatin1: () => Buffer.from(junkBytes(64 * 1024, 11)).toString('latin1'),
    // What an editor shows for bytes that are not UTF-8: replacement characters.
    invalidUtf8: () => new TextDecoder('utf-8', { fatal: false }).decode(invalidUtf8Policy()),
    blanksThenError: () => blanksThenError(),
  };
  const text = texts[name]();
  if (maxFileSizeMb !== undefined) {
    const a = analyzeFuzz(text, undefined, maxFileSizeMb * 1024 * 1024);
    return { chars: text.length, findings: a.diagnostics.map(finding) };
  }
  const t = languageTranscript(text, [7, 101, 9973]);
  return { chars: text.length, findings: t.diagnostics.map(finding), ruleCounts: analyzeFuzz(text).summary.rule_counts };
}

if (inBoundedWorker) {
  process.removeAllListeners('warning');
  serveBoundedJob({ nasty });
} else {
  const figures = new Figures(
    'Hostile input: named nasties through the language service',
    'test/unit/reliability/namedNasties.test.ts',
  );
  const LIMITS = { waitMs: 20_000, heapMb: 512 };
  const run = (name: string, extra: object = {}) =>
    runBounded<NastyResult>(__filename, { name: 'nasty', input: { name, ...extra } }, LIMITS);
  const errors = (r: NastyResult) => r.findings.filter((f) => f.severity === 1);
  const show = (r: NastyResult) => r.findings.map((f) => `${f.code}@${f.line + 1}: ${f.message}`).join('\n');
  const ran = (what: string, r: NastyResult, outcome: string) =>
    figures.add({ what, count: 1, unit: `input of ${(r.chars / 1024).toFixed(0)} KiB`, outcome });

  describe('reliability: named nasties through the language service (bounded time and memory)', function () {
    this.timeout(LIMITS.waitMs + 10_000);
    afterEach(function () {
      figures.failed(this.currentTest);
    });
    after(() => figures.save());

    it('alias bomb (billion laughs): refused with the alias limit named, nothing expanded', async () => {
      for (const name of ['aliasBomb', 'aliasBombThroughKeys']) {
        const r = await run(name);
        const bomb = errors(r).find((f) => /alias/i.test(f.message));
        assert.ok(bomb, `${name}: no error naming the aliases:\n${show(r)}`);
        assert.match(bomb.message, /cannot be loaded/);
        ran(
          `${name === 'aliasBomb' ? 'alias bomb' : 'alias bomb through a complex key and a merge key'}`,
          r,
          `error: ${bomb.message}`,
        );
      }
    });

    for (const [name, what] of [
      ['deepFlowNesting', 'flow lists nested 10,000 deep'],
      ['deepFlowMaps', 'flow mappings nested 10,000 deep'],
      ['deepBlockSequences', 'block sequences nested 10,000 deep'],
      ['unclosedDeep', '20,000 unclosed ['],
    ] as const) {
      it(`${what}: every feature answers, the nesting is reported as an error`, async () => {
        const r = await run(name);
        assert.ok(errors(r).length > 0, `no error for ${what}:\n${show(r)}`);
        ran(what, r, `error: ${errors(r)[0].message}`);
      });
    }

    it('block mappings nested 1,500 deep (valid YAML, 1 MiB of indentation): every feature answers', async () => {
      const r = await run('deepBlockMaps');
      assert.equal(errors(r).length, 0, show(r));
      ran('block mappings nested 1,500 deep', r, `${r.findings.length} warning(s), no error`);
    });

    it('a 50 MB file is not analysed: one warning names its size, the limit and the setting', async () => {
      const r = await run('big50');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['file-too-large'],
      );
      assert.match(r.findings[0].message, /50\.0 MB, above the 5\.0 MB limit \(setting cavra\.maxFileSizeMb\)/);
      ran('50 MB policy, default limit', r, `warning: ${r.findings[0].message}`);
    });

    it('the limit is configurable: a 1 MB file is refused under a 0.5 MB limit and analysed under 2 MB', async () => {
      const refused = await run('big1', { maxFileSizeMb: 0.5 });
      assert.deepEqual(
        refused.findings.map((f) => f.code),
        ['file-too-large'],
      );
      const analysed = await run('big1', { maxFileSizeMb: 2 });
      assert.equal(
        analysed.findings.some((f) => f.code === 'file-too-large'),
        false,
      );
    });

    it('binary junk (64 KiB of bytes read as UTF-8 and as Latin-1) is an error, not a crash', async () => {
      for (const name of ['junkUtf8', 'junkLatin1']) {
        const r = await run(name);
        assert.ok(errors(r).length > 0, `${name}: junk passed as a policy`);
        ran(
          `binary junk decoded as ${name === 'junkUtf8' ? 'UTF-8' : 'Latin-1'}`,
          r,
          `${errors(r).length} error(s), first: ${errors(r)[0].message}`,
        );
      }
    });

    it('bytes that are not UTF-8, as an editor shows them (U+FFFD), analyse without a crash', async () => {
      const r = await run('invalidUtf8');
      assert.equal(errors(r).length, 0, show(r));
    });

    it('one megabyte of blanks before a syntax error is reported in bounded time', async () => {
      // Trimming trailing blanks with /\s+$/ on the whole text is quadratic in the length of a blank run.
      let r: NastyResult;
      try {
        r = await run('blanksThenError');
      } catch (e) {
        if (e instanceof BoundExceeded)
          assert.fail(
            `${e.message}: server/src/language/syntaxDiagnostics.ts errorRange() trims the whole text with /\\s+$/ per error (quadratic in a run of blanks)`,
          );
        throw e;
      }
      assert.ok(errors(r).length > 0);
      ran('1 MiB of blanks before a syntax error', r, `error: ${errors(r)[0].message}`);
    });
  });

  describe('reliability: YAML features and encodings CAVRA treats specially', () => {
    afterEach(function () {
      figures.failed(this.currentTest);
    });
    after(() => figures.save());
    const codes = (text: string) => analyzeFuzz(text).diagnostics.map(finding);

    it('BOM, CRLF and CR line endings give the same findings as LF for every fixture pack', () => {
      const differ: string[] = [];
      for (const text of seedPolicies()) {
        const lf = JSON.stringify(analyzeFuzz(text).diagnostics);
        for (const [name, variant] of [
          ['BOM', `\uFEFF${text}`],
          ['CRLF', text.replace(/\n/g, '\r\n')],
          ['CR', text.replace(/\n/g, '\r')],
        ] as const) {
          if (JSON.stringify(analyzeFuzz(variant).diagnostics) !== lf)
            differ.push(`${name}: ${JSON.stringify(variant.slice(0, 60))}…`);
        }
      }
      figures.add({
        what: 'fixture packs with BOM, CRLF and CR line endings',
        count: seedPolicies().length * 3,
        unit: 'variants compared with LF',
        outcome: differ.length ? `${differ.length} differ` : 'identical findings',
      });
      // PyYAML and VS Code both read a lone CR as a line break; a file saved with CR endings is one CAVRA loads.
      assert.deepEqual(differ, []);
    });

    it('tab indentation is an error that names tabs', () => {
      const [tab] = codes(TAB_INDENT).filter((f) => f.severity === 1);
      assert.ok(tab);
      assert.match(tab.message, /Tabs are not allowed as indentation/);
      assert.equal(tab.line, 1);
    });

    it('merge keys merge as PyYAML does; a merge of a non-mapping is an error', () => {
      const a = analyzeFuzz(MERGE_KEYS);
      assert.equal(a.summary.rule_counts.commands, 3, 'block and allow come from the merged mapping');
      assert.equal(a.diagnostics.filter((d) => d.severity === 1).length, 0);
      const [bad] = codes(BAD_MERGE).filter((f) => f.severity === 1);
      assert.match(bad.message, /Merge sources must be maps/);
    });

    it('custom and Python tags are errors: safe_load has no constructor for them', () => {
      for (const [text, tag] of [
        [CUSTOM_TAG, '!custom'],
        [PYTHON_TAG, '!!python/object/apply:os.system'],
      ]) {
        const [err] = codes(text).filter((f) => f.severity === 1);
        assert.ok(err, `${tag} passed`);
        assert.equal(
          err.message,
          `CAVRA's YAML loader (safe_load) has no constructor for the tag \`${tag}\` and rejects the whole file.`,
        );
      }
    });

    it('a second document is an error at its marker', () => {
      const [multi] = codes(MULTI_DOCUMENT);
      assert.equal(multi.code, 'multiple-documents');
      assert.equal(multi.line, 5);
    });

    for (const [name, text] of CONTROL_CHARACTERS) {
      it(`${name}: an error, as PyYAML's reader refuses it ("unacceptable character")`, () => {
        const found = codes(text).filter((f) => f.severity === 1);
        assert.ok(
          found.length > 0,
          `no error for ${JSON.stringify(text.slice(-16))}: CAVRA's safe_load raises ReaderError "special characters are not allowed"`,
        );
      });
    }

    it('a list used as a mapping key is an error: PyYAML raises "found unhashable key"', () => {
      const found = codes(`${HEAD}? [a, b]\n: 1\n`).filter((f) => f.severity === 1);
      assert.ok(found.length > 0, "the file loads here but CAVRA's safe_load raises ConstructorError");
    });
  });
}
