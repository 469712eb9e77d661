// Proof of sameness: an analysis built from the previous version's (an edit applied to its tree and
// findings) must equal a fresh analysis of the same text — diagnostics with their ranges, rule counts,
// outline, code lens, hovers — after every one of thousands of random edits.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { Position } from 'vscode-languageserver-types';
import { analyze, languageFeatures, type Analysis } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { generatePolicy, SHAPES } from '../../bench/measure/policyGenerator';
import { anyEdit, applyAnyEdit, blockPolicy, treeShape, valueShape } from './incrementalTexts';
import { HEAD } from './analyzeText';

/** CAVRA_FUZZ_RUNS raises the number of edit sequences for a longer search; CAVRA_FUZZ_SEED replays a run. */
const RUNS = Number(process.env.CAVRA_FUZZ_RUNS ?? 300);
const SEED = process.env.CAVRA_FUZZ_SEED ? { seed: Number(process.env.CAVRA_FUZZ_SEED) } : {};

const FILE = '/ws/policies/cavra-bench-300/policy.yaml';
const catalog = new PackCatalog();
catalog.scan(['/ws/policies']);
const context = { file: FILE, catalog };
const URI = `file://${FILE}`;

function packsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    try {
      return [readFileSync(join(dir, name, 'policy.yaml'), 'utf8')];
    } catch {
      return [];
    }
  });
}

/** Big enough lists for the cover index and duplicates to matter, small enough for thousands of edits. */
const BENCH_LIKE = [generatePolicy(300, 1).text, generatePolicy(120, 2).text];
/** Every shape the bench measures (issue 14), so the edits it times are edits proven equal to a fresh analysis. */
const SHAPED = SHAPES.map((shape) => generatePolicy(300, 3, shape).text);
/** Trees `yaml` reads (a flow list, a block scalar, a flow mapping): edits inside lists still apply to them. */
const YAML_READ = [
  `${BENCH_LIKE[1].replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: [cavra-a, cavra-b]\n  notes: >\n    folded\n    text\n')}`,
  `# A pack with a flow mapping\nmetadata: {id: cavra-bench-300, title: T, description: D, version: "1"}\ncommands:\n  block:\n    - "rm -rf *"\n    - "terraform *"\n    - "terraform apply*"\n  allow:\n    - "terraform plan*"\n    - "terraform apply -target*"\n    - "git *"\n    - git status\n`,
];
/**
 * Packs written as JSON (what `json.dumps` writes, indented and not): YAML too, all flow collections of
 * double-quoted strings; typing inside an entry is applied to the tree (documentEdit.quotedEntryEdit).
 */
const asJson = (text: string, indent?: number) => JSON.stringify(parse(text), null, indent);
const JSON_WRITTEN = [asJson(BENCH_LIKE[1], 2), asJson(generatePolicy(60, 4, 'prefix').text), asJson(SHAPED[3], 4)];
/** Windows line ends: the block reader and incremental edits take CRLF too. */
const CRLF = [BENCH_LIKE[1].replace(/\n/g, '\r\n')];
const SEEDS = [
  ...BENCH_LIKE,
  ...YAML_READ,
  ...CRLF,
  ...packsUnder('examples/workspace/policies'),
  ...packsUnder('test/fixtures/policies'),
];

function positionsOf(a: Analysis, picks: number[]): Position[] {
  return picks.map((p) => a.doc.positionAt(a.doc.text.length ? p % a.doc.text.length : 0));
}

/** A feature's answer, or the error it throws (the same error counts as the same answer). */
function answer<T>(f: () => T): T | { threw: string } {
  try {
    return f();
  } catch (e) {
    return { threw: String((e as Error).message) };
  }
}

/** Everything a client sees of an analysis, in plain data. */
function transcript(a: Analysis, probes: Position[]): unknown {
  return {
    diagnostics: a.diagnostics,
    valid: a.valid,
    summary: a.summary,
    symbols: answer(() => languageFeatures.symbols(a)),
    lenses: answer(() => languageFeatures.codeLenses(a)),
    hovers: probes.map((p) => answer(() => languageFeatures.hover(a, p))),
    completions: probes.slice(0, 2).map((p) => answer(() => languageFeatures.completion(a, p))),
  };
}

function sameAsFresh(incremental: Analysis, version: number, text: string, picks: number[]): void {
  const fresh = analyze(URI, version, text, context);
  assert.equal(incremental.doc.text, text);
  assert.deepEqual(treeShape(incremental.doc.root), treeShape(fresh.doc.root), 'the edited tree differs from a fresh reading');
  assert.deepEqual(
    valueShape(incremental.doc.value),
    valueShape(fresh.doc.value),
    'the edited value differs from a fresh reading',
  );
  assert.deepEqual(incremental.doc.lineStartOffsets(), fresh.doc.lineStartOffsets(), 'line starts differ');
  const probes = positionsOf(fresh, picks);
  assert.deepEqual(transcript(incremental, probes), transcript(fresh, probes));
}

/**
 * A user typing into `base`: each step is the next text, analysed from the previous version and held to a
 * fresh analysis (probed around `probe`); counts the steps and those applied to the tree.
 */
function typist(base: string) {
  const t = { text: base, steps: 0, reused: 0 };
  let a = analyze(URI, 1, base, context);
  let version = 1;
  const step = (next: string, probe: number) => {
    const previous = a;
    t.text = next;
    a = analyze(URI, ++version, next, context, undefined, previous);
    t.steps++;
    if (a.doc.yaml === previous.doc.yaml) t.reused++;
    sameAsFresh(a, version, next, [probe, probe + 3, 0]);
  };
  return Object.assign(t, { step });
}

describe('incremental analysis equals a fresh analysis', () => {
  it('after every edit of random edit sequences (lists, keys, values, anchors, comments)', function () {
    // A bounded amount of work (RUNS sequences), not a speed test: on a loaded 2-core machine it has taken over 20 s.
    this.timeout(120_000);
    let edits = 0;
    let reused = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...BENCH_LIKE, ...YAML_READ, ...CRLF) },
          { weight: 2, arbitrary: fc.constantFrom(...JSON_WRITTEN) },
          { weight: 2, arbitrary: fc.constantFrom(...SEEDS) },
          { weight: 2, arbitrary: fc.constantFrom(...SHAPED) },
          { weight: 2, arbitrary: blockPolicy },
        ),
        fc.array(anyEdit, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        (seed, sequence, picks) => {
          let text = seed;
          let version = 1;
          let a = analyze(URI, version, text, context);
          const step = (next: string) => {
            text = next;
            const previous = a;
            a = analyze(URI, ++version, text, context, undefined, previous);
            if (!previous.doc.yaml.doc.errors.length) edits++;
            if (a.doc.yaml === previous.doc.yaml) reused++;
            sameAsFresh(a, version, text, picks);
          };
          for (const e of sequence) {
            const before = text;
            step(applyAnyEdit(text, e));
            // A user who typed a YAML error undoes it (from a broken tree, the whole text is read again).
            if (a.doc.yaml.doc.errors.length && !analyze(URI, 0, before, context).doc.yaml.doc.errors.length) step(before);
          }
        },
      ),
      { numRuns: RUNS, ...SEED },
    );
    // The test is only worth its name if many edits took the incremental path (an edit of a tree with
    // a YAML error never does, nor one that changes keys, comments or indentation).
    assert.ok(edits >= RUNS * 3, `${edits} edits`);
    assert.ok(
      reused >= RUNS && reused > edits / 5,
      `only ${reused} of ${edits} edits of error-free trees were applied incrementally`,
    );
  });

  it('a text with a lone carriage return (a line break to YAML, not to the edit) is read in full after an edit', () => {
    // Found by the property above (seed -1011581418): a space typed after the `\r` of a CRLF line left a
    // lone `\r`, and an `x` typed at the start of the next line then kept in the list an entry that a
    // fresh reading, which breaks the line at the `\r`, leaves out.
    const before =
      'metadata:\r\n  id: cavra-bench-300\r\nfilesystem:\r\n  block_read:\r\n    - "a/one"\r\n    - "b/two"\r \n' +
      '    - "c/three"\r\n    - "d/four"\r\ncommands:\r\n  block:\r\n    - "rm *"\r\n';
    const at = before.indexOf('    - "c/three"');
    const after = `${before.slice(0, at)}x${before.slice(at)}`;
    const first = analyze(URI, 1, before, context);
    const edited = analyze(URI, 2, after, context, undefined, first);
    sameAsFresh(edited, 2, after, [0, at, at + 8]);
  });

  it('an empty entry after a comment keeps the range a fresh reading gives it when an entry is inserted before it', () => {
    // Found by the property above (seed -1052020752): `yaml` ends a bare `-` that follows a comment after
    // the blank lines below it, so the entry's range depends on the lines before it and an edit there
    // must read the list again.
    const before = 'block_write:\n- p   \n# c\n-\n\n- "terraform apply*"\n';
    const after = 'block_write:\n- p   \n# c\n- "x"\n-\n\n- "terraform apply*"\n';
    const first = analyze(URI, 1, before, context);
    const edited = analyze(URI, 2, after, context, undefined, first);
    sameAsFresh(edited, 2, after, [0, 17, 30]);
  });

  it('a finding whose entry moved up the list but not in the text names its new index (quick fixes act on it)', () => {
    // An entry's line emptied: the entries after it keep their lines and columns, one place up the list
    // (an edit applied to the tree in place). Their findings' ranges and messages read the same; their
    // paths must not.
    const before = `${HEAD}filesystem:\n  block_read:\n    - "a/**"\n    - "b"\n    - "a/x"\n`;
    const after = before.replace('    - "b"\n', '\n');
    const first = analyze(URI, 1, before, context);
    const edited = analyze(URI, 2, after, context, undefined, first);
    assert.equal(edited.findings?.shadows, first.findings?.shadows, 'the edit was applied in place');
    const redundant = (a: Analysis) => a.diagnostics.filter((d) => d.code === 'redundant-rule').map((d) => d.data);
    assert.deepEqual(redundant(first), [{ path: ['filesystem', 'block_read', 2] }]);
    assert.deepEqual(redundant(edited), [{ path: ['filesystem', 'block_read', 1] }]);
    sameAsFresh(edited, 2, after, [0, before.indexOf('a/x'), 10]);
  });

  it('keeps up with typing a new entry at the end of a long list, as VS Code sends it', () => {
    // The caret at the end of the list's last entry. Enter continues the list (onEnterRules), a quote
    // comes with its closing quote (autoClosingPairs), then the pattern is typed inside the quotes.
    const base = BENCH_LIKE[0];
    const at = base.indexOf('  block_write:') - 1;
    const pattern = 'src/**/new-entry*.pem';
    const states = ['\n    - ', '\n    - ""', ...[...pattern].map((_, i) => `\n    - "${pattern.slice(0, i + 1)}"`)];
    let a = analyze(URI, 1, base, context);
    let reused = 0;
    states.forEach((typed, i) => {
      const text = base.slice(0, at) + typed + base.slice(at);
      const previous = a;
      a = analyze(URI, i + 2, text, context, undefined, previous);
      if (a.doc.yaml === previous.doc.yaml) reused++;
      sameAsFresh(a, i + 2, text, [at, at + 7, text.length - 1]);
    });
    assert.equal(reused, states.length, 'every keystroke is applied incrementally');
  });

  it('keeps up with typing inside the entries of a pack written as JSON, indented or on one line', () => {
    for (const base of [JSON_WRITTEN[0], JSON_WRITTEN[1]]) {
      // Into an entry of every list, at its start, middle and end: typed, then taken out again.
      const entries = [...base.matchAll(/\[\s*"([^"]*)"/g)].map((m) => m.index + m[0].length - 1 - m[1].length);
      assert.ok(entries.length >= 8, `${entries.length} lists`);
      const t = typist(base);
      for (const start of entries) {
        const end = t.text.indexOf('"', start);
        for (const at of [start, (start + end) >> 1, end]) {
          t.step(`${t.text.slice(0, at)}*/x${t.text.slice(at)}`, at);
          t.step(`${t.text.slice(0, at)}${t.text.slice(at + 3)}`, at);
        }
      }
      assert.equal(t.text, base);
      assert.equal(t.reused, t.steps, 'every keystroke is applied to the tree');
    }
  });

  it("keeps up with typing inside a mapping's values (a risk level per server), block or JSON", () => {
    const levels = ['low', 'nx', '1x', 'medium'];
    const risk = Array.from({ length: 40 }, (_, i) => `    server-${i}: ${levels[i % 4]}`).join('\n');
    const block = BENCH_LIKE[1].replace(/ {2}risk_scoring:\n( {4}.*\n)+/, `  risk_scoring:\n${risk}\n`);
    assert.notEqual(block, BENCH_LIKE[1]);
    // At the end of a value: `-` takes its last character out, any other character is typed. The words
    // pass through what YAML 1.1 reads as other types (`no`, `null`, `1`, `1.5`) and back.
    const scripts: Record<string, string> = { low: '--ow', nx: '-o-ull---x', '1x': '-.5--x' };
    for (const base of [block, asJson(block, 2), asJson(block)]) {
      const t = typist(base);
      for (const server of ['server-0', 'server-1', 'server-2', 'server-37', 'server-38']) {
        const key = t.text.indexOf(`${server}${base === block ? ':' : '"'}`);
        const m = /^[^:]*: ?"?([a-z0-9]+)/.exec(t.text.slice(key))!;
        let end = key + m[0].length;
        for (const c of scripts[m[1]]) {
          if (c === '-') t.step(`${t.text.slice(0, end - 1)}${t.text.slice(end--)}`, end);
          else t.step(`${t.text.slice(0, end)}${c}${t.text.slice(end++)}`, end);
        }
      }
      assert.equal(t.text, base);
      assert.equal(t.reused, t.steps, `${t.reused} of ${t.steps} keystrokes applied to the tree`);
    }
  });

  it("a character typed at the end of a text's last value moves the ends of the collections around it", () => {
    // Found by the property above (seed -2139929913): with no line break after it, the value ends where its
    // mapping does, and the edit starts there.
    const first = analyze(URI, 1, 'metadata: .env', context);
    const edited = analyze(URI, 2, 'metadata: .envx', context, undefined, first);
    assert.equal(edited.doc.yaml, first.doc.yaml, 'the edit was applied to the tree');
    sameAsFresh(edited, 2, 'metadata: .envx', [0, 14, 15]);
  });

  it('in a pack written as JSON, a quote or backslash typed into an entry, or an edit of a key, is read in full', () => {
    const base = JSON_WRITTEN[0];
    const at = base.indexOf('"', base.indexOf('"block_read"') + 13) + 2;
    const key = base.indexOf('"block_read"') + 3;
    for (const [edited, probe] of [
      [`${base.slice(0, at)}"${base.slice(at)}`, at],
      [`${base.slice(0, at)}\\n${base.slice(at)}`, at],
      [`${base.slice(0, key)}x${base.slice(key)}`, key],
    ] as const) {
      const first = analyze(URI, 1, base, context);
      const a = analyze(URI, 2, edited, context, undefined, first);
      assert.notEqual(a.doc.yaml, first.doc.yaml, 'read in full');
      sameAsFresh(a, 2, edited, [probe, 0, 10]);
    }
  });

  it('duplicates follow edits that make, move and undo repeats (re-counted per touched text only)', () => {
    const versions = [
      ['a', 'b', 'a', 'c', 'a'],
      ['b', 'b', 'a', 'c', 'a'],
      ['b', 'b', 'b', 'c', 'a'],
      ['b', 'a', 'b', 'c', 'a'],
      ['b', 'a', 'b', 'c', 'ab'],
      ['b', 'a', 'c', 'ab'],
      ['a', 'b', 'a', 'c', 'ab'],
    ].map((items) => `commands:\n  block:\n${items.map((i) => `    - "${i}"\n`).join('')}`);
    let a = analyze(URI, 1, versions[0], context);
    let reused = 0;
    versions.slice(1).forEach((text, i) => {
      const previous = a;
      a = analyze(URI, i + 2, text, context, undefined, previous);
      if (a.doc.yaml === previous.doc.yaml) reused++;
      sameAsFresh(a, i + 2, text, [0, 20, 30]);
    });
    assert.ok(reused >= 4, `${reused} edits applied incrementally`);
    assert.ok(a.diagnostics.some((d) => d.code === 'duplicate-entry'));
  });

  it('characters PyYAML refuses, typed into an entry and removed again, are reported as a fresh reading reports them (only the new lines are scanned)', () => {
    const versions = [
      ['a', 'b', 'c'],
      ['a', 'b\uFFFE', 'c'],
      ['a\uD800', 'b\uFFFE', 'c'],
      ['a\uD800', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c\uFFFF'],
    ].map((items) => `commands:\n  block:\n${items.map((i) => `    - "${i}"\n`).join('')}`);
    let a = analyze(URI, 1, versions[0], context);
    let reused = 0;
    versions.slice(1).forEach((text, i) => {
      const previous = a;
      a = analyze(URI, i + 2, text, context, undefined, previous);
      if (a.doc.yaml === previous.doc.yaml) reused++;
      sameAsFresh(a, i + 2, text, [0, 20, 30]);
    });
    assert.ok(reused >= 4, `${reused} edits applied incrementally`);
    assert.ok(a.diagnostics.some((d) => d.code === 'yaml-syntax' && /U\+FFFF/.test(String(d.message))));
  });

  it('an analysis whose tree was taken over by an edit is not edited again', () => {
    const text = BENCH_LIKE[1];
    const first = analyze(URI, 1, text, context);
    const at = text.indexOf('- "', text.indexOf('block_read:')) + 3;
    const one = `${text.slice(0, at)}x${text.slice(at)}`;
    const two = `${text.slice(0, at)}y${text.slice(at)}`;
    const a = analyze(URI, 2, one, context, undefined, first);
    assert.equal(a.doc.yaml, first.doc.yaml, 'the first edit is applied in place');
    const b = analyze(URI, 3, two, context, undefined, first);
    assert.notEqual(b.doc.yaml, first.doc.yaml);
    sameAsFresh(b, 3, two, [at, 0, 5]);
  });
});
