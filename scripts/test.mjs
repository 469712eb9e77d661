// `npm test`: build, type-check, then every suite. `--only <suite>` runs one suite
// (unit, lsp, golden, cli, e2e); `--skip-e2e` leaves out the real-VS Code suite.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipE2e = args.includes('--skip-e2e') || process.env.CAVRA_SKIP_E2E === '1';

function run(cmd, cmdArgs, label) {
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: process.env });
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync('node_modules')) run('npm', ['ci'], 'npm ci');
run('node', ['scripts/build.mjs'], 'build');
if (!only) run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], 'typecheck');

const mochaSuites = ['unit', 'lsp', 'golden', 'cli', 'workflows'].filter((s) => !only || only === s);
for (const suite of mochaSuites) {
  if (!existsSync(`out/test/${suite}`)) continue;
  run('npx', ['mocha', '--recursive', '--timeout', '20000', `out/test/${suite}`, '--spec', `out/test/${suite}/**/*.test.js`], `mocha ${suite}`);
}
if ((!only || only === 'e2e') && !skipE2e) run('bash', ['test/e2e/run.sh'], 'e2e (real VS Code)');
