// `npm start`: build the extension, install it into a real VS Code (code-server from npm) and open the
// example workspace in it. The URL is printed; stop with Ctrl+C.
// Env: PORT (default 8080, or the next free port), CAVRA_WORKSPACE (default examples/workspace).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const run = (cmd, args, opts = {}) =>
  String(execFileSync(cmd, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], ...opts }) ?? '');

if (!existsSync(join(repo, 'node_modules'))) run('npm', ['ci'], { stdio: 'inherit' });
console.log('[start] installing the VS Code toolchain (first time: a few minutes)…');
const env = Object.fromEntries(
  run('bash', ['test/e2e/install-vscode.sh'])
    .trim()
    .split('\n')
    .map((l) => l.split(/=(.*)/s, 2)),
);
console.log('[start] building and packaging the extension…');
run('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });

const profile = join(process.env.CAVRA_PROFILE_DIR ?? join(homedir(), '.cache', 'cavra-e2e', 'start-profile'));
mkdirSync(join(profile, 'user', 'User'), { recursive: true });
const settings = join(profile, 'user', 'User', 'settings.json');
// The example workspace is ours, so it opens trusted (Restricted Mode would disable publishing and approvals).
const current = existsSync(settings) ? JSON.parse(readFileSync(settings, 'utf8')) : {};
writeFileSync(
  settings,
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'chat.disableAIFeatures': true,
      ...current,
      'security.workspace.trust.enabled': process.env.CAVRA_WORKSPACE
        ? (current['security.workspace.trust.enabled'] ?? true)
        : false,
    },
    null,
    2,
  ),
);
const cs = [
  join(env.CAVRA_E2E_CODE_SERVER, 'out/node/entry.js'),
  '--user-data-dir',
  join(profile, 'user'),
  '--extensions-dir',
  join(profile, 'extensions'),
];
run(env.CAVRA_E2E_NODE, [...cs, '--install-extension', join(repo, 'dist/cavra-policy-studio.vsix'), '--force'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

const free = (port) =>
  new Promise((ok) => {
    const s = createServer()
      .once('error', () => ok(false))
      .listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
let port = Number(process.env.PORT ?? 8080);
while (!(await free(port))) port++;
const workspace = resolve(process.env.CAVRA_WORKSPACE ?? join(repo, 'examples/workspace'));
const child = spawn(
  env.CAVRA_E2E_NODE,
  [...cs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', workspace],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, XDG_CONFIG_HOME: join(profile, 'xdg-config'), XDG_DATA_HOME: join(profile, 'xdg-data') },
  },
);
console.log(
  `\nCAVRA Policy Studio is running in VS Code at  http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}\n(Ctrl+C to stop)`,
);
const stop = () => {
  child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
