// Mocha runner loaded inside the VS Code extension host (the `extensionTestsPath` entry), in the
// form @vscode/test-electron expects: `run()` resolves when every suite passed, rejects otherwise.
// It runs every `*.vscode.js` bundled next to it (out/test/vscode/), so new suites need no wiring.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Prefix of the reporter's lines, so test/e2e/extensionHost.ts can tell them from VS Code's own log. */
export const REPORT_TAG = '[vscode-test] ';

export async function run(): Promise<void> {
  // mocha 12 is an ES module; require(esm) gives its namespace, whose `default` is the Mocha class.

  const ns = require('mocha');
  const Mocha: typeof import('mocha') = ns.default ?? ns;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // The extension host's console reaches the test driver mixed with the workbench log: tag the report.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(REPORT_TAG + format(...args));
  const grep = process.env.CAVRA_VSCODE_GREP;
  if (grep) mocha.grep(grep);

  const suites = readdirSync(__dirname)
    .filter((f) => f.endsWith('.vscode.js'))
    .sort();
  if (suites.length === 0) {
    throw new Error(`no *.vscode.js suites in ${__dirname} (does scripts/build.mjs bundle test/vscode/*.vscode.ts?)`);
  }
  for (const f of suites) mocha.addFile(join(__dirname, f));
  // Bundled suites are CommonJS, so the synchronous loader is enough.
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures: number) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
