// Restricted Mode in the real workbench. run.sh starts its code-server with --disable-workspace-trust
// (every other scenario needs a trusted folder), so this scenario starts its own code-server with
// workspace trust on, from the same cached install and VSIX: the folder then opens in Restricted Mode.
// What a person sees: validation and the views work; the commands that write, sign, approve or roll out
// are not in the command palette; a write reached anyway (a view's welcome button) is refused with a
// message saying why; nothing is written.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, processesWith, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const INVALID = 'policies/cavra-payments/policy.yaml';
const ACTIVATION_TIMEOUT = 60_000;

/** The cached toolchain (Node 24 + code-server), as install-vscode.sh reports it (≈0 s once installed). */
function tools(): { node: string; codeServer: string } {
  const r = spawnSync('bash', [join(repoRoot, 'test', 'e2e', 'install-vscode.sh')], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`install-vscode.sh failed: ${r.stderr}`);
  const vars = Object.fromEntries(
    r.stdout
      .split('\n')
      .map((l) => l.match(/^(\w+)=(.*)$/))
      .filter((m): m is RegExpMatchArray => !!m)
      .map((m) => [m[1], m[2]]),
  );
  if (!vars.CAVRA_E2E_NODE || !vars.CAVRA_E2E_CODE_SERVER) throw new Error(`install-vscode.sh printed no toolchain: ${r.stdout}`);
  return { node: vars.CAVRA_E2E_NODE, codeServer: vars.CAVRA_E2E_CODE_SERVER };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A code-server of our own (own process group), with workspace trust enabled. */
class TrustingCodeServer {
  private proc?: ChildProcess;
  url = '';
  constructor(private dir: string) {}

  async start(): Promise<void> {
    const { node, codeServer } = tools();
    const vsix = process.env.CAVRA_E2E_VSIX || join(repoRoot, 'dist', 'cavra-policy-studio.vsix');
    if (!existsSync(vsix)) throw new Error(`no VSIX at ${vsix} (test/e2e/run.sh packages it)`);
    const user = join(this.dir, 'user');
    mkdirSync(join(user, 'User'), { recursive: true });
    // As run.sh's profile, minus "security.workspace.trust.enabled": false.
    writeFileSync(
      join(user, 'User', 'settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
          'workbench.tips.enabled': false,
          'chat.disableAIFeatures': true,
          'extensions.ignoreRecommendations': true,
          'extensions.autoUpdate': false,
          'extensions.autoCheckUpdates': false,
          'telemetry.telemetryLevel': 'off',
          'update.mode': 'none',
          'git.enabled': false,
          // The folder stays untrusted without the startup trust dialog, which VS Code 1.93 shows as a
          // modal over the workbench (the newest does not) and which would swallow F1.
          'security.workspace.trust.startupPrompt': 'never',
        },
        null,
        2,
      ),
    );
    const env = { ...process.env, XDG_CONFIG_HOME: join(this.dir, 'xdg-config'), XDG_DATA_HOME: join(this.dir, 'xdg-data') };
    const base = [
      join(codeServer, 'out', 'node', 'entry.js'),
      '--user-data-dir',
      user,
      '--extensions-dir',
      join(this.dir, 'extensions'),
    ];
    const install = spawnSync(node, [...base, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 60_000 });
    if (install.status !== 0) throw new Error(`--install-extension failed: ${install.stderr || install.stdout}`);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.proc = spawn(
      node,
      [...base, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check'],
      {
        env,
        detached: true,
        stdio: 'ignore',
      },
    );
    // Bounded wait for /healthz.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`code-server exited early (${this.proc.exitCode})`);
      const ok = await fetch(`${this.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`code-server did not answer ${this.url}/healthz within 60 s`);
      await new Promise((r) => setTimeout(r, 250)); // poll interval
    }
  }

  /** Stops its process group (server + extension hosts), TERM then KILL, and checks nothing is left. */
  async stop(): Promise<void> {
    const pid = this.proc?.pid;
    if (!pid) return;
    const alive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const deadline = Date.now() + 5_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100)); // poll interval
    if (alive())
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    const left = processesWith(this.dir);
    for (const p of left)
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    if (left.length) console.error(`  [e2e] killed ${left.length} process(es) left by the Restricted Mode code-server`);
  }
}

describe('Restricted Mode: an untrusted folder in the workbench', function () {
  this.timeout(180_000);
  let tmp: string;
  let ws: string;
  let server: TrustingCodeServer;
  let wb: Workbench;

  before(async function () {
    this.timeout(150_000);
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-restricted-'));
    ws = join(tmp, 'acme-policies');
    cpSync(FIXTURE, ws, { recursive: true });
    server = new TrustingCodeServer(join(tmp, 'code-server'));
    await server.start();
    wb = await Workbench.launch({ baseUrl: server.url });
    await wb.openFolder(ws);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !wb) return;
    if (!/screenshot: /.test(String(test.err?.message))) console.error(`  screenshot: ${await wb.failureShot(test.title)}`);
    console.error(`  notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}`);
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens in Restricted Mode; validation and the Policy Packs view still work', async () => {
    await wb.waitForStatusBarItem('the Restricted Mode indicator', (i) => /Restricted Mode/.test(i.text), ACTIVATION_TIMEOUT);
    await wb.openFile(INVALID);
    const p = await wb.waitForProblem(
      'the schema error on line 6',
      (x) => x.source === 'cavra' && x.line === 6 && x.severity === 'Error',
      ACTIVATION_TIMEOUT,
    );
    assert.match(p.message + p.label, /mode|strict/i);
    await wb.showView('Policy Packs');
    await wb.waitForTreeRow('Policy Packs', 'cavra-baseline in the catalog', (r) => r.label === 'cavra-baseline');
    await wb.waitForTreeRow('Policy Packs', 'cavra-payments in the catalog', (r) => r.label === 'cavra-payments');
  });

  it('lists the read-only commands in the palette, not the ones that write, sign, approve or roll out', async () => {
    // One narrow filter per command: the palette's list is virtualized, so a broad one shows only its first rows.
    const listed = async (c: string) => (await wb.paletteCommands(`CAVRA: ${c}`, { allowEmpty: true })).includes(`CAVRA: ${c}`);
    for (const c of [
      'Preview Draft',
      'Plan Publish',
      'Diff Published Pack with Draft',
      'Plan Rollout Change',
      'Verify Evidence Chain',
      'Show Pack History',
      'Refresh Views',
    ]) {
      assert.ok(await listed(c), `"CAVRA: ${c}" is listed in Restricted Mode`);
    }
    for (const c of [
      'Request Publish Approval',
      'Publish Signed',
      'Approve',
      'Deny',
      'Expire Approval',
      'Break Glass',
      'Apply Rollout Change',
      'Create Policy Pack',
      'Set Remote Token',
    ]) {
      assert.ok(!(await listed(c)), `"CAVRA: ${c}" must not be listed in Restricted Mode`);
    }
  });

  it("offers no write in the Approvals welcome, and refuses one reached anyway (the plan's button), saying why", async () => {
    await wb.showView('Approvals');
    await wb.visible('the Restricted Mode welcome text', wb.viewPane('Approvals').getByText(/needs a trusted workspace/));
    assert.equal(
      await wb.viewWelcomeButton('Approvals', 'Request Publish Approval').count(),
      0,
      'no write button in Restricted Mode',
    );
    // Planning is read-only, so it works; the plan's own "Request Publish Approval" button is the write.
    await wb.openFile(INVALID);
    await wb.runCommand('CAVRA: Plan Publish');
    await wb.webviewText(/^Publish plan: /, /risk:/);
    await wb.clickWebviewButton(/^Publish plan: /, 'Request Publish Approval');
    await wb.waitForNotification(
      'the Restricted Mode refusal',
      /^Requesting a publish approval is disabled in Restricted Mode: .*Trust this workspace to enable it\.$/,
    );
    assert.equal((await wb.quickInputState()).visible, false, 'nothing was asked');
    assert.equal(existsSync(join(ws, '.cavra')), false, 'nothing written under .cavra/');
  });
});
