// The VSIX size gate (scripts/vsix-size.mjs, run by `npm run package`): under 1,000,000 bytes passes,
// at or over it fails the packaging with the size and what to look for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';
import { readManifest } from './manifest';

const script = join(repoRoot, 'scripts', 'vsix-size.mjs');
const check = (file: string) => spawnSync(process.execPath, [script, file], { encoding: 'utf8', timeout: 20_000 });

describe('packaging: the VSIX stays under 1 MB', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'cavra-vsix-size-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes one byte under the limit and says the size', () => {
    const file = join(dir, 'small.vsix');
    writeFileSync(file, Buffer.alloc(999_999));
    const r = check(file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is 999999 bytes \(1000\.0 kB\), under the 1 MB limit/);
  });

  it('fails at exactly 1,000,000 bytes, naming the file and the way to look', () => {
    const file = join(dir, 'big.vsix');
    writeFileSync(file, Buffer.alloc(1_000_000));
    const r = check(file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /big\.vsix is 1000000 bytes .* at or over the 1 MB limit .*npx vsce ls/);
  });

  it('fails on a VSIX that is not there, and without an argument', () => {
    assert.equal(check(join(dir, 'missing.vsix')).status, 1);
    assert.equal(spawnSync(process.execPath, [script], { encoding: 'utf8' }).status, 2);
  });

  it('is part of `npm run package`, after vsce wrote the VSIX', () => {
    const { manifest } = readManifest();
    assert.match(manifest.scripts.package, /vsce package .*--out (\S+) && node scripts\/vsix-size\.mjs \1$/);
  });
});
