// The command line over hostile files. Property: for any file (generated, mutated, junk, bytes that are
// not UTF-8) `validate` exits 0 or 1 (1 exactly when it prints an error), `summary` and `digest` exit 0,
// 1 (CAVRA cannot load it, with a message) or 2 (unreadable input), nothing throws, the output is
// the same twice, and a file `validate` passes is one `digest` can read. Then the named nasties through
// the real `node dist/cli.js`, each with a bounded wait: a 50 MB file is refused without being read,
// bytes that are not UTF-8 are refused (CAVRA cannot read them), alias bombs and deep nesting end.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../../server/src/cli';
import { firstInvalidUtf8 } from '../../../server/src/cli/input';
import { inBoundedWorker, runBounded, serveBoundedJob } from './support/boundedWorker';
import { Figures } from './support/figures';
import { aliasBomb, bigPolicy, deepFlowNesting, HEAD, invalidUtf8Policy, junkBytes } from './support/nastyInputs';
import { hostilePolicy, seedPolicies } from './support/policyTexts';
import { runCli } from './support/processes';

interface CliFuzzResult {
  cases: number;
  commands: number;
  codes: { [command: string]: { [code: string]: number } };
  problems: string[];
}

/** One command through main() in this process: exit code and everything printed. */
function call(argv: string[], cwd: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(
    argv,
    (s) => (out += `${s}\n`),
    (s) => (err += `${s}\n`),
    {},
    cwd,
  );
  if (typeof code !== 'number') throw new Error(`${argv[0]} returned a promise`);
  return { code, out, err };
}

/** Some texts become bytes with a stray byte that is not UTF-8 (as a file written by another tool). */
const fileBytes = (seeds: string[]) =>
  fc
    .tuple(
      hostilePolicy(seeds),
      fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(0x80, 0xc3, 0xe9, 0xff, 0xed)) },
      ),
    )
    .map(([text, stray]) => {
      const bytes = Buffer.from(text, 'utf8');
      if (!stray) return bytes;
      const at = stray[0] % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([stray[1]]), bytes.subarray(at)]);
    });

function cliFuzz(input: unknown): CliFuzzResult {
  const { runs, seed } = input as { runs: number; seed: number };
  const dir = mkdtempSync(join(tmpdir(), 'cavra-cli-fuzz-'));
  const result: CliFuzzResult = { cases: 0, commands: 0, codes: {}, problems: [] };
  const count = (command: string, code: number) => {
    result.commands++;
    const c = (result.codes[command] ??= {});
    c[code] = (c[code] ?? 0) + 1;
  };
  try {
    mkdirSync(join(dir, 'policies', 'cavra-fuzz'), { recursive: true });
    const file = 'policies/cavra-fuzz/policy.yaml';
    for (const bytes of fc.sample(fileBytes(seedPolicies()), { numRuns: runs, seed })) {
      result.cases++;
      const problem = (what: string) => {
        if (result.problems.length < 5)
          result.problems.push(`${what}\n  file bytes: ${JSON.stringify(bytes.toString('latin1').slice(0, 400))}`);
      };
      writeFileSync(join(dir, file), bytes);
      try {
        const v = call(['validate', '--json', file], dir);
        count('validate', v.code);
        const again = call(['validate', '--json', file], dir);
        if (again.code !== v.code || again.out !== v.out) problem('validate answered differently the second time');
        const rows = JSON.parse(v.out) as { line: number; column: number; severity: string; code: string; message: string }[];
        const hasError = rows.some((r) => r.severity === 'error');
        if (v.code !== (hasError ? 1 : 0))
          problem(`validate exited ${v.code} with ${hasError ? 'an error' : 'no error'} printed`);
        const lines = bytes
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split(/\r\n|\r|\n/);
        for (const r of rows) {
          if (!(r.line >= 1 && r.line <= lines.length && r.column >= 1 && r.column <= lines[r.line - 1].length + 1))
            problem(`validate printed ${r.code} at ${r.line}:${r.column}, outside the file`);
          if (!r.message) problem(`validate printed ${r.code} without a message`);
        }
        for (const command of ['summary', 'digest']) {
          const r = call([command, '--json', file], dir);
          count(command, r.code);
          if (![0, 1, 2].includes(r.code)) problem(`${command} exited ${r.code}`);
          if (r.code === 0) JSON.parse(r.out);
          else if (!/^cavra-policy: \S/.test(r.err))
            problem(`${command} exited ${r.code} without saying why: ${JSON.stringify(r.err)}`);
          if (r.code === 2 && !/not valid UTF-8/.test(r.err)) problem(`${command} called a readable file unreadable: ${r.err}`);
          // What validate passes, CAVRA can load: the digest must exist.
          if (command === 'digest' && v.code === 0 && r.code !== 0)
            problem(`validate passed the file but digest failed: ${r.err}`);
        }
      } catch (e) {
        problem(`threw: ${(e as Error).stack}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

if (inBoundedWorker) {
  process.removeAllListeners('warning');
  serveBoundedJob({ cliFuzz });
} else {
  const figures = new Figures('Hostile input: the command line', 'test/unit/reliability/cliHostile.test.ts');

  describe('reliability: cavra-policy over hostile files', function () {
    this.timeout(120_000);
    let ws: string;
    before(() => {
      ws = mkdtempSync(join(tmpdir(), 'cavra-cli-hostile-'));
      mkdirSync(join(ws, 'policies'), { recursive: true });
    });
    afterEach(function () {
      figures.failed(this.currentTest);
    });
    after(() => {
      rmSync(ws, { recursive: true, force: true });
      figures.save();
    });
    const put = (name: string, data: string | Uint8Array) => {
      writeFileSync(join(ws, name), data);
      return name;
    };

    it('validate, summary and digest exit 0/1/2 as documented over generated and mutated files', async () => {
      const seed = Number(process.env.CAVRA_FUZZ_SEED ?? Date.now() % 2 ** 31);
      const runs = Math.round(400 * Number(process.env.CAVRA_FUZZ_SCALE ?? 1));
      const r = await runBounded<CliFuzzResult>(
        __filename,
        { name: 'cliFuzz', input: { runs, seed } },
        { waitMs: 100_000, heapMb: 768, bundlesCli: true },
      );
      const codes = Object.entries(r.codes)
        .map(
          ([c, byCode]) =>
            `${c} ${Object.entries(byCode)
              .map(([k, n]) => `exit ${k}: ${n}`)
              .join(', ')}`,
        )
        .join('; ');
      figures.add({
        what: 'validate + summary + digest through main() (validate twice)',
        count: r.cases,
        unit: `files (${r.commands} commands: ${codes})`,
        outcome: r.problems.length
          ? `${r.problems.length}+ problems`
          : '0 throws, 0 undocumented exit codes, 0 positions outside the file',
      });
      assert.deepEqual(r.problems, [], `seed ${seed} (CAVRA_FUZZ_SEED=${seed} replays)`);
    });

    it('the UTF-8 check agrees with a strict decoder on any bytes', () => {
      const strict = new TextDecoder('utf-8', { fatal: true });
      const valid = (b: Uint8Array) => {
        try {
          strict.decode(b);
          return true;
        } catch {
          return false;
        }
      };
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.string({ unit: 'binary', maxLength: 32 }).map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
        fc
          .tuple(fc.string({ maxLength: 16 }), fc.uint8Array({ minLength: 1, maxLength: 4 }))
          .map(([t, tail]) => new Uint8Array([...Buffer.from(t, 'utf8'), ...tail])),
      );
      fc.assert(
        fc.property(bytes, (b) => firstInvalidUtf8(b) < 0 === valid(b)),
        { numRuns: 3000 },
      );
    });

    it('a 50 MB file: validate exits 1 naming the limit and the flag, without reading it; the others exit 2', async () => {
      const big = put('big.yaml', bigPolicy(50));
      // A 256 MB heap: parsing 50 MB of YAML needs gigabytes, so only a file left unread passes.
      const heap = ['--max-old-space-size=256'];
      const v = await runCli(['validate', big], { cwd: ws, nodeArgs: heap });
      assert.equal(v.timedOut, false);
      assert.equal(v.status, 1, v.stderr);
      assert.equal(
        v.stdout,
        'big.yaml:1:1: error file-too-large: big.yaml is 50.0 MB, above the 5 MB limit; it was not read (raise it with --max-file-size-mb)\n',
      );
      for (const command of [
        ['summary', big],
        ['digest', big],
        ['plan', big],
        ['draft', big],
      ]) {
        const r = await runCli(command, { cwd: ws, nodeArgs: heap });
        assert.equal(r.status, 2, `${command[0]}: ${r.stderr}`);
        assert.match(r.stderr, /big\.yaml is 50\.0 MB, above the 5 MB limit; it was not read/);
      }
      figures.add({
        what: '50 MB policy through validate, summary, digest, plan, draft (256 MB heap)',
        count: 5,
        unit: 'runs of dist/cli.js',
        outcome: 'refused unread: validate exit 1, the others exit 2',
      });
    });

    it('bytes that are not UTF-8: validate exits 1 naming the line, digest exits 2; nothing is checked with replacement characters', async () => {
      const bad = put('latin1.yaml', invalidUtf8Policy());
      const v = await runCli(['validate', bad], { cwd: ws });
      assert.equal(v.status, 1);
      assert.match(
        v.stdout,
        /^latin1\.yaml:8:1: error invalid-utf8: latin1\.yaml: not valid UTF-8 \(byte \d+, line 8\): CAVRA reads policies as UTF-8/,
      );
      const d = await runCli(['digest', bad], { cwd: ws });
      assert.equal(d.status, 2);
      assert.match(d.stderr, /not valid UTF-8/);
    });

    it('alias bomb, 10,000-deep nesting and binary junk end with exit 1 and a message', async () => {
      const files = [
        put('bomb.yaml', aliasBomb()),
        put('deep.yaml', deepFlowNesting()),
        put('junk.bin', Buffer.from(junkBytes(64 * 1024).map((b) => b & 0x7f))),
      ];
      for (const file of files) {
        for (const command of ['validate', 'digest']) {
          const r = await runCli([command, file], { cwd: ws, nodeArgs: ['--max-old-space-size=256'] });
          assert.equal(r.timedOut, false, `${command} ${file} did not end`);
          assert.equal(r.status, 1, `${command} ${file}: ${r.stdout}${r.stderr}`);
          assert.ok((r.stdout + r.stderr).trim().length > 0);
        }
      }
      figures.add({
        what: 'alias bomb, 10,000-deep nesting, 64 KiB of binary junk through validate and digest (256 MB heap)',
        count: 6,
        unit: 'runs of dist/cli.js',
        outcome: 'all exit 1 with a message',
      });
    });

    it('evaluate against a pattern built to backtrack ends in bounded time', async () => {
      // `*a*a…*b` compiled to ^[^\n]*a[^\n]*a…b$ backtracks polynomially against a run of "a"s.
      mkdirSync(join(ws, 'policies', 'cavra-redos'), { recursive: true });
      put(
        'policies/cavra-redos/policy.yaml',
        `${HEAD.replace('cavra-fuzz', 'cavra-redos')}commands:\n  block:\n    - "${'*a'.repeat(12)}*b"\n`,
      );
      const r = await runCli(['evaluate', 'execute_command', 'a'.repeat(48), '--policy-pack', 'cavra-redos'], {
        cwd: ws,
        waitMs: 20_000,
      });
      assert.equal(
        r.timedOut,
        false,
        'evaluate did not end within 20 s: server/src/policy/evaluate.ts cavraPatternMatches() builds a backtracking RegExp from the glob',
      );
      assert.equal(r.status, 0, r.stderr);
    });
  });
}
