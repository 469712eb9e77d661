// Localizable contributions: every title, description and setting description of package.json is a
// `%key%` of package.nls.json (English first; a translation is a package.nls.<locale>.json beside it),
// no key is missing or left unused, and the strings file ships in the VSIX.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';
import { NLS_KEY, readManifest, strings, type Json } from './manifest';

/** Missing and unused keys between a manifest and its strings file. */
function keyProblems(manifest: Json, nls: Record<string, string>): string[] {
  const used = new Set<string>();
  const problems: string[] = [];
  for (const { path, text } of strings(manifest)) {
    const key = NLS_KEY.exec(text)?.[1];
    if (key === undefined) continue;
    used.add(key);
    if (!(key in nls)) problems.push(`${path}: %${key}% is not in package.nls.json`);
  }
  for (const key of Object.keys(nls)) if (!used.has(key)) problems.push(`package.nls.json: ${key} is not used`);
  return problems;
}

/** Manifest strings a user reads: the ones that must be `%key%`. */
const USER_VISIBLE = [
  /^(displayName|description)$/,
  /^capabilities\.untrustedWorkspaces\.description$/,
  /^contributes\.commands\[\d+\]\.title$/,
  /^contributes\.configuration\.title$/,
  /^contributes\.configuration\.properties\.[\w.]+\.(description|markdownDescription|enumDescriptions\[\d+\])$/,
  /^contributes\.views\.\w+\[\d+\]\.name$/,
  /^contributes\.viewsWelcome\[\d+\]\.contents$/,
  /^contributes\.walkthroughs\[\d+\]\.(title|description|steps\[\d+\]\.(title|description|media\.altText))$/,
];

describe('manifest: localizable contributions (package.nls.json)', () => {
  const { manifest, nls } = readManifest();

  it('every %key% of package.json is in package.nls.json, and every key there is used', () => {
    assert.deepEqual(keyProblems(manifest, nls), []);
  });

  it('every title, description and setting description is a %key%, none written in place', () => {
    const literal = strings(manifest)
      .filter(({ path }) => USER_VISIBLE.some((re) => re.test(path)))
      .filter(({ text }) => !NLS_KEY.test(text))
      .map(({ path, text }) => `${path}: ${JSON.stringify(text)}`);
    assert.deepEqual(literal, []);
    // The rules above do reach the contributions: each kind has at least one localized string.
    const paths = strings(manifest).map((s) => s.path);
    for (const re of USER_VISIBLE)
      assert.ok(
        paths.some((p) => re.test(p)),
        `no manifest string matches ${re}`,
      );
  });

  it('English first: every entry is non-empty text, with no placeholder left in it', () => {
    for (const [key, text] of Object.entries(nls)) {
      assert.ok(text.trim(), `${key} is empty`);
      assert.ok(!NLS_KEY.test(text), `${key} is itself a placeholder`);
    }
  });

  it('reports a missing and an unused key', () => {
    const broken = structuredClone(manifest);
    broken.contributes.commands[0].title = '%cavra.noSuchKey.title%';
    assert.deepEqual(keyProblems(broken, nls), [
      'contributes.commands[0].title: %cavra.noSuchKey.title% is not in package.nls.json',
      `package.nls.json: ${NLS_KEY.exec(manifest.contributes.commands[0].title)![1]} is not used`,
    ]);
  });

  it("the VSIX ships the strings (the manifest's and the code's), the changelog, the icon and every walkthrough page (vsce ls)", function () {
    this.timeout(60_000);
    const vsce = join(repoRoot, 'node_modules', '.bin', 'vsce');
    const r = spawnSync(vsce, ['ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8', timeout: 50_000 });
    assert.equal(r.status, 0, r.stderr);
    const files = new Set(r.stdout.split('\n').map((l) => l.trim()));
    const media = manifest.contributes.walkthroughs.flatMap((w: Json) => w.steps.map((s: Json) => s.media.markdown));
    for (const f of ['package.nls.json', 'l10n/bundle.l10n.json', 'CHANGELOG.md', manifest.icon, ...media])
      assert.ok(files.has(f), `${f} is in the VSIX: ${[...files].join(', ')}`);
  });
});
