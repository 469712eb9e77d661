// The launchers' code cache (server/src/launch/codeCache.ts), on small bundles written here: a bundle runs
// the same with a cache or without; a second load takes the cache V8 wrote; a cache that is corrupt,
// truncated, garbage V8 refuses, or of another build is never used and is written again; a folder someone
// else could write is never used.
import { strict as assert } from 'node:assert';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { codeCacheDir, loadBundle } from '../../../server/src/launch/codeCache';

const BUNDLE = `'use strict';
const helper = require('./helper.js');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports = { answer: fib(15) + helper.offset, dir: __dirname, file: __filename, self: module.id === __filename };
`;

const flipped = (b: Buffer, at: number) => Buffer.concat([b.subarray(0, at), Buffer.from([b[at] ^ 0xff]), b.subarray(at + 1)]);

describe('code cache (launch/codeCache.ts)', () => {
  let root: string;
  let cacheDir: string;
  let bundle: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cavra-code-cache-'));
    cacheDir = join(root, 'cache');
    mkdirSync(join(root, 'dist'));
    bundle = join(root, 'dist', 'app.js');
    writeFileSync(bundle, `#!/usr/bin/env node\n${BUNDLE}`);
    writeFileSync(join(root, 'dist', 'helper.js'), 'module.exports = { offset: 1 };');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cacheFiles = () => readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));
  // V8 keeps what this process compiled and would answer a second compile of the same file from memory,
  // never looking at the cache: each load runs the bundle from a file of its own (the cache's key is the
  // content, not the path), as each new process would.
  let copies = 0;
  let last = '';
  const load = (name: string, dir: string | undefined) => {
    last = join(root, 'dist', `app-${++copies}.js`);
    copyFileSync(bundle, last);
    return loadBundle(last, name, dir);
  };
  const expected = (answer = 611) => ({ answer, dir: join(root, 'dist'), file: last, self: true });

  it('runs the bundle as Node would, writes a private cache once, and a second load takes it', () => {
    const dir = codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined);
    assert.equal(dir, cacheDir);
    const first = load('app', dir);
    assert.deepEqual(first.exports, expected());
    assert.equal(first.state, 'missing');
    first.save();
    assert.equal(first.state, 'written');
    const [file] = cacheFiles();
    assert.match(file, /^app-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/);
    if (process.platform !== 'win32') {
      assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
      assert.equal(statSync(join(cacheDir, file)).mode & 0o777, 0o600);
    }
    const bytes = readFileSync(join(cacheDir, file));
    assert.ok(
      createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32)),
      'header is the payload SHA-256',
    );

    const second = load('app', dir);
    assert.equal(second.state, 'accepted');
    assert.deepEqual(second.exports, expected());
    second.save();
    assert.ok(readFileSync(join(cacheDir, file)).equals(bytes), 'an accepted cache is not written again');
  });

  for (const [what, spoil] of [
    [
      'a flipped byte in the payload (V8 in release builds does not check its checksum)',
      (b: Buffer) => flipped(b, b.length - 64),
    ],
    ['a flipped byte in V8’s own header', (b: Buffer) => flipped(b, 40)],
    ['a truncated file', (b: Buffer) => b.subarray(0, 20)],
    // A header that matches its payload, but the payload is not V8's: V8 refuses it by its own checks.
    [
      'garbage with a matching header',
      () => {
        const junk = Buffer.alloc(4096, 7);
        return Buffer.concat([createHash('sha256').update(junk).digest(), junk]);
      },
    ],
  ] as const) {
    it(`ignores ${what} and writes a good cache again`, () => {
      const dir = codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined);
      load('app', dir).save();
      const [file] = cacheFiles();
      const good = readFileSync(join(cacheDir, file));
      writeFileSync(join(cacheDir, file), spoil(good));
      const again = load('app', dir);
      assert.equal(again.state, 'missing');
      assert.deepEqual(again.exports, expected());
      again.save();
      assert.equal(load('app', dir).state, 'accepted');
    });
  }

  it('keys the cache by the bundle’s content: a new build of the same length misses, and the old cache goes', () => {
    const dir = codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined);
    load('app', dir).save();
    const [old] = cacheFiles();
    // Same length, other code: V8 alone would take the old cache (it compares sources by length).
    writeFileSync(bundle, `#!/usr/bin/env node\n${BUNDLE.replace('fib(15)', 'fib(14)')}`);
    const rebuilt = load('app', dir);
    assert.equal(rebuilt.state, 'missing');
    assert.deepEqual(rebuilt.exports, expected(378));
    rebuilt.save();
    const now = cacheFiles();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], old);
  });

  it('keeps caches of other names', () => {
    const dir = codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined);
    load('cli-validate', dir).save();
    load('cli-check', dir).save();
    load('cli-check-all', dir).save();
    // A new build of `cli-check` replaces its own cache only.
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}\n// rebuilt\n`);
    load('cli-check', dir).save();
    assert.equal(cacheFiles().length, 3);
    assert.equal(cacheFiles().filter((f) => f.startsWith('cli-check-all-')).length, 1);
  });

  it('is off when asked, and writes nothing', () => {
    for (const off of ['off', '0']) {
      assert.equal(codeCacheDir({ CAVRA_CODE_CACHE: off }, process.platform, root), undefined);
      const loaded = load('app', codeCacheDir({ CAVRA_CODE_CACHE: off }, process.platform, root));
      assert.equal(loaded.state, 'none');
      assert.deepEqual(loaded.exports, expected());
      loaded.save();
    }
    assert.deepEqual(readdirSync(root).sort(), ['dist']);
  });

  it('finds the user’s cache folder of each platform', () => {
    const home = join(root, 'home');
    assert.equal(codeCacheDir({}, 'linux', home), join(home, '.cache', 'cavra-policy-studio'));
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: join(root, 'xdg') }, 'linux', home), join(root, 'xdg', 'cavra-policy-studio'));
    assert.equal(codeCacheDir({}, 'darwin', home), join(home, 'Library', 'Caches', 'cavra-policy-studio'));
    assert.equal(codeCacheDir({}, 'linux', undefined), undefined, 'no home, no cache');
  });

  if (process.platform !== 'win32') {
    it('never uses a folder others can write, or a file in its place', () => {
      mkdirSync(cacheDir);
      chmodSync(cacheDir, 0o777);
      assert.equal(codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined), undefined);
      chmodSync(cacheDir, 0o770);
      assert.equal(codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined), undefined);
      chmodSync(cacheDir, 0o755);
      assert.equal(codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined), cacheDir);
      const notDir = join(root, 'file');
      writeFileSync(notDir, 'x');
      assert.equal(codeCacheDir({ CAVRA_CODE_CACHE: notDir }, process.platform, undefined), undefined);
      assert.equal(codeCacheDir({ CAVRA_CODE_CACHE: join(notDir, 'below') }, process.platform, undefined), undefined);
    });

    it('runs on when the cache cannot be written, and leaves no temporary file', () => {
      const dir = codeCacheDir({ CAVRA_CODE_CACHE: cacheDir }, process.platform, undefined);
      assert.ok(dir);
      load('app', dir).save();
      const [file] = cacheFiles();
      // The rename fails (a non-empty folder holds the cache's name), for root too: the temporary file goes.
      rmSync(join(cacheDir, file));
      mkdirSync(join(cacheDir, file, 'occupied'), { recursive: true });
      const blocked = load('app', dir);
      assert.equal(blocked.state, 'missing');
      blocked.save();
      assert.deepEqual(blocked.exports, expected());
      assert.deepEqual(readdirSync(cacheDir), [file]);
      assert.deepEqual(readdirSync(join(cacheDir, file)), ['occupied']);
      // The folder itself gone, a file in its place: nothing can be written, and nothing throws.
      rmSync(cacheDir, { recursive: true });
      writeFileSync(cacheDir, 'not a folder');
      const homeless = load('app', dir);
      homeless.save();
      assert.deepEqual(homeless.exports, expected());
      assert.equal(readFileSync(cacheDir, 'utf8'), 'not a folder');
    });
  }
});
