// `npm run bench`: builds, packages, snapshots what it measures, then runs test/bench/runBench.ts.
// Why a snapshot: others rebuild dist/ and out/ in this checkout while the bench runs for minutes;
// the servers and bench scripts run from a private copy so a rebuild cannot pull them away mid-run.
// Extra arguments go to the bench: --sizes 100,1000 --reps 3 --profile --no-write (see test/bench/README.md).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const repo = process.cwd();
const snapshot = mkdtempSync(join(tmpdir(), 'cavra-bench-artifacts-'));
const codeCache = mkdtempSync(join(tmpdir(), 'cavra-bench-code-cache-'));
const notes = [];

function run(cmd, args, label) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: process.env, timeout: 300_000 });
  const ok = r.status === 0;
  console.error(`[bench] ${label}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

function copy(from, to) {
  if (!existsSync(from)) return false;
  copyFileSync(from, join(snapshot, to));
  return true;
}

try {
  if (!run('node', ['scripts/build.mjs'], 'development build (dist + out/test)'))
    throw new Error('the build failed; nothing measured');
  for (const f of ['runBench.js', 'parseOnce.js', 'loadClientWithStub.js']) {
    if (!copy(join('out/test/bench', f), f)) throw new Error(`out/test/bench/${f} was not built`);
  }
  // Unminified, for the CPU profile: the bundle itself (it starts the server when run), not its launcher.
  copy('dist/server-bundle.js', 'server.dev.js');
  const packaged = run('npm', ['run', '--silent', 'package'], 'npm run package (production bundles + VSIX)');
  if (packaged) {
    for (const f of ['client.js', 'server.js', 'server-bundle.js', 'cli.js', 'cli-bundle.js', 'cavra-policy-studio.vsix'])
      copy(join('dist', f), f);
    // What of the client bundle's load is the language client library (issue 14 asks what loading costs and
    // what would cut it): the one import extension.ts makes from it, bundled alone as the production build does.
    await esbuild.build({
      stdin: {
        contents: "export { LanguageClient, TransportKind } from 'vscode-languageclient/node';",
        resolveDir: repo,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      external: ['vscode'],
      outfile: join(snapshot, 'languageClientOnly.js'),
      logLevel: 'warning',
    });
  } else {
    notes.push('npm run package failed: sizes are missing and the servers measured are the development build.');
    run('node', ['scripts/build.mjs'], 'development build again');
    for (const f of ['client.js', 'server.js', 'server-bundle.js', 'cli.js', 'cli-bundle.js']) copy(join('dist', f), f);
  }
  const args = [
    join(snapshot, 'runBench.js'),
    '--repo',
    repo,
    '--artifacts',
    snapshot,
    ...notes.flatMap((n) => ['--note', n]),
    ...process.argv.slice(2),
  ];
  // The snapshot has no node_modules beside it: externals (playwright-core, for the activation
  // measure in code-server) resolve from the checkout's.
  // The code cache (server/src/launch/codeCache.ts) starts empty, as after an install, and is the bench's
  // own: never the developer's, never one of an earlier bench run.
  const env = { ...process.env, NODE_PATH: join(repo, 'node_modules'), CAVRA_CODE_CACHE: codeCache };
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env });
  process.exitCode = r.status ?? 1;
} catch (e) {
  console.error(`[bench] ${e.message}`);
  process.exitCode = 1;
} finally {
  rmSync(snapshot, { recursive: true, force: true });
  rmSync(codeCache, { recursive: true, force: true });
}
