// `npm run test:electron`: the extension-host suites (test/vscode/*.vscode.ts) in a desktop VS Code
// downloaded by @vscode/test-electron — for machines that can reach update.code.visualstudio.com.
// On machines that cannot (like our CI), `npm test` runs the same suites in code-server instead
// (test/e2e/extension-host.sh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const repo = resolve(import.meta.dirname, '..');
execFileSync('node', ['scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
const workspace = mkdtempSync(join(tmpdir(), 'cavra-electron-'));
try {
  await runTests({
    version: process.env.CAVRA_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, 'out/test/vscode/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`test:electron failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
