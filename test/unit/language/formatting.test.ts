// Formatting never changes what CAVRA loads and is idempotent: over every policy fixture under test/,
// the benchmark's generated packs, the fuzz suite's generated policies, and random texts of our own
// (formattingTexts.ts) whose formatted form is known exactly. The draft digest (policy/digest.ts) is
// a hash of the normalized loaded value, so the same loaded value is the same digest; both are checked.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FormattingOptions, Range } from 'vscode-languageserver-types';
import { formatPolicy } from '../../../server/src/language/formatting';
import { analyze, languageFeatures } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { policyDigest } from '../../../server/src/policy/digest';
import { buildPolicyPack } from '../../../server/src/policy/draft';
import { parsePolicyYaml } from '../../../server/src/policy/policyYaml';
import { generatePolicy } from '../../bench/measure/policyGenerator';
import { readCase } from '../../golden/goldenCase';
import { repoRoot } from '../../lsp/repoRoot';
import { applyEdits } from '../../lsp/textEdits';
import { junkText, mutatedPolicy, seedPolicies, structuredPolicy } from '../reliability/support/policyTexts';
import { formattingCase } from './formattingTexts';

const TWO: FormattingOptions = { tabSize: 2, insertSpaces: true };
const FOUR: FormattingOptions = { tabSize: 4, insertSpaces: false };
/** A fixed day: a draft without a version is stamped with the day it is built. */
const DAY = new Date(Date.UTC(2030, 0, 2));

function policyFixtures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out.push(...policyFixtures(p));
    else if (/^policy.*\.yaml$/.test(name)) out.push(p);
  }
  return out;
}

function digestOf(value: unknown): string | undefined {
  try {
    return policyDigest(buildPolicyPack(value as never, DAY));
  } catch {
    return undefined;
  }
}

const lineCount = (s: string) => s.split(/\r\n|\r|\n/).length;
const blankLines = (s: string) =>
  s
    .split(/\r\n|\r|\n/)
    .map((l, i) => (l.trim() ? -1 : i))
    .filter((i) => i >= 0);
const commentLines = (s: string) =>
  s
    .split(/\r\n|\r|\n/)
    .filter((l) => /^\s*#/.test(l))
    .map((l) => l.trim());

/** Formats `text` and checks every promise; returns the formatted text. */
function checkFormatting(text: string, options: FormattingOptions, range?: Range): string {
  const before = parsePolicyYaml(text);
  const edits = formatPolicy(text, options, range);
  if (before.doc.errors.length || before.extraDocuments.length) {
    assert.deepEqual(edits, [], 'text that is not one valid YAML document gets no edits');
    return text;
  }
  if (!edits.length) return text;
  const after = applyEdits(text, edits);
  const loaded = parsePolicyYaml(after);
  assert.deepEqual(
    loaded.doc.errors.map((e) => e.message),
    [],
  );
  // Types (int/float/date/str) and key order as CAVRA's Python sees them.
  assert.deepStrictEqual(loaded.value, before.value);
  assert.equal(JSON.stringify(loaded.value), JSON.stringify(before.value));
  assert.equal(digestOf(loaded.value), digestOf(before.value));
  assert.equal(lineCount(after), lineCount(text), 'no line is added or removed');
  assert.deepEqual(blankLines(after), blankLines(text), 'blank lines stay where they are');
  assert.deepEqual(commentLines(after), commentLines(text), 'comments are kept');
  assert.deepEqual(formatPolicy(after, options, range), [], 'formatting the result again changes nothing');
  for (const e of edits) assert.equal(e.range.start.line, e.range.end.line, 'each edit stays on its line');
  return after;
}

const explain = (label: string, text: string, e: unknown) =>
  new Error(`${label}: ${(e as Error).message}\n--- text ---\n${text}`, { cause: e });

describe('formatting keeps what CAVRA loads', () => {
  const fixtures = policyFixtures(join(repoRoot, 'test'));

  it('finds the policy fixtures under test/', () => {
    assert.ok(fixtures.length >= 30, `only ${fixtures.length} policy*.yaml fixtures found`);
  });

  it('every policy fixture: same value, same digest, idempotent (tabSize 2 and 4)', () => {
    for (const file of fixtures) {
      const text = readFileSync(file, 'utf8');
      for (const options of [TWO, FOUR]) {
        try {
          checkFormatting(text, options);
        } catch (e) {
          throw explain(`${file} tabSize ${options.tabSize}`, text, e);
        }
      }
    }
  });

  it('the fixtures that are valid already follow the style (formatting them changes nothing)', () => {
    const changed = fixtures.filter((f) => formatPolicy(readFileSync(f, 'utf8'), TWO).length);
    assert.deepEqual(changed, []);
  });

  it("every golden case's policies: same value, same digest, idempotent", () => {
    const dir = join(repoRoot, 'test', 'golden');
    let count = 0;
    for (const method of readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory())) {
      for (const name of readdirSync(join(dir, method)).filter((n) => n.endsWith('.md'))) {
        for (const [path, given] of readCase(join(dir, method, name)).given) {
          // As written, and without the first `|` (the caret of hover and completion cases).
          for (const text of [given, given.replace('|', '')]) {
            count++;
            try {
              checkFormatting(text, TWO);
            } catch (e) {
              throw explain(`${method}/${name} ${path}`, text, e);
            }
          }
        }
      }
    }
    assert.ok(count >= 100, `only ${count} golden policies found`);
  });

  it('the benchmark generator packs: same value, same digest, idempotent', () => {
    for (const rules of [10, 100, 1000]) {
      const { text } = generatePolicy(rules);
      checkFormatting(text, TWO);
      const fourSpaces = text.replace(/^( +)/gm, (m) => ' '.repeat(m.length * 2));
      assert.equal(checkFormatting(fourSpaces, TWO), text, 'a pack indented by 4 formats back to the 2-space original');
    }
  });

  it("the fuzz suite's generated, mutated and junk texts: no throw, same value, idempotent, no edits for broken YAML", () => {
    fc.assert(
      fc.property(
        fc.oneof(structuredPolicy, mutatedPolicy(seedPolicies()), junkText),
        fc.constantFrom(TWO, FOUR),
        (text, options) => {
          checkFormatting(text, options);
        },
      ),
      { numRuns: 400, seed: 13 },
    );
  });

  it('random packs with comments, blank lines, odd indentation and quoting format to the documented style', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const c = formattingCase(seed);
      const options = { tabSize: c.tabSize, insertSpaces: true };
      try {
        assert.equal(checkFormatting(c.odd, options), c.canonical);
        assert.deepEqual(formatPolicy(c.canonical, options), []);
      } catch (e) {
        throw explain(`seed ${seed}`, c.odd, e);
      }
    }
  });

  it('range formatting of any one line keeps the value and the rest of the file', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { odd, tabSize } = formattingCase(seed);
      const lines = lineCount(odd);
      for (let line = 0; line < lines; line += 3) {
        const range = { start: { line, character: 0 }, end: { line, character: 0 } };
        try {
          const edits = formatPolicy(odd, { tabSize, insertSpaces: true }, range);
          if (!edits.length) continue;
          const after = applyEdits(odd, edits);
          assert.deepStrictEqual(parsePolicyYaml(after).value, parsePolicyYaml(odd).value);
          assert.equal(lineCount(after), lineCount(odd));
        } catch (e) {
          throw explain(`seed ${seed} line ${line}`, odd, e);
        }
      }
    }
  });

  it("the server's path: an analysed version, edited inside a list, formats as its text does", () => {
    const uri = 'file:///ws/policies/cavra-example/policy.yaml';
    const context = { file: '/ws/policies/cavra-example/policy.yaml', catalog: new PackCatalog() };
    const v1 = 'metadata:\n    id: cavra-example\ncommands:\n    block:\n        - "a*"\n        - "b*"\n';
    const v2 = v1.replace('"b*"', "'c*'");
    const first = analyze(uri, 1, v1, context);
    const second = analyze(uri, 2, v2, context, undefined, first);
    const edits = languageFeatures.formatting(second, TWO);
    assert.deepEqual(edits, formatPolicy(v2, TWO));
    assert.equal(applyEdits(v2, edits), 'metadata:\n  id: cavra-example\ncommands:\n  block:\n    - "a*"\n    - "c*"\n');
  });

  describe("the editor's FormattingOptions and line ends", () => {
    const text = 'metadata:\n    id: cavra-x   \n    title: T\n';

    it('trimTrailingWhitespace: false keeps trailing spaces', () => {
      assert.equal(
        applyEdits(text, formatPolicy(text, { ...TWO, trimTrailingWhitespace: false })),
        text.replace(/^ {4}/gm, '  '),
      );
    });

    it("insertFinalNewline adds the line break a file lacks, in the file's own style", () => {
      const crlf = 'metadata:\r\n  id: cavra-x';
      assert.equal(applyEdits(crlf, formatPolicy(crlf, { ...TWO, insertFinalNewline: true })), `${crlf}\r\n`);
      assert.deepEqual(formatPolicy(crlf, TWO), [], 'not asked: not added');
    });

    it('trimFinalNewlines leaves one line break after the last line', () => {
      const extra = 'metadata:\n  id: cavra-x\n\n\n  \n';
      assert.equal(applyEdits(extra, formatPolicy(extra, { ...TWO, trimFinalNewlines: true })), 'metadata:\n  id: cavra-x\n');
    });

    it('final newlines that are part of a kept block scalar (|+) stay: the value would change', () => {
      const kept = 'metadata:\n    note: |+\n      text\n\n\n';
      const after = applyEdits(kept, formatPolicy(kept, { ...TWO, trimFinalNewlines: true }));
      assert.deepStrictEqual(parsePolicyYaml(after).value, parsePolicyYaml(kept).value);
      assert.equal(after, 'metadata:\n  note: |+\n    text\n\n\n');
    });

    it('old Mac line ends (a lone \\r) are line ends, kept as they are', () => {
      const cr = 'metadata:\r    # the id\r    id: cavra-x\r    title: T\r';
      assert.equal(checkFormatting(cr, TWO), 'metadata:\r  # the id\r  id: cavra-x\r  title: T\r');
    });

    it('tab-indented YAML (which YAML forbids) gets no edits', () => {
      assert.deepEqual(formatPolicy('metadata:\n\tid: x\n', TWO), []);
    });
  });
});
