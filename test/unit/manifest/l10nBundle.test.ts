// The English bundle (l10n/bundle.l10n.json, package.json "l10n") is what translators start from: each
// message the client passes to vscode.l10n.t, as Microsoft's extractor (@vscode/l10n-dev, run by
// `npm run l10n:export`) finds it. A message added or changed without the bundle regenerated fails here,
// named, so a translation can never miss it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';

type Bundle = Record<string, string | { message: string; comment: string[] }>;

const readBundle = (file: string): Bundle => JSON.parse(readFileSync(file, 'utf8')) as Bundle;

/** What differs between the bundle the code asks for and the one shipped, key by key. */
export function bundleDifferences(extracted: Bundle, shipped: Bundle): string[] {
  const missing = Object.keys(extracted).filter((k) => !(k in shipped));
  const stale = Object.keys(shipped).filter((k) => !(k in extracted));
  const changed = Object.keys(extracted).filter(
    (k) => k in shipped && JSON.stringify(extracted[k]) !== JSON.stringify(shipped[k]),
  );
  return [
    ...missing.map((k) => `not in l10n/bundle.l10n.json: ${JSON.stringify(k)}`),
    ...stale.map((k) => `in l10n/bundle.l10n.json but no longer in the code: ${JSON.stringify(k)}`),
    ...changed.map((k) => `changed (comment or message): ${JSON.stringify(k)}`),
  ];
}

describe('l10n: the shipped English bundle is what the extractor finds in client/src', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    l10n?: string;
    scripts: Record<string, string>;
  };

  it('package.json points VS Code at l10n/ and `npm run l10n:export` writes the bundle there', () => {
    assert.equal(manifest.l10n, './l10n');
    assert.match(manifest.scripts['l10n:export'], /^vscode-l10n-dev export --outDir \.\/l10n \.\/client\/src$/);
  });

  it('names a message missing from the bundle, one left in it, and one whose comment changed', () => {
    assert.deepEqual(
      bundleDifferences(
        { 'New {0}': 'New {0}', Kept: 'Kept', Noted: { message: 'Noted', comment: ['a verb'] } },
        { Kept: 'Kept', Gone: 'Gone', Noted: { message: 'Noted', comment: ['a noun'] } },
      ),
      [
        'not in l10n/bundle.l10n.json: "New {0}"',
        'in l10n/bundle.l10n.json but no longer in the code: "Gone"',
        'changed (comment or message): "Noted"',
      ],
    );
  });

  it('@vscode/l10n-dev export over client/src gives l10n/bundle.l10n.json (else run `npm run l10n:export`)', function () {
    this.timeout(120_000);
    // The extractor's own command line, as the npm script runs it, into a scratch folder.
    const cli = join(repoRoot, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js');
    const out = mkdtempSync(join(tmpdir(), 'cavra-l10n-'));
    try {
      const r = spawnSync(process.execPath, [cli, 'export', '--outDir', out, './client/src'], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 110_000,
      });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const extracted = readBundle(join(out, 'bundle.l10n.json'));
      const shipped = readBundle(join(repoRoot, 'l10n', 'bundle.l10n.json'));
      // Not vacuous: the webviews' text is there too (client/src/webview/render/).
      assert.ok('Operator notes' in extracted, 'the extractor found the report webviews');
      assert.deepEqual(bundleDifferences(extracted, shipped), []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
