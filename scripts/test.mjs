// `npm test`: build, type-check, then every suite, then the non-browser suites again with the clock
// moved 400 days ahead (a recorded date in a fixture is data, never a deadline: this run proves it).
//
// The real-VS Code suites run on two VS Codes (test/e2e/code-server-versions.env): the UI scenarios and
// the extension-host suites on the newest (e2e), the extension-host suites on the oldest that
// engines.vscode allows (e2e-oldest); the oldest code-server installs in the background meanwhile.
//
//   --only <suite>      one suite (static, unit, lsp, golden, cli, workflows, browser, e2e, e2e-oldest,
//                       clock-ahead)
//   --skip-e2e          leave out the real-VS Code suite (also CAVRA_SKIP_E2E=1)
//   --skip-clock-ahead  leave out the clock-ahead run (also CAVRA_SKIP_CLOCK_AHEAD=1)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipE2e = args.includes('--skip-e2e') || process.env.CAVRA_SKIP_E2E === '1';
const skipClockAhead = args.includes('--skip-clock-ahead') || process.env.CAVRA_SKIP_CLOCK_AHEAD === '1';
const MOCHA_SUITES = ['unit', 'lsp', 'golden', 'cli', 'workflows'];
// The code cache of the launchers (server/src/launch/codeCache.ts) is this run's own: every server and CLI
// process the suites start writes and reads it, as a user's do, and never the developer's.
process.env.CAVRA_CODE_CACHE ??= mkdtempSync(join(tmpdir(), 'cavra-test-code-cache-'));
/** How far ahead the second run moves the clock of every process it starts (libfaketime's syntax). */
const CLOCK_AHEAD = '+400d';

function run(cmd, cmdArgs, label, env = process.env) {
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env });
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The oldest code-server (VS Code) the extension-host suites run on: see test/e2e/code-server-versions.env. */
const OLDEST_CODE_SERVER = /^CAVRA_CODE_SERVER_OLDEST=(\S+)$/m.exec(
  readFileSync('test/e2e/code-server-versions.env', 'utf8'),
)?.[1];

/**
 * Installs the oldest code-server in the background (a cold cache takes minutes, mostly download and
 * native builds) while the newest runs its suites; resolves to install-vscode.sh's exit code.
 */
function installOldestInBackground() {
  mkdirSync('out', { recursive: true });
  const log = 'out/install-oldest-vscode.log';
  const started = Date.now();
  console.log(`\n=== installing code-server ${OLDEST_CODE_SERVER} in the background (log: ${log})`);
  const fd = openSync(log, 'w');
  // Its own process group, so a failing run stops the whole install (npm and its builds), not only bash;
  // a stopped install leaves no marker and starts over next time.
  const child = spawn('bash', ['test/e2e/install-vscode.sh', OLDEST_CODE_SERVER], { stdio: ['ignore', fd, fd], detached: true });
  let done = false;
  process.on('exit', () => {
    if (!done) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
  return new Promise((resolve) => {
    const finish = (status) => {
      done = true;
      resolve({ status, log, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', () => finish(1));
    child.on('exit', (code) => finish(code ?? 1));
  });
}

function mocha(suite, label, prefix = [], env = process.env) {
  if (!existsSync(`out/test/${suite}`)) return;
  const mochaArgs = [
    'mocha',
    '--recursive',
    '--timeout',
    '20000',
    `out/test/${suite}`,
    '--spec',
    `out/test/${suite}/**/*.test.js`,
  ];
  if (prefix.length) run(prefix[0], [...prefix.slice(1), 'npx', ...mochaArgs], label, env);
  else run('npx', mochaArgs, label, env);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Debian's faketime, installed when missing (CI runs as root on Debian); a missing one fails in CI. */
function ensureFaketime() {
  if (has('faketime')) return true;
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log('\n=== installing faketime (apt-get)');
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'faketime'], { stdio: 'inherit' }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      install();
    }
    if (has('faketime')) return true;
  }
  const message = 'faketime is not installed (Debian: apt-get install faketime); the clock-ahead run cannot run';
  if (process.env.CI) {
    console.error(`=== ${message}`);
    process.exit(1);
  }
  console.warn(`=== WARNING: ${message}; skipped`);
  return false;
}

if (!existsSync('node_modules')) run('npm', ['ci'], 'npm ci');
run('node', ['scripts/build.mjs'], 'build');
if (!only || only === 'static') {
  // The house checked by tools, not by care: types, lint, formatting and the design map's arrows.
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], 'typecheck');
  run('npx', ['eslint', '--max-warnings', '0', '.'], 'lint (eslint)');
  run('npx', ['prettier', '--check', '.'], 'format (prettier --check)');
  run(
    'npx',
    ['depcruise', 'server/src', 'client/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    'architecture (dependency-cruiser)',
  );
}

// Started before the mocha suites: a cold install is mostly download (about 1.5 CPU-minutes over
// 6 wall-minutes), so it hides behind them instead of behind the newest's e2e alone.
const oldest = (!only || only === 'e2e-oldest') && !skipE2e;
const oldestInstalled = oldest ? installOldestInBackground() : undefined;
for (const suite of MOCHA_SUITES.filter((s) => !only || only === s)) mocha(suite, `mocha ${suite}`);
// The browser build of the server in a Web Worker in Chromium, against the golden cases (not in the
// clock-ahead pass: it starts a browser, and the golden cases hold no dates).
if (!only || only === 'browser') mocha('browser', 'mocha browser (server in a Web Worker, Chromium)');
if ((!only || only === 'e2e') && !skipE2e) run('bash', ['test/e2e/run.sh'], 'e2e (real VS Code)');
if (oldestInstalled) {
  const installed = await oldestInstalled;
  console.log(
    `\n=== code-server ${OLDEST_CODE_SERVER} install: ${installed.status === 0 ? 'ok' : 'FAILED'} (${installed.seconds.toFixed(1)} s)`,
  );
  if (installed.status !== 0) {
    console.error(readFileSync(installed.log, 'utf8'));
    process.exit(installed.status);
  }
  // Only the extension-host suites (about 2 minutes): the UI scenarios pass on the oldest too but take
  // 6 minutes more and rewrite docs/images; run them with `bash test/e2e/run.sh --code-server <oldest>`.
  const oldestArgs = ['test/e2e/extension-host.sh', '--code-server', OLDEST_CODE_SERVER];
  run('bash', oldestArgs, `e2e-oldest: extension-host suites on code-server ${OLDEST_CODE_SERVER} (untrusted)`);
  run('bash', oldestArgs, `e2e-oldest: extension-host suites on code-server ${OLDEST_CODE_SERVER} (trusted)`, {
    ...process.env,
    CAVRA_EXTHOST_TRUSTED: '1',
  });
}

if ((!only && !skipClockAhead) || only === 'clock-ahead') {
  if (ensureFaketime()) {
    // Timers keep the real monotonic clock (bounded waits stay bounded); only the wall clock moves.
    // This pass asks whether anything depends on the date: the eight-process contention test runs two
    // rounds and two races here (the first pass ran its full six; ~150 CLI processes took 39 s).
    const env = {
      ...process.env,
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      CAVRA_CONCURRENCY_ROUNDS: process.env.CAVRA_CONCURRENCY_ROUNDS ?? '2',
      CAVRA_CONCURRENCY_RACES: process.env.CAVRA_CONCURRENCY_RACES ?? '2',
    };
    for (const suite of MOCHA_SUITES) mocha(suite, `mocha ${suite}, clock ${CLOCK_AHEAD}`, ['faketime', '-f', CLOCK_AHEAD], env);
  }
}
