// The CLI's launcher (dist/cli.js, server/src/launch/cliLauncher.ts) with its code cache, as a process:
// the first run of a command writes a cache of its own, the next runs take it without writing, and a
// cache V8 refuses is replaced; the output is the same with a cache, without one, and with a bad one.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, FIXTURE_POLICIES, runCli } from './runCli';

const VALIDATE = [
  'validate',
  fixture('cavra-bad-unknown-key'),
  fixture('cavra-studio-minimal'),
  '--policy-dir',
  FIXTURE_POLICIES,
];

describe('cavra-policy code cache (dist/cli.js)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cavra-cli-code-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], cache: string = dir) => runCli(args, { env: { CAVRA_CODE_CACHE: cache } });
  const caches = () => readdirSync(dir).sort();
  const fileState = (f: string) => {
    const s = statSync(join(dir, f));
    return { ino: s.ino, mtimeMs: s.mtimeMs, size: s.size };
  };

  it('writes one cache per command on its first run and takes it on the next, with the same output', () => {
    const plain = run(VALIDATE, 'off');
    assert.equal(plain.status, 1);
    assert.match(plain.stdout, /error unknown-key/);
    assert.deepEqual(caches(), [], 'off writes nothing');

    assert.deepEqual(run(VALIDATE), plain);
    const [validateCache] = caches();
    assert.match(validateCache, /^cli-validate-[0-9a-f]{16}-v[\d.]+-\w+\.v8$/);
    const written = fileState(validateCache);
    assert.deepEqual(run(VALIDATE), plain);
    assert.deepEqual(fileState(validateCache), written, 'a cache V8 took is not written again');

    const summary = run(['summary', fixture('cavra-studio-minimal')]);
    assert.equal(summary.status, 0);
    assert.deepEqual(caches(), [validateCache.replace('cli-validate-', 'cli-summary-'), validateCache].sort());
  });

  it('replaces a cache V8 refuses (its header matches, its payload is not V8’s) and prints the same', () => {
    const plain = run(VALIDATE, 'off');
    run(VALIDATE);
    const [file] = caches();
    const junk = Buffer.alloc(8192, 0x5a);
    writeFileSync(join(dir, file), Buffer.concat([createHash('sha256').update(junk).digest(), junk]));
    assert.deepEqual(run(VALIDATE), plain);
    const again = readFileSync(join(dir, file));
    assert.ok(!again.subarray(32).equals(junk), 'written again');
    assert.ok(createHash('sha256').update(again.subarray(32)).digest().equals(again.subarray(0, 32)));
    const kept = fileState(file);
    assert.deepEqual(run(VALIDATE), plain);
    assert.deepEqual(fileState(file), kept, 'and the new one is taken');
  });

  it('runs the same when the cache folder cannot be made', () => {
    const plain = run(VALIDATE, 'off');
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    assert.deepEqual(run(VALIDATE, join(blocker, 'cache')), plain);
    assert.deepEqual(caches(), ['a-file']);
  });
});
