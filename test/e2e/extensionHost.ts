// Runs the extension-host test suites (out/test/vscode/index.js) in a real VS Code: what
// @vscode/test-electron's runTests does, but through VS Code's server (started by extension-host.sh
// with --enable-smoke-test-driver) and a headless chromium, since no desktop VS Code can be downloaded here.
// Usage: node out/test/e2e/extensionHost.js <serverUrl> <workspace> <extensionDevelopmentPath> <extensionTestsPath>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, failureDir } from './workbench';

// Must match REPORT_TAG in test/vscode/index.ts (not imported: that file is bundled for the extension host).
const REPORT_TAG = '[vscode-test] ';

interface LogFile {
  relativePath: string;
  contents: string;
}

async function main(): Promise<number> {
  const [baseUrl, workspace, devPath, testsPath] = process.argv.slice(2);
  if (!baseUrl || !workspace || !devPath || !testsPath) {
    console.error('usage: extensionHost.js <serverUrl> <workspace> <extensionDevelopmentPath> <extensionTestsPath>');
    return 2;
  }
  const timeout = Number(process.env.CAVRA_VSCODE_TIMEOUT_MS ?? 180_000);
  const authority = new URL(baseUrl).host;
  const remote = (p: string) => `vscode-remote://${authority}${resolve(p)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  const url = `${baseUrl.replace(/\/$/, '')}/?folder=${encodeURIComponent(resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const browser = await launchBrowser();
  try {
    const { page } = browser;
    let exit!: (v: { code: number; logs: LogFile[] }) => void;
    const exited = new Promise<{ code: number; logs: LogFile[] }>((r) => (exit = r));
    // The workbench calls these when started with the smoke-test driver: its log (printf-style
    // arguments; the test report is tagged by test/vscode/index.ts), then the result.
    const logLines: string[] = [];
    const verbose = process.env.CAVRA_E2E_VERBOSE === '1';
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      logLines.push(`${type}: ${line}`);
      if (line.startsWith(REPORT_TAG)) console.log(line.slice(REPORT_TAG.length));
      else if (verbose) console.error(`[vscode ${type}] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs: LogFile[]) => exit({ code, logs: logs ?? [] }));

    await page.goto(url);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeout).unref());
    const result = await Promise.race([exited, timer]);
    if (result === 'timeout') {
      mkdirSync(failureDir, { recursive: true });
      writeFileSync(join(failureDir, 'extension-host-console.log'), logLines.join('\n') + '\n');
      const shot = join(failureDir, 'extension-host-timeout.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`e2e: the extension-host tests did not finish within ${timeout} ms (screenshot: ${shot})`);
      return 1;
    }
    if (result.code !== 0) {
      // Keep VS Code's own logs (extension host errors, activation failures) for the CI artifact.
      const dir = join(failureDir, 'extension-host-logs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'workbench-console.log'), logLines.join('\n') + '\n');
      for (const f of result.logs) {
        const p = join(dir, f.relativePath);
        mkdirSync(join(p, '..'), { recursive: true });
        writeFileSync(p, f.contents);
      }
      console.error(`e2e: extension-host tests failed (exit ${result.code}); VS Code logs in ${dir}`);
    }
    return result.code;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
