// Page objects over a real VS Code workbench (code-server in Debian's chromium, via playwright-core).
// Every wait is bounded; a timeout throws an error that names what was awaited and where the
// screenshot of that moment was saved (out/e2e-failures/), so a CI log alone explains a failure.
import { chromium, type BrowserContext, type Page, type Locator } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repo root: run.sh runs the tests from it; CAVRA_REPO overrides. */
export const repoRoot = resolve(process.env.CAVRA_REPO ?? process.cwd());
export const failureDir = join(repoRoot, 'out', 'e2e-failures');
export const imagesDir = join(repoRoot, 'docs', 'images');

export interface Problem {
  /** The row's message as shown in the Problems panel. */
  message: string;
  /** e.g. "cavra" (the diagnostic's source), when the row shows one. */
  source?: string;
  /** The diagnostic's code, when the row shows one. */
  code?: string;
  /** "Error", "Warning", "Info" (from the row's aria-label). */
  severity?: string;
  /** The file name of the group the row is under (e.g. "policy.yaml"). */
  file?: string;
  line?: number;
  column?: number;
  /** The row's aria-label: severity, message, position, file and source in one sentence. */
  label: string;
}

export interface StatusBarItem {
  text: string;
  label: string;
  id: string;
}

export interface LaunchOptions {
  /** code-server base URL, e.g. http://127.0.0.1:8080 (default: $CAVRA_E2E_URL). */
  baseUrl?: string;
  /** Default timeout for every wait, in ms. */
  timeout?: number;
  /** Forward browser console errors to stderr (noisy; for debugging). */
  logConsole?: boolean;
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export const chromiumPath = process.env.CAVRA_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Launches chromium on a fresh profile (removed again by close()). */
export async function launchBrowser(logConsole = false): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'cavra-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  if (logConsole || process.env.CAVRA_E2E_CONSOLE === '1') {
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[browser] ${m.text()}`); });
  }
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function slug(s: string): string {
  return s.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'failure';
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly baseUrl: string,
    readonly timeout: number,
    private readonly closeBrowser: () => Promise<void>,
  ) {}

  static async launch(opts: LaunchOptions = {}): Promise<Workbench> {
    const baseUrl = opts.baseUrl ?? process.env.CAVRA_E2E_URL;
    if (!baseUrl) throw new Error('No code-server URL: set CAVRA_E2E_URL (test/e2e/run.sh does) or pass baseUrl');
    const b = await launchBrowser(opts.logConsole);
    return new Workbench(b.page, baseUrl.replace(/\/$/, ''), opts.timeout ?? 30_000, b.close);
  }

  async close(): Promise<void> {
    await this.closeBrowser();
  }

  // ---------- waiting and evidence ----------

  /** Saves a screenshot of the page for a failure and returns its path. */
  async failureShot(what: string): Promise<string> {
    mkdirSync(failureDir, { recursive: true });
    const path = join(failureDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${slug(what)}.png`);
    await this.page.screenshot({ path }).catch(() => undefined);
    return path;
  }

  /** Fails with a message naming what was awaited plus a screenshot path. */
  async fail(what: string, detail = ''): Promise<never> {
    const shot = await this.failureShot(what);
    throw new Error(`e2e: ${what}${detail ? `: ${detail}` : ''} (screenshot: ${shot})`);
  }

  /**
   * Polls `probe` until it returns a value other than undefined/null/false, for at most `timeout` ms;
   * undefined if it never does. Why polling and not sleeps: activation and language-server start
   * times vary a lot between machines.
   */
  async poll<T>(probe: () => Promise<T | undefined | null | false>, timeout: number): Promise<{ value?: T; error?: unknown }> {
    const deadline = Date.now() + timeout;
    let error: unknown;
    for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
      try {
        const v = await probe();
        if (v !== undefined && v !== null && v !== false) return { value: v as T };
        error = undefined;
      } catch (e) {
        error = e;
      }
      if (Date.now() + delay > deadline) return { error };
      await this.page.waitForTimeout(delay); // poll interval, not synchronization
    }
  }

  /** Like poll(), but a timeout fails the test with a screenshot. */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeout = this.timeout): Promise<T> {
    const r = await this.poll(probe, timeout);
    if (r.value !== undefined) return r.value;
    return this.fail(`timed out after ${timeout} ms waiting for ${what}`, r.error instanceof Error ? r.error.message.split('\n')[0] : '');
  }

  /** Waits until `locator` is visible. */
  async visible(what: string, locator: Locator, timeout = this.timeout): Promise<Locator> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout });
      return locator.first();
    } catch {
      return this.fail(`timed out after ${timeout} ms waiting for ${what} to be visible`);
    }
  }

  /** Saves a screenshot into docs/images/<name>.png (for the README) and returns its path. */
  async screenshot(name: string, locator?: Locator): Promise<string> {
    mkdirSync(imagesDir, { recursive: true });
    const path = join(imagesDir, name.endsWith('.png') ? name : `${name}.png`);
    if (locator) await locator.screenshot({ path });
    else await this.page.screenshot({ path });
    return path;
  }

  // ---------- workbench ----------

  /** Opens `folder` (absolute path on the code-server machine) and waits for the workbench. */
  async openFolder(folder: string, timeout = 60_000): Promise<void> {
    await this.page.goto(`${this.baseUrl}/?folder=${encodeURIComponent(folder)}`, { timeout });
    await this.waitForWorkbench(timeout);
  }

  /** Waits for the workbench shell and its status bar to be rendered. */
  async waitForWorkbench(timeout = 60_000): Promise<void> {
    await this.visible('the workbench (.monaco-workbench)', this.page.locator('.monaco-workbench'), timeout);
    await this.visible('the status bar', this.page.locator('.part.statusbar'), timeout);
    // The explorer is restored a little after the shell; a populated explorer means the folder is open.
    await this.visible('the explorer', this.page.locator('.explorer-folders-view .monaco-list-row'), timeout);
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the quick input with F1 and types `text` in it (replacing the ">" prefix). */
  private async quickOpen(text: string): Promise<Locator> {
    const widget = this.quickInput();
    const input = widget.locator('input.input').first();
    // A quick input that is still open (or fading out after Enter) would swallow F1: close it first.
    await this.dismiss();
    await this.page.keyboard.press('F1');
    await this.visible('the quick input after F1', input, 10_000);
    await input.fill(text);
    return widget;
  }

  /** Closes any quick input / hover with Escape until none is visible. */
  async dismiss(): Promise<void> {
    const widget = this.quickInput();
    for (let i = 0; i < 3; i++) {
      if (!(await widget.isVisible())) return;
      // It may be closing by itself (animation after Enter): give it a moment before Escape.
      const closed = await widget.waitFor({ state: 'hidden', timeout: 1_000 }).then(() => true, () => false);
      if (closed) return;
      await this.page.keyboard.press('Escape');
    }
    await widget.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => this.fail('the quick input to close'));
  }

  /**
   * Runs a command by its palette label (e.g. "Problems: Focus on Problems View"): F1, type, click
   * the row whose label matches exactly (else the first row containing it), wait for the palette to close.
   */
  async runCommand(label: string, timeout = 15_000): Promise<void> {
    const widget = await this.quickOpen(`>${label}`);
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const exact = rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`, 'i') }) });
    const row = await this.waitFor(`command "${label}" in the command palette`, async () => {
      if ((await exact.count()) > 0) return exact.first();
      const texts = await rows.allInnerTexts();
      return texts.some((t) => t.toLowerCase().includes(label.toLowerCase())) ? rows.first() : undefined;
    }, timeout);
    await row.click();
    await this.waitFor(`the palette to close after "${label}"`, async () => !(await widget.isVisible()), 5_000);
  }

  /**
   * Opens a workspace file by relative path with Quick Open and waits for its editor tab.
   * Why F1 + fill rather than Ctrl+P: typing over the ">" is the same widget, and needs no
   * browser shortcut that chromium might claim.
   */
  async openFile(relPath: string, timeout = 30_000): Promise<void> {
    const name = relPath.split('/').pop()!;
    const widget = await this.quickOpen(relPath);
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const want = relPath.split('/').slice(0, -1).join('/');
    const row = await this.waitFor(`"${relPath}" in Quick Open`, async () => {
      const n = await rows.count();
      for (let i = 0; i < n; i++) {
        const text = (await rows.nth(i).innerText()).replace(/\s+/g, ' ');
        if (text.includes(name) && (!want || text.includes(want.split('/').pop()!))) return rows.nth(i);
      }
      return undefined;
    }, timeout);
    await row.click();
    await this.waitForEditor(relPath, timeout);
  }

  /**
   * Waits until the active editor shows `relPath`: its breadcrumbs name every path segment
   * (tabs alone can't tell two policy.yaml files apart) and its text is rendered.
   */
  async waitForEditor(relPath: string, timeout = this.timeout): Promise<void> {
    const segments = relPath.split('/');
    const group = this.page.locator('.editor-group-container.active');
    await this.waitFor(`the editor for ${relPath}`, async () => {
      const crumbs = (await group.locator('.breadcrumbs-control .monaco-breadcrumb-item').allInnerTexts()).map((t) => t.trim());
      const tab = (await group.locator('.tab.active').allInnerTexts()).join(' ');
      const named = crumbs.length ? segments.every((seg) => crumbs.includes(seg)) : tab.includes(segments[segments.length - 1]);
      return named && (await group.locator('.monaco-editor .view-lines .view-line').count()) > 0;
    }, timeout);
  }

  /** The active editor's language as the status bar shows it (e.g. "YAML", or the mode's alias). */
  async editorLanguage(): Promise<string | undefined> {
    const item = this.page.locator('#status\\.editor\\.mode');
    return (await item.count()) ? (await item.innerText()).trim() : undefined;
  }

  // ---------- editor positions and hovers ----------

  /** Moves the cursor of the active editor to line:column (1-based) via "Go to Line/Column". */
  async goTo(line: number, column: number): Promise<void> {
    // ":line:col" in the quick input is "Go to Line/Column" (Ctrl+G's mode) without relying on the shortcut.
    await this.quickOpen(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.dismiss();
    await this.waitFor(`the cursor at ${line}:${column}`, async () => {
      const pos = await this.page.locator('#status\\.editor\\.selection').innerText().catch(() => '');
      return new RegExp(`\\b${line}\\D+${column}\\b`).test(pos);
    }, 10_000);
  }

  /**
   * Shows the hover at line:column with the keyboard ("Show or Focus Hover") and returns its text.
   * Why keyboard: mouse hovers depend on pixel positions and hover delays.
   * `expect` (optional) keeps polling until the hover contains it: the first hover can be "Loading...".
   */
  async hoverAt(line: number, column: number, expect?: RegExp | string, timeout = this.timeout): Promise<string> {
    const hover = this.page.locator('.monaco-editor .monaco-hover:not(.hidden)');
    const deadline = Date.now() + timeout;
    let last = '';
    while (Date.now() < deadline) {
      await this.goTo(line, column);
      await this.runCommand('Show or Focus Hover');
      const { value: text = '' } = await this.poll(async () => {
        const t = (await hover.allInnerTexts()).join('\n').trim();
        return t && !/^\(?Loading\.\.\.\)?$/i.test(t) ? t : undefined;
      }, Math.max(1000, Math.min(10_000, deadline - Date.now())));
      last = text;
      if (text && (!expect || (typeof expect === 'string' ? text.includes(expect) : expect.test(text)))) return text;
      await this.page.keyboard.press('Escape');
    }
    return this.fail(`timed out after ${timeout} ms waiting for a hover at ${line}:${column}${expect ? ` matching ${expect}` : ''}`, `last hover text: ${JSON.stringify(last)}`);
  }

  /** The visible hover widget (for screenshots). */
  hoverWidget(): Locator {
    return this.page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
  }

  // ---------- Problems panel ----------

  /** Shows the Problems panel (idempotent: "Focus Problems" never toggles it closed). */
  async showProblems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.runCommand('Problems: Focus on Problems View');
    return this.visible('the Problems panel', panel, 10_000);
  }

  /** Reads the rows of the Problems panel (markers; file rows are skipped). */
  async problems(): Promise<Problem[]> {
    const panel = await this.showProblems();
    const rows = panel.locator('.monaco-list-row');
    const out: Problem[] = [];
    let file: string | undefined;
    const text = async (l: Locator) => ((await l.count()) ? (await l.first().innerText()).trim() || undefined : undefined);
    // Note: the list is virtualized; only rows on screen are read (plenty for a scenario's few files).
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i);
      const label = (await row.getAttribute('aria-label')) ?? '';
      const message = await text(row.locator('.marker-message'));
      if (message === undefined) { // a file row: "N problems in file X of folder Y"
        file = await text(row.locator('.label-name'));
        continue;
      }
      const pos = ((await text(row.locator('.marker-line'))) ?? label).match(/(\d+)\D+(\d+)/);
      out.push({
        message,
        source: await text(row.locator('.marker-source')),
        code: await text(row.locator('.marker-code')),
        severity: label.match(/^(Error|Warning|Info)\b/)?.[1],
        file,
        line: pos ? Number(pos[1]) : undefined,
        column: pos ? Number(pos[2]) : undefined,
        label,
      });
    }
    return out;
  }

  /** Polls the Problems panel until a row matches `pred`. */
  async waitForProblem(what: string, pred: (p: Problem) => boolean, timeout = this.timeout): Promise<Problem> {
    let seen: Problem[] = [];
    try {
      return await this.waitFor(`a problem: ${what}`, async () => {
        seen = await this.problems();
        return seen.find(pred);
      }, timeout);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  rows seen: ${JSON.stringify(seen, null, 1)}`);
    }
  }

  // ---------- status bar and notifications ----------

  async statusBarItems(): Promise<StatusBarItem[]> {
    const items = this.page.locator('.part.statusbar .statusbar-item');
    const out: StatusBarItem[] = [];
    const n = await items.count();
    for (let i = 0; i < n; i++) {
      const it = items.nth(i);
      out.push({
        text: (await it.innerText().catch(() => '')).trim(),
        label: (await it.locator('a').first().getAttribute('aria-label').catch(() => null)) ?? '',
        id: (await it.getAttribute('id')) ?? '',
      });
    }
    return out;
  }

  async waitForStatusBarItem(what: string, pred: (i: StatusBarItem) => boolean, timeout = this.timeout): Promise<StatusBarItem> {
    let seen: StatusBarItem[] = [];
    try {
      return await this.waitFor(`status bar item: ${what}`, async () => {
        seen = await this.statusBarItems();
        return seen.find(pred);
      }, timeout);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  items seen: ${JSON.stringify(seen.map((i) => i.text || i.label))}`);
    }
  }

  /** Messages of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
  }

  async waitForNotification(what: string, match: RegExp, timeout = this.timeout): Promise<string> {
    return this.waitFor(`notification: ${what}`, async () => (await this.notifications()).find((t) => match.test(t)), timeout);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
