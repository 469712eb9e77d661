// The VS Code range the extension claims is the range the e2e proves: package.json engines.vscode starts
// at the VS Code of the oldest code-server the extension-host suites run on (test/e2e/code-server-versions.env),
// @types/vscode pins that same minor (so no newer API compiles unguarded), and no dependency asks for more.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';

interface PackageJson {
  engines?: { vscode?: string };
  devDependencies?: Record<string, string>;
}

const readJson = (p: string): PackageJson => JSON.parse(readFileSync(p, 'utf8')) as PackageJson;

/** KEY=VALUE lines of the shell file the e2e scripts source. */
function versions(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'test', 'e2e', 'code-server-versions.env'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^(\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** The minor of a `^1.N.0`-style range or a `1.N[.x]` version, e.g. 93. */
function minor(spec: string | undefined, what: string): number {
  const m = /^\^?1\.(\d+)(\.\d+)?$/.exec(spec ?? '');
  assert.ok(m, `${what} is '${spec}', expected ^1.N.0 or 1.N`);
  return Number(m[1]);
}

describe('tested VS Code range', () => {
  const pkg = readJson(join(repoRoot, 'package.json'));
  const { CAVRA_CODE_SERVER_OLDEST: oldest, CAVRA_CODE_SERVER_NEWEST: newest } = versions();

  it('names an oldest and a newest code-server (4.X.Y carries VS Code 1.X)', () => {
    assert.match(oldest ?? '', /^4\.\d+\.\d+$/, 'CAVRA_CODE_SERVER_OLDEST');
    assert.match(newest ?? '', /^4\.\d+\.\d+$/, 'CAVRA_CODE_SERVER_NEWEST');
    assert.ok(Number(oldest.split('.')[1]) < Number(newest.split('.')[1]), `oldest ${oldest} is not older than newest ${newest}`);
  });

  it('engines.vscode starts at the oldest tested VS Code', () => {
    assert.equal(pkg.engines?.vscode, `^1.${oldest.split('.')[1]}.0`);
  });

  it('@types/vscode pins the same minor as engines.vscode', () => {
    assert.equal(minor(pkg.devDependencies?.['@types/vscode'], '@types/vscode'), minor(pkg.engines?.vscode, 'engines.vscode'));
  });

  it('vscode-languageclient asks for no newer VS Code than engines.vscode', () => {
    const client = readJson(join(repoRoot, 'node_modules', 'vscode-languageclient', 'package.json'));
    const needs = minor(client.engines?.vscode, 'vscode-languageclient engines.vscode');
    assert.ok(needs <= minor(pkg.engines?.vscode, 'engines.vscode'), `vscode-languageclient needs ^1.${needs}.0`);
  });
});
