// `npm test`: build, type-check, then every suite, then the non-browser suites again with the clock
// moved 400 days ahead (a recorded date in a fixture is data, never a deadline: this run proves it).
//
//   --only <suite>      one suite (static, unit, lsp, golden, cli, workflows, browser, e2e, clock-ahead)
//   --skip-e2e          leave out the real-VS Code suite (also CAVRA_SKIP_E2E=1)
//   --skip-clock-ahead  leave out the clock-ahead run (also CAVRA_SKIP_CLOCK_AHEAD=1)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipE2e = args.includes('--skip-e2e') || process.env.CAVRA_SKIP_E2E === '1';
const skipClockAhead = args.includes('--skip-clock-ahead') || process.env.CAVRA_SKIP_CLOCK_AHEAD === '1';
const MOCHA_SUITES = ['unit', 'lsp', 'golden', 'cli', 'workflows'];
/** How far ahead the second run moves the clock of every process it starts (libfaketime's syntax). */
const CLOCK_AHEAD = '+400d';

function run(cmd, cmdArgs, label, env = process.env) {
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env });
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) process.exit(r.status ?? 1);
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

for (const suite of MOCHA_SUITES.filter((s) => !only || only === s)) mocha(suite, `mocha ${suite}`);
// The browser build of the server in a Web Worker in Chromium, against the golden cases (not in the
// clock-ahead pass: it starts a browser, and the golden cases hold no dates).
if (!only || only === 'browser') mocha('browser', 'mocha browser (server in a Web Worker, Chromium)');
if ((!only || only === 'e2e') && !skipE2e) run('bash', ['test/e2e/run.sh'], 'e2e (real VS Code)');

if ((!only && !skipClockAhead) || only === 'clock-ahead') {
  if (ensureFaketime()) {
    // Timers keep the real monotonic clock (bounded waits stay bounded); only the wall clock moves.
    const env = { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
    for (const suite of MOCHA_SUITES) mocha(suite, `mocha ${suite}, clock ${CLOCK_AHEAD}`, ['faketime', '-f', CLOCK_AHEAD], env);
  }
}
