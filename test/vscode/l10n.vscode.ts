// Localization in a real extension host. VS Code loads an extension's bundle only for a display language
// other than English (`l10n/bundle.l10n.<locale>.json`; `vscode.l10n.bundle` "is typically not loaded ...
// when we are running with the default language", vscode.d.ts), and this runner's VS Code is English, so
// what can be proved here is the English path: no bundle is loaded, and every shipped message, filled
// with arguments, comes out of vscode.l10n.t exactly as test/support/vscodeL10n.ts formats it, the
// stand-in that renders the webviews in tests outside VS Code.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../lsp/repoRoot';
import { l10n as english } from '../support/vscodeL10n';

describe('l10n: English in VS Code', () => {
  const bundle = JSON.parse(readFileSync(join(repoRoot, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;

  it('the display language is English, so VS Code loads no bundle', () => {
    assert.equal(vscode.env.language, 'en');
    assert.equal(vscode.l10n.bundle, undefined);
  });

  it('every shipped message formats in vscode.l10n.t as the tests format it outside VS Code', () => {
    const messages = Object.keys(bundle);
    assert.ok(messages.length > 100, `the bundle holds the client's messages (${messages.length})`);
    const differ: string[] = [];
    for (const message of messages) {
      const slots = [...message.matchAll(/{(\d+)}/g)].map((m) => Number(m[1]));
      const args = Array.from({ length: slots.length ? Math.max(...slots) + 1 : 0 }, (_, i) =>
        i % 3 === 0 ? `<v${i} & {1}>` : i % 3 === 1 ? 1234.5 : true,
      );
      for (const call of [[message, ...args], [message], [{ message, args }]] as const) {
        const inVsCode = (vscode.l10n.t as (...a: unknown[]) => string)(...call);
        const outside = (english.t as (...a: unknown[]) => string)(...call);
        if (inVsCode !== outside) differ.push(`${JSON.stringify(call)}: ${inVsCode} ≠ ${outside}`);
      }
    }
    assert.deepEqual(differ, []);
  });
});
