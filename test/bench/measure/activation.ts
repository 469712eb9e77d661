// Extension activation in a real VS Code (issue 14): code-server with the production VSIX installed, as
// test/e2e/run.sh sets it up, a workspace holding policy packs (so `workspaceContains:` activates us), and
// VS Code's own figure read from its "Developer: Show Running Extensions" editor: "Activation: N ms", which
// is codeLoadingTime + activateCallTime (the require of dist/client.js plus the synchronous part of
// activate(), until it returns its promise). Each sample is a fresh code-server and a fresh browser, so
// every activation is a first one in a new extension host. Judged in the report, never in a test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench } from '../../e2e/workbench';
import { describe, formatMs, Samples } from './samples';
import { under, type Judgement } from './targets';

export const ACTIVATION_TARGET_MS = 30;

export interface ActivationResults {
  /** codeLoadingTime + activateCallTime per sample, as the Running Extensions editor shows it. */
  activation: Samples;
  /** Per sample, VS Code's parts of it: Load Code, Call Activate, Finish Activate (the promise resolved). */
  parts: ActivationParts[];
  /** The 1-minute load average just before each sample's workbench opened. */
  load: number[];
  /** The Running Extensions row's hover: what activated us (e.g. the workspaceContains pattern). */
  reason?: string;
  /** The other extensions' activation times in the last sample's window, as VS Code showed them. */
  others: string[];
  vscodeVersion?: string;
  codeServerVersion?: string;
}

/** What install-vscode.sh prints: the code-server's Node, its folder and versions (installs once, cached). */
interface E2eTools {
  node: string;
  codeServer: string;
  codeServerVersion: string;
  vscodeVersion: string;
}

function e2eTools(repo: string): E2eTools {
  const r = spawnSync('bash', [join(repo, 'test/e2e/install-vscode.sh')], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  if (r.status !== 0) throw new Error(`test/e2e/install-vscode.sh failed (exit ${r.status}): ${r.stderr.trim().slice(-400)}`);
  const vars = new Map(
    r.stdout
      .split('\n')
      .map((l) => /^(CAVRA_E2E_\w+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  const need = (k: string) => {
    const v = vars.get(k);
    if (!v) throw new Error(`test/e2e/install-vscode.sh printed no ${k} (stdout: ${r.stdout.trim().slice(0, 300)})`);
    return v;
  };
  return {
    node: need('CAVRA_E2E_NODE'),
    codeServer: need('CAVRA_E2E_CODE_SERVER'),
    codeServerVersion: need('CAVRA_E2E_CODE_SERVER_VERSION'),
    vscodeVersion: need('CAVRA_E2E_VSCODE_VERSION'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A profile of our own (never $HOME): user data, extensions, XDG folders, key home. */
interface Profile {
  dir: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function newProfile(root: string): Profile {
  const dir = mkdtempSync(join(root, 'profile-'));
  for (const d of ['user/User', 'extensions', 'xdg-config', 'xdg-data']) mkdirSync(join(dir, d), { recursive: true });
  // Only what keeps the startup quiet and comparable: no welcome page, telemetry, trust prompt or git scan.
  writeFileSync(
    join(dir, 'user/User/settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
    }),
  );
  return {
    dir,
    args: ['--user-data-dir', join(dir, 'user'), '--extensions-dir', join(dir, 'extensions')],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(dir, 'xdg-config'),
      XDG_DATA_HOME: join(dir, 'xdg-data'),
      CAVRA_KEY_HOME: join(dir, 'key-home'),
    },
  };
}

/** code-server in its own process group (it starts extension hosts and our language server). */
class CodeServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly logFile: string,
  ) {}

  static async start(tools: E2eTools, profile: Profile): Promise<CodeServer> {
    const port = await freePort();
    const logFile = join(profile.dir, 'code-server.log');
    const fd = openSync(logFile, 'w');
    const child = spawn(
      tools.node,
      [
        join(tools.codeServer, 'out/node/entry.js'),
        ...profile.args,
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
      ],
      { env: profile.env, stdio: ['ignore', fd, fd], detached: true },
    );
    closeSync(fd);
    const server = new CodeServer(child, `http://127.0.0.1:${port}`, logFile);
    // Bounded wait for /healthz, as run.sh does.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`code-server exited early: ${server.log()}`);
      const ok = await fetch(`${server.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return server;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`code-server did not answer ${server.url}/healthz within 60 s: ${server.log()}`);
      }
      await new Promise((r) => setTimeout(r, 300)); // poll interval
    }
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-600) : '';
  }

  /** SIGTERM to the whole group (code-server, extension hosts, language servers), then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch {
        /* group gone */
      }
    };
    signal('SIGTERM');
    const exited = new Promise<boolean>((r) => this.child.once('exit', () => r(true)));
    const late = await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
    if (!late) signal('SIGKILL');
    signal('SIGKILL'); // extension hosts outliving code-server itself
  }
}

/** Our row in the Running Extensions editor, once it shows a time: "Activation: 12ms". */
async function readRunningExtensions(
  wb: Workbench,
  displayName: string,
): Promise<{ ms: number; reason: string; others: string[] }> {
  await wb.runCommand('Developer: Show Running Extensions', 30_000);
  const rows = wb.page.locator('.runtime-extensions-editor .monaco-list-row');
  return wb.waitFor(
    `"${displayName}" with an activation time in the Running Extensions editor`,
    async () => {
      const all = await rows.evaluateAll((rs) =>
        rs.map((r) => ({
          name: (r.querySelector('.name')?.textContent ?? '').trim(),
          time: (r.querySelector('.activation-time')?.textContent ?? '').trim(),
        })),
      );
      const found = all.find((r) => r.name === displayName);
      const m = found && /Activation:\s*(\d+(?:\.\d+)?)\s*ms/.exec(found.time);
      if (!m) return undefined;
      const time = wb.page
        .locator('.runtime-extensions-editor .monaco-list-row', { hasText: displayName })
        .locator('.activation-time');
      // The hover names the activation event; not essential, so a missing hover leaves it empty.
      await time.hover().catch(() => undefined);
      const reason = await wb.page
        .locator('.monaco-hover, .workbench-hover')
        .first()
        .innerText({ timeout: 3_000 })
        .catch(() => '');
      // The built-in extensions activated in the same window (the rows in view), as a yardstick.
      const others = all.filter((r) => r.name !== displayName).map((r) => `${r.name} ${r.time.replace(/^.*:\s*/, '')}`);
      return { ms: Number(m[1]), reason: reason.trim(), others };
    },
    60_000,
  );
}

/** The parts of one activation, from "Developer: Startup Performance"'s "Extension Activation Stats". */
export interface ActivationParts {
  loadCode: number;
  callActivate: number;
  finishActivate: number;
}

/**
 * Our row of the Startup Performance report (a read-only text editor): its text is copied through the
 * clipboard, since the editor renders only the lines in view.
 */
async function readStartupPerformance(wb: Workbench, extensionId: string): Promise<ActivationParts> {
  await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.baseUrl });
  // VS Code 1.139 shows Running Extensions as a modal editor, which keeps F1 from the workbench: close it.
  const modal = wb.page.locator('.runtime-extensions-editor');
  await wb.waitFor(
    'the Running Extensions editor to close',
    async () => {
      if (!(await modal.isVisible())) return true;
      await wb.page.keyboard.press('Escape');
      return false;
    },
    10_000,
  );
  await wb.runCommand('Developer: Startup Performance', 30_000);
  const editor = wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await wb.visible('the Startup Performance report', editor, 30_000);
  const row = new RegExp(
    `^\\|\\s*${extensionId.replace(/\./g, '\\.')}\\s*\\|\\s*\\w+\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*\\|`,
    'm',
  );
  return wb.waitFor(
    `the row of ${extensionId} in the Startup Performance report`,
    async () => {
      await editor.click();
      await wb.page.keyboard.press('Control+A');
      await wb.page.keyboard.press('Control+C');
      const text = String(await wb.page.evaluate('navigator.clipboard.readText()'));
      const m = row.exec(text);
      return m ? { loadCode: Number(m[1]), callActivate: Number(m[2]), finishActivate: Number(m[3]) } : undefined;
    },
    30_000,
  );
}

/**
 * `reps` fresh code-servers with `vsix` installed, each opened once on a copy of the e2e workspace (two
 * packs under policies/), reading our activation time. Failures are kept as such in the samples.
 */
export async function measureActivation(
  repo: string,
  vsix: string,
  reps: number,
  log: (s: string) => void = () => undefined,
): Promise<ActivationResults> {
  const out: ActivationResults = { activation: new Samples(), parts: [], load: [], others: [] };
  if (!existsSync(vsix)) {
    out.activation.fail(`${vsix} is missing (npm run package writes it)`);
    return out;
  }
  let tools: E2eTools;
  try {
    tools = e2eTools(repo);
  } catch (e) {
    out.activation.fail((e as Error).message);
    return out;
  }
  out.vscodeVersion = tools.vscodeVersion;
  out.codeServerVersion = tools.codeServerVersion;
  const nls = JSON.parse(readFileSync(join(repo, 'package.nls.json'), 'utf8')) as { displayName: string };
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { publisher: string; name: string };
  const extensionId = `${manifest.publisher}.${manifest.name}`;
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-bench-activation-')));
  try {
    const workspace = join(root, 'acme-policies');
    cpSync(join(repo, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
    for (let i = 0; i < reps; i++) {
      const profile = newProfile(root);
      const install = spawnSync(
        tools.node,
        [join(tools.codeServer, 'out/node/entry.js'), ...profile.args, '--install-extension', vsix],
        {
          env: profile.env,
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      if (install.status !== 0) {
        out.activation.fail(`--install-extension failed: ${(install.stderr || install.stdout).trim().slice(-300)}`);
        break;
      }
      let server: CodeServer | undefined;
      let wb: Workbench | undefined;
      try {
        server = await CodeServer.start(tools, profile);
        out.load.push(loadavg()[0]);
        wb = await Workbench.launch({ baseUrl: server.url, timeout: 60_000 });
        await wb.openFolder(workspace, 120_000);
        const r = await readRunningExtensions(wb, nls.displayName);
        out.activation.add(r.ms);
        out.reason ??= r.reason || undefined;
        out.others = r.others;
        const parts = await readStartupPerformance(wb, extensionId).catch((e: Error) => {
          log(`  no Startup Performance row: ${e.message.split('\n')[0]}`);
          return undefined;
        });
        if (parts) out.parts.push(parts);
        log(
          `  activation sample ${i + 1}/${reps}: ${r.ms} ms (load ${out.load[out.load.length - 1].toFixed(2)})` +
            (parts
              ? `; load code ${parts.loadCode} ms, call activate ${parts.callActivate} ms, finish activate ${parts.finishActivate} ms`
              : ''),
        );
      } catch (e) {
        out.activation.fail((e as Error).message.split('\n')[0]);
        log(`  activation sample ${i + 1}/${reps} failed: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await wb?.close();
        await server?.stop();
        rmSync(profile.dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

/** The target row: median under 30 ms. */
export function judgeActivation(r: ActivationResults): Judgement {
  return under(
    r.activation,
    ACTIVATION_TARGET_MS,
    `extension activation (VS Code's own figure): median < ${ACTIVATION_TARGET_MS} ms`,
  );
}

/** VS Code's parts of our activation (medians over the samples), and the other extensions beside it. */
function partsLines(r: ActivationResults): string[] {
  const med = (k: keyof ActivationParts) => {
    const s = new Samples();
    for (const p of r.parts) s.add(p[k]);
    return formatMs(s.median);
  };
  const lines: string[] = [];
  if (r.parts.length)
    lines.push(
      `"Developer: Startup Performance" splits it (medians of ${r.parts.length}): load code (require of dist/client.js) ` +
        `${med('loadCode')}, call activate (activate() until it returns) ${med('callActivate')}, finish activate ` +
        `(its promise settled) ${med('finishActivate')}.`,
      '',
    );
  if (r.others.length)
    lines.push(`The built-in extensions in the same window (last sample, rows in view): ${r.others.join(', ')}.`, '');
  return lines;
}

/** The report's section: the figure, its spread, where it comes from and the load beside it. */
export function activationLines(r: ActivationResults): string[] {
  const j = judgeActivation(r);
  const v = r.activation.values;
  const spread = v.length ? `${formatMs(Math.min(...v))} – ${formatMs(Math.max(...v))}` : '—';
  return [
    '## Extension activation in a real VS Code (issue 14)',
    '',
    `VS Code ${r.vscodeVersion ?? '?'} (code-server ${r.codeServerVersion ?? '?'}) with the production VSIX installed; ` +
      'each sample is a fresh code-server and browser opening a workspace with two packs under `policies/` ' +
      '(the `workspaceContains:` activation event). The figure is VS Code\'s own, read from "Developer: Show Running ' +
      'Extensions": code loading (require of dist/client.js) + the activate() call until it returns, not the ' +
      "language server's start that activate() sets going." +
      (r.reason ? ` VS Code said: "${r.reason.replace(/\s+/g, ' ')}".` : ''),
    '',
    '| Target | Measured | Verdict |',
    '| --- | --- | --- |',
    `| ${j.target} | ${j.measured} (${describe(r.activation)}; min – max ${spread}) | ${j.verdict} |`,
    '',
    ...partsLines(r),
    `1-minute load average before each sample: ${r.load.map((l) => l.toFixed(1)).join(', ') || '—'} on ${cpus().length} cores ` +
      '(the workbench starts its own extensions and views at the same time).',
  ];
}
