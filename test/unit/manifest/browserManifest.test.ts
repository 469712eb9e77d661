// The browser build (client/src/browserExtension.ts) registers only the language features and
// cavra.restartServer: every other command, the views and the walkthrough are hidden there through
// the `cavra.browser` context key it sets, so a reviewer in github.dev never meets a button that ends
// in "command not found". Read from package.json and the browser client's source.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';

type Json = Record<string, any>;
const manifest: Json = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const browserSource = readFileSync(join(repoRoot, 'client/src/browserExtension.ts'), 'utf8');
/** Commands the browser client registers itself. */
const registered = [...browserSource.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
/** A `when` the browser build never satisfies: it names cavra.browser negated, a key only the desktop sets, or is false. */
const hiddenInBrowser = (when: unknown) =>
  typeof when === 'string' && (/!cavra\.browser\b/.test(when) || /(^|&& )cavra\.active\b/.test(when) || when === 'false');

describe('the manifest in the browser build', () => {
  it('sets cavra.browser, and never cavra.active (the desktop client sets that)', () => {
    assert.match(browserSource, /setContext', 'cavra\.browser', true/);
    assert.doesNotMatch(browserSource, /cavra\.active/);
    assert.deepEqual(registered, ['cavra.restartServer']);
  });

  it('hides every command it does not register from the palette', () => {
    const palette: Json[] = manifest.contributes.menus.commandPalette;
    const shown = manifest.contributes.commands
      .map((c: Json) => c.command as string)
      .filter((id: string) => !registered.includes(id))
      .filter((id: string) => !palette.some((m) => m.command === id && hiddenInBrowser(m.when)));
    assert.deepEqual(shown, [], 'commands the browser build would offer without a handler');
  });

  it('hides the views and the walkthrough, whose buttons run desktop commands', () => {
    for (const view of manifest.contributes.views.cavra) assert.ok(hiddenInBrowser(view.when), `${view.id}: ${view.when}`);
    for (const w of manifest.contributes.walkthroughs) assert.ok(hiddenInBrowser(w.when), `${w.id}: ${w.when}`);
  });
});
