// Page objects over a real VS Code workbench (code-server in Debian's chromium, via playwright-core).
// Every wait is bounded; a timeout throws an error that names what was awaited and where the
// screenshot of that moment was saved (out/e2e-failures/), so a CI log alone explains a failure.
import { chromium, type BrowserContext, type Frame, type Page, type Locator } from 'playwright-core';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

/** What the quick input (input box or quick pick) shows right now. */
export interface QuickInputState {
  visible: boolean;
  title: string;
  value: string;
  placeholder: string;
  /** The line under the input: the prompt, or the validation message while the value is invalid. */
  message: string;
  /** True while the input box shows a validation error (red border, error message). */
  invalid: boolean;
  /** Labels of the rows of a quick pick (empty for an input box). */
  items: string[];
}

/** A modal dialog (`showWarningMessage(..., { modal: true })` and the like). */
export interface DialogState {
  message: string;
  detail: string;
  buttons: string[];
}

/** One row of a tree view (custom views such as CAVRA's, or the explorer). */
export interface TreeRow {
  label: string;
  description: string;
  /** The row's aria-label (label and description, plus ", has actions" when it has inline actions). */
  ariaLabel: string;
  /** 1 for top-level items. */
  level: number;
  /** undefined for leaves. */
  expanded?: boolean;
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
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const chromiumPath = process.env.CAVRA_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Launches chromium on a fresh profile (removed again by close()). */
export async function launchBrowser(
  logConsole = false,
): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'cavra-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  if (logConsole || process.env.CAVRA_E2E_CONSOLE === '1') {
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[browser] ${m.text()}`);
    });
  }
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      // Leave no chromium behind: its processes are the ones whose command line names our profile.
      const left = await waitForExit(profile, 10_000);
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(profile, { recursive: true, force: true });
      if (left.length)
        console.error(`  [e2e] killed ${left.length} chromium process(es) left after closing the browser: ${left.join(', ')}`);
    },
  };
}

/** Pids of live processes whose command line contains `marker` (Linux /proc; empty elsewhere). */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(marker)) pids.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Polls until no process names `marker`, for at most `timeout` ms; returns the ones still there. */
async function waitForExit(marker: string, timeout: number): Promise<number[]> {
  const deadline = Date.now() + timeout;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const left = processesWith(marker);
    if (!left.length || Date.now() + delay > deadline) return left;
    await new Promise((r) => setTimeout(r, delay)); // poll interval
  }
}

function slug(s: string): string {
  return (
    s
      .replace(/[^a-zA-Z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'failure'
  );
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
    const started = Date.now();
    const r = await this.poll(probe, timeout);
    if (process.env.CAVRA_E2E_VERBOSE === '1') console.error(`      [e2e] ${Date.now() - started} ms: ${what}`);
    if (r.value !== undefined) return r.value;
    return this.fail(
      `timed out after ${timeout} ms waiting for ${what}`,
      r.error instanceof Error ? r.error.message.split('\n')[0] : '',
    );
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

  /** Opens a multi-root workspace (`.code-workspace` file, absolute path) and waits for the workbench. */
  async openWorkspace(file: string, timeout = 60_000): Promise<void> {
    await this.page.goto(`${this.baseUrl}/?workspace=${encodeURIComponent(file)}`, { timeout });
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
    for (let attempt = 1; ; attempt++) {
      // A quick input that is still open (or fading out after Enter) would swallow F1: close it first.
      await this.dismiss();
      await this.page.keyboard.press('F1');
      await this.visible('the quick input after F1', input, 10_000);
      // A palette loses to focus taken elsewhere the moment it opens (a toast, a view revealing a row):
      // VS Code then marks it `inert` while it fades out and hides it. Open it again rather than wait
      // 30 s for a widget that is gone.
      const open = await this.poll(
        async () => (await input.isVisible()) && !(await input.evaluate((e) => e.closest('[inert]') !== null)),
        2_000,
      );
      if (
        open.value &&
        (await input.fill(text, { timeout: 3_000 }).then(
          () => true,
          () => false,
        ))
      )
        return widget;
      if (attempt === 3) return this.fail(`the quick input to stay open for "${text}"`, `closed ${attempt} times as it opened`);
    }
  }

  /** Closes any quick input / hover with Escape until none is visible. */
  async dismiss(): Promise<void> {
    const widget = this.quickInput();
    for (let i = 0; i < 3; i++) {
      if (!(await widget.isVisible())) return;
      // It may be closing by itself (animation after Enter): give it a moment before Escape.
      const closed = await widget.waitFor({ state: 'hidden', timeout: 1_000 }).then(
        () => true,
        () => false,
      );
      if (closed) return;
      await widget
        .locator('input.input')
        .first()
        .press('Escape', { timeout: 2_000 })
        .catch(() => this.page.keyboard.press('Escape'));
    }
    await widget.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => this.fail('the quick input to close'));
  }

  /**
   * Runs a command by its palette label (e.g. "Problems: Focus on Problems View"): F1, type, click
   * the row whose label matches exactly (else one whose label contains it), wait for the palette to close.
   * The palette lists what is enabled when it opens (`when` clauses): a command enabled a moment later
   * (e.g. once the language server is up) needs the palette opened again, so each look is short and
   * the palette is reopened until `timeout`.
   */
  async runCommand(label: string, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    const exact = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`, 'i');
    let seen: string[] = [];
    for (;;) {
      const widget = await this.quickOpen(`>${label}`);
      const rows = widget.locator('.quick-input-list .monaco-list-row');
      const found = await this.poll(
        async () => {
          seen = await rows.evaluateAll((rs) => rs.map((r) => (r.querySelector('.label-name')?.textContent ?? '').trim()));
          let i = seen.findIndex((t) => exact.test(t));
          if (i < 0) i = seen.findIndex((t) => t.toLowerCase().includes(label.toLowerCase()));
          return i >= 0 ? rows.nth(i) : undefined;
        },
        Math.max(500, Math.min(3_000, deadline - Date.now())),
      );
      if (found.value) {
        await found.value.click();
        // Closed, or already reused by the command's own quick pick / input box (same widget, new content).
        const input = widget.locator('input.input').first();
        await this.waitFor(
          `the palette to close after "${label}"`,
          async () => !(await widget.isVisible()) || !(await input.inputValue().catch(() => '')).startsWith('>'),
          5_000,
        );
        return;
      }
      if (Date.now() >= deadline) {
        await this.fail(
          `timed out after ${timeout} ms waiting for command "${label}" in the command palette`,
          `rows: ${JSON.stringify(seen)}`,
        );
      }
      await this.dismiss();
    }
  }

  /**
   * The labels the command palette lists for `filter` (e.g. "CAVRA:"), then closes it. Commands whose
   * `commandPalette` menu `when` clause is false are not listed.
   */
  async paletteCommands(filter: string, opts: { allowEmpty?: boolean } = {}): Promise<string[]> {
    const widget = await this.quickOpen(`>${filter}`);
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    // The list is filtered as it renders: wait until it holds rows and stops changing. An empty answer
    // (allowEmpty) counts only once it has stayed empty for a second: the list starts empty too.
    // Note: the list is virtualized, so a broad filter shows only the first rows: filter narrowly.
    let last = '';
    let since = Date.now();
    const labels = await this.waitFor(
      `the command palette's list for "${filter}"`,
      async () => {
        const now = await rows.evaluateAll((rs) => rs.map((r) => (r.querySelector('.label-name')?.textContent ?? '').trim()));
        const key = JSON.stringify(now);
        if (key !== last) since = Date.now();
        const stable = key === last && (now.length > 0 || (opts.allowEmpty === true && Date.now() - since >= 1_000));
        last = key;
        return stable ? now : undefined;
      },
      10_000,
    );
    await this.dismiss();
    return labels;
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
    const dir = want.split('/').pop();
    const row = await this.waitFor(
      `"${relPath}" in Quick Open`,
      async () => {
        const n = await rows.count();
        let loose: Locator | undefined;
        for (let i = 0; i < n; i++) {
          // The file name exactly (policy.yaml, not policy.yaml.sig.json beside it), in the right folder.
          const label = (
            await rows
              .nth(i)
              .evaluate((r) => r.querySelector('.label-name')?.textContent ?? '')
              .catch(() => '')
          ).trim();
          const text = (await rows.nth(i).innerText()).replace(/\s+/g, ' ');
          if (dir && !text.includes(dir)) continue;
          if (label === name) return rows.nth(i);
          if (!loose && text.includes(name)) loose = rows.nth(i);
        }
        return loose;
      },
      timeout,
    );
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
    await this.waitFor(
      `the editor for ${relPath}`,
      async () => {
        const crumbs = (await group.locator('.breadcrumbs-control .monaco-breadcrumb-item').allInnerTexts()).map((t) => t.trim());
        const tab = (await group.locator('.tab.active').allInnerTexts()).join(' ');
        const named = crumbs.length ? segments.every((seg) => crumbs.includes(seg)) : tab.includes(segments[segments.length - 1]);
        return named && (await group.locator('.monaco-editor .view-lines .view-line').count()) > 0;
      },
      timeout,
    );
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
    await this.waitFor(
      `the cursor at ${line}:${column}`,
      async () => {
        const pos = await this.page
          .locator('#status\\.editor\\.selection')
          .innerText()
          .catch(() => '');
        return new RegExp(`\\b${line}\\D+${column}\\b`).test(pos);
      },
      10_000,
    );
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
      const { value: text = '' } = await this.poll(
        async () => {
          const t = (await hover.allInnerTexts()).join('\n').trim();
          return t && !/^\(?Loading\.\.\.\)?$/i.test(t) ? t : undefined;
        },
        Math.max(1000, Math.min(10_000, deadline - Date.now())),
      );
      last = text;
      if (text && (!expect || (typeof expect === 'string' ? text.includes(expect) : expect.test(text)))) return text;
      await this.page.keyboard.press('Escape');
    }
    return this.fail(
      `timed out after ${timeout} ms waiting for a hover at ${line}:${column}${expect ? ` matching ${expect}` : ''}`,
      `last hover text: ${JSON.stringify(last)}`,
    );
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
    // One snapshot read in the page: row by row through locators, a row the list re-renders meanwhile
    // (a diagnostic goes) left a locator waiting 30 s for a node that no longer exists.
    // Note: the list is virtualized; only rows on screen are read (plenty for a scenario's few files).
    const rows = await panel.evaluate((el) =>
      [...el.querySelectorAll('.monaco-list-row')].map((row) => {
        const text = (sel: string) =>
          ((row.querySelector(sel) as { innerText?: string } | null)?.innerText ?? '').trim() || undefined;
        return {
          label: row.getAttribute('aria-label') ?? '',
          message: text('.marker-message'),
          name: text('.label-name'),
          line: text('.marker-line'),
          source: text('.marker-source'),
          code: text('.marker-code'),
        };
      }),
    );
    const out: Problem[] = [];
    let file: string | undefined;
    for (const row of rows) {
      if (row.message === undefined) {
        // a file row: "N problems in file X of folder Y"
        file = row.name;
        continue;
      }
      const pos = (row.line ?? row.label).match(/(\d+)\D+(\d+)/);
      out.push({
        message: row.message,
        source: row.source,
        code: row.code,
        severity: row.label.match(/^(Error|Warning|Info)\b/)?.[1],
        file,
        line: pos ? Number(pos[1]) : undefined,
        column: pos ? Number(pos[2]) : undefined,
        label: row.label,
      });
    }
    return out;
  }

  /** Polls the Problems panel until a row matches `pred`. */
  async waitForProblem(what: string, pred: (p: Problem) => boolean, timeout = this.timeout): Promise<Problem> {
    let seen: Problem[] = [];
    try {
      return await this.waitFor(
        `a problem: ${what}`,
        async () => {
          seen = await this.problems();
          return seen.find(pred);
        },
        timeout,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  rows seen: ${JSON.stringify(seen, null, 1)}`);
    }
  }

  // ---------- status bar and notifications ----------

  /**
   * The status bar's items, read in one step in the page: read one locator at a time, an item that went
   * away between the count and its read (the bar re-renders as extensions activate) made that read wait
   * its full 30 s, and a loaded machine then saw no item at all within a minute.
   */
  async statusBarItems(): Promise<StatusBarItem[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((elements) =>
      elements.map((el) => ({
        text: ((el as unknown as { innerText?: string }).innerText ?? '').trim(),
        label: el.querySelector('a')?.getAttribute('aria-label') ?? '',
        id: el.getAttribute('id') ?? '',
      })),
    );
  }

  async waitForStatusBarItem(what: string, pred: (i: StatusBarItem) => boolean, timeout = this.timeout): Promise<StatusBarItem> {
    let seen: StatusBarItem[] = [];
    try {
      return await this.waitFor(
        `status bar item: ${what}`,
        async () => {
          seen = await this.statusBarItems();
          return seen.find(pred);
        },
        timeout,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  items seen: ${JSON.stringify(seen.map((i) => i.text || i.label))}`);
    }
  }

  /** Messages of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) =>
      t.trim(),
    );
  }

  async waitForNotification(what: string, match: RegExp, timeout = this.timeout): Promise<string> {
    return this.waitFor(`notification: ${what}`, async () => (await this.notifications()).find((t) => match.test(t)), timeout);
  }

  /** Clicks the button `label` of the notification toast whose message matches `match`. */
  async clickNotificationButton(match: RegExp, label: string, timeout = this.timeout): Promise<void> {
    const toast = await this.waitFor(
      `a notification ${match} with the button "${label}"`,
      async () => {
        const toasts = this.page.locator('.notifications-toasts .notification-list-item');
        for (let i = 0; i < (await toasts.count()); i++) {
          const t = toasts.nth(i);
          const text = (
            await t
              .locator('.notification-list-item-message')
              .innerText()
              .catch(() => '')
          ).trim();
          if (match.test(text)) return t;
        }
        return undefined;
      },
      timeout,
    );
    await toast.hover();
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).first().click();
  }

  /** Clears every notification toast (so later waits and screenshots see only new ones). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.waitFor('the notification toasts to clear', async () => (await this.notifications()).length === 0, 5_000);
  }

  // ---------- quick input: input boxes and quick picks ----------

  /** The state of the quick input widget (whatever it shows now). */
  async quickInputState(): Promise<QuickInputState> {
    const widget = this.quickInput();
    const visible = await widget.isVisible();
    if (!visible) return { visible, title: '', value: '', placeholder: '', message: '', invalid: false, items: [] };
    const input = widget.locator('input.input').first();
    const text = async (l: Locator) =>
      (await l.count()) && (await l.first().isVisible()) ? (await l.first().innerText()).trim() : '';
    // Rows are recycled and keep hidden leftovers of earlier lists: read only each row's label.
    const items = await widget
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => (r.querySelector('.label-name')?.textContent ?? '').trim()));
    return {
      visible,
      title: await text(widget.locator('.quick-input-title')),
      value: await input.inputValue().catch(() => ''),
      placeholder: (await input.getAttribute('placeholder').catch(() => null)) ?? '',
      message: await text(widget.locator('.quick-input-message')),
      invalid: (await widget.locator('.monaco-inputbox.error').count()) > 0,
      items,
    };
  }

  /** Waits until the quick input shows a box/pick whose title matches. */
  async waitForQuickInput(title: RegExp | string, timeout = this.timeout): Promise<QuickInputState> {
    let last: QuickInputState | undefined;
    try {
      return await this.waitFor(
        `the quick input titled ${title}`,
        async () => {
          last = await this.quickInputState();
          return last.visible && matches(last.title, title) ? last : undefined;
        },
        timeout,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  quick input seen: ${JSON.stringify(last)}`);
    }
  }

  /** After Enter/click on the box titled `title`: waits until it moved on (closed, or the next step's title). */
  // The workbench's own bound, not a shorter one: VS Code closes an input box on Enter only once the
  // extension host's validateInput has answered for the accepted value, and in CI, beside the background
  // install of the oldest code-server, that round trip once took over 10 s.
  private async waitForQuickInputLeft(title: RegExp | string, what: string, timeout = this.timeout): Promise<void> {
    let last: QuickInputState | undefined;
    try {
      await this.waitFor(
        what,
        async () => {
          last = await this.quickInputState();
          return !last.visible || !matches(last.title, title);
        },
        timeout,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  quick input seen: ${JSON.stringify(last)}`);
    }
  }

  /**
   * Answers the input box titled `title` with `value` and Enter, and waits until it is accepted
   * (the box closed or the next step is shown). Fails when the box shows a validation error, or
   * (with `message`) until the box's non-blocking message matches it.
   */
  async answerInput(title: RegExp | string, value: string, timeout = this.timeout, message?: RegExp): Promise<QuickInputState> {
    const before = await this.waitForQuickInput(title, timeout);
    const input = this.quickInput().locator('input.input').first();
    await input.fill(value);
    // validateInput runs in the extension host: wait for its verdict on this value before Enter.
    const state = await this.waitFor(
      `the input "${before.title}" to accept ${JSON.stringify(value)}`,
      async () => {
        const s = await this.quickInputState();
        return s.value === value && !s.invalid && (!message || message.test(s.message)) ? s : undefined;
      },
      10_000,
    ).catch(async (e) => {
      const s = await this.quickInputState();
      throw new Error(`${(e as Error).message}\n  the box says: ${JSON.stringify(s.message)}`);
    });
    await input.press('Enter');
    await this.waitForQuickInputLeft(before.title, `the input "${before.title}" to be accepted`);
    return { ...before, ...state };
  }

  /**
   * Types `value` into the input box titled `title`, waits for the validation message matching
   * `message`, presses Enter and checks the box stays (the value is refused). Returns what it showed.
   * Why a short window after Enter: a refusal is the absence of a next step, which only a bounded
   * wait can observe (`holdMs`, 1.5 s by default); an accepted value would move on within it.
   */
  async refusedInput(title: RegExp | string, value: string, message: RegExp, holdMs = 1_500): Promise<QuickInputState> {
    const before = await this.waitForQuickInput(title);
    const input = this.quickInput().locator('input.input').first();
    // VS Code validates on change: when the box already holds `value` (an empty box and ""), change it first.
    if ((await input.inputValue()) === value) await input.fill(`${value}x`);
    await input.fill(value);
    const shown = await this.waitFor(
      `the validation message ${message} in "${before.title}"`,
      async () => {
        const s = await this.quickInputState();
        return s.value === value && s.invalid && message.test(s.message) ? s : undefined;
      },
      10_000,
    );
    await input.press('Enter');
    const moved = await this.poll(async () => {
      const s = await this.quickInputState();
      return !s.visible || s.title !== before.title;
    }, holdMs);
    if (moved.value)
      await this.fail(`the input "${before.title}" accepted ${JSON.stringify(value)} (expected: refused with ${message})`);
    const after = await this.quickInputState();
    if (!after.invalid || !message.test(after.message))
      await this.fail(`the input "${before.title}" no longer shows ${message} after Enter`, JSON.stringify(after));
    return shown;
  }

  /** Closes the quick input with Escape (cancels the step it shows). */
  async cancelQuickInput(): Promise<void> {
    // Pressed on the input (not the page): the box may have lost focus (ignoreFocusOut keeps it open).
    await this.quickInput().locator('input.input').first().press('Escape');
    await this.waitFor('the quick input to close after Escape', async () => !(await this.quickInput().isVisible()), 5_000);
  }

  /** Picks the row whose label matches `label` in the quick pick titled `title`; waits until it moved on. */
  async pickItem(title: RegExp | string, label: RegExp | string, timeout = this.timeout): Promise<QuickInputState> {
    const state = await this.waitForQuickInput(title, timeout);
    const rows = this.quickInput().locator('.quick-input-list .monaco-list-row');
    const row = await this.waitFor(
      `a row ${label} in the quick pick "${state.title}"`,
      async () => {
        const names = await rows.evaluateAll((rs) => rs.map((r) => (r.querySelector('.label-name')?.textContent ?? '').trim()));
        const i = names.findIndex((name) => matches(name, label, true));
        return i >= 0 ? rows.nth(i) : undefined;
      },
      10_000,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n  rows: ${JSON.stringify((await this.quickInputState()).items)}`);
    });
    await row.click();
    await this.waitForQuickInputLeft(state.title, `the quick pick "${state.title}" to take ${label}`);
    return state;
  }

  // ---------- modal dialogs ----------

  private dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Waits for a modal dialog whose message matches and returns its message, detail and buttons. */
  async waitForDialog(message: RegExp, timeout = this.timeout): Promise<DialogState> {
    const box = this.dialog();
    return this.waitFor(
      `a modal dialog matching ${message}`,
      async () => {
        if (!(await box.isVisible())) return undefined;
        const state: DialogState = {
          message: (
            await box
              .locator('.dialog-message-text')
              .innerText()
              .catch(() => '')
          ).trim(),
          detail: (
            await box
              .locator('.dialog-message-detail')
              .innerText()
              .catch(() => '')
          ).trim(),
          buttons: (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim()),
        };
        return message.test(state.message) ? state : undefined;
      },
      timeout,
    );
  }

  /** Clicks the dialog's button labelled exactly `label` and waits for the dialog to close. */
  async clickDialogButton(label: string): Promise<void> {
    const box = this.dialog();
    const button = box
      .locator('.dialog-buttons .monaco-button')
      .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
    await this.visible(`the dialog button "${label}"`, button, 10_000);
    await button.first().click();
    await this.waitFor(`the dialog to close after "${label}"`, async () => !(await box.isVisible()), 10_000);
  }

  // ---------- tree views ----------

  /** The side bar pane of the view named `name` (e.g. "Approvals"). */
  viewPane(name: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({
      has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`, 'i') }),
    });
  }

  /**
   * Shows a view with "<container>: Focus on <name> View" and waits for its pane to be expanded.
   * `container` is the view container's title (its activity bar entry).
   */
  async showView(name: string, container = 'CAVRA', timeout = 60_000): Promise<Locator> {
    // The view's "Focus on … View" command exists once the extension's contributions are registered
    // (a while after the workbench shows on a cold start); its activity bar entry says when.
    await this.visible(
      `the ${container} entry in the activity bar`,
      this.page.locator(`.part.activitybar .action-item .action-label[aria-label^="${container}"]`),
      timeout,
    );
    await this.runCommand(`${container}: Focus on ${name} View`);
    const pane = this.viewPane(name);
    await this.visible(`the ${name} view`, pane, 10_000);
    await this.waitFor(
      `the ${name} view to be expanded`,
      async () => /\bexpanded\b/.test((await pane.first().getAttribute('class')) ?? ''),
      5_000,
    );
    return pane.first();
  }

  /** The rows of a tree view as rendered (only rows on screen: trees are virtualized). */
  async treeRows(view: string): Promise<TreeRow[]> {
    // One evaluate for all rows: locator reads would wait for parts a row does not have (descriptions).
    return this.viewPane(view)
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((row) => {
          const expanded = row.getAttribute('aria-expanded');
          return {
            label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
            description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
            ariaLabel: row.getAttribute('aria-label') ?? '',
            level: Number(row.getAttribute('aria-level')) || 1,
            expanded: expanded === null ? undefined : expanded === 'true',
          };
        }),
      );
  }

  /** Polls a tree view until a row matches `pred`. */
  async waitForTreeRow(view: string, what: string, pred: (r: TreeRow) => boolean, timeout = this.timeout): Promise<TreeRow> {
    let seen: TreeRow[] = [];
    try {
      return await this.waitFor(
        `a row in the ${view} view: ${what}`,
        async () => {
          seen = await this.treeRows(view);
          return seen.find(pred);
        },
        timeout,
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n  rows seen: ${JSON.stringify(seen.map((r) => `${'  '.repeat(r.level - 1)}${r.label} — ${r.description}`))}`,
      );
    }
  }

  /** A button of a view's welcome content (shown while the view is empty), by its label. */
  viewWelcomeButton(view: string, label: string): Locator {
    return this.viewPane(view)
      .locator('.welcome-view-content .monaco-button')
      .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) })
      .first();
  }

  /**
   * Expands the rows named by `path` (top-down; each a label, exact for a string) and waits for a row
   * matching `pred`. Re-expands when a refresh of the view collapsed them meanwhile.
   */
  async revealTreeRow(
    view: string,
    path: (RegExp | string)[],
    what: string,
    pred: (r: TreeRow) => boolean,
    timeout = this.timeout,
  ): Promise<TreeRow> {
    let seen: TreeRow[] = [];
    try {
      return await this.waitFor(
        `a row in the ${view} view under ${path.join(' › ')}: ${what}`,
        async () => {
          for (const label of path) {
            const row = this.treeRow(view, label);
            if (!(await row.count())) return undefined;
            if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
          }
          seen = await this.treeRows(view);
          return seen.find(pred);
        },
        timeout,
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n  rows seen: ${JSON.stringify(seen.map((r) => `${'  '.repeat(r.level - 1)}${r.label} — ${r.description}`))}`,
      );
    }
  }

  /** The row of a tree view whose label matches (exactly, for a string). */
  treeRow(view: string, label: RegExp | string): Locator {
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
    return this.viewPane(view)
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: re }) })
      .first();
  }

  /** Expands a collapsed tree row (no-op when expanded) and waits for its children to render. */
  async expandTreeRow(view: string, label: RegExp | string): Promise<void> {
    const row = this.treeRow(view, label);
    await this.visible(`the row ${label} in the ${view} view`, row, 10_000);
    if ((await row.getAttribute('aria-expanded')) !== 'false') return;
    await row.locator('.monaco-tl-twistie').click();
    await this.waitFor(
      `the row ${label} in the ${view} view to expand`,
      async () => (await row.getAttribute('aria-expanded')) === 'true',
      5_000,
    );
  }

  /** Hovers a tree row and clicks its inline action (the icon button) labelled `action`. */
  async treeInlineAction(view: string, label: RegExp | string, action: string): Promise<void> {
    const row = this.treeRow(view, label);
    await this.visible(`the row ${label} in the ${view} view`, row, 10_000);
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label="${action.replace(/"/g, '\\"')}"]`);
    await this.visible(`the inline action "${action}" on ${label}`, button, 5_000);
    await button.click();
  }

  /** Right-clicks a tree row and runs the context menu entry labelled `item`. */
  async treeContextMenu(view: string, label: RegExp | string, item: string): Promise<void> {
    const row = this.treeRow(view, label);
    await this.visible(`the row ${label} in the ${view} view`, row, 10_000);
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    const entry = menu
      .locator('.action-item')
      .filter({
        has: this.page.locator('.action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`) }),
      })
      .locator('a.action-menu-item');
    await this.visible(`the context menu entry "${item}" on ${label}`, entry, 5_000);
    await entry.first().click();
    // A menu ignores a mouse-up that comes too soon after it opened; the clicked entry then has the
    // focus, and Enter runs it.
    const closed = await this.poll(async () => !(await menu.isVisible()), 2_000);
    if (!closed.value) await this.page.keyboard.press('Enter');
    await this.waitFor('the context menu to close', async () => !(await menu.isVisible()), 5_000);
  }

  /** Drags the side bar's edge so it is `width` px wide (room for tree descriptions in screenshots). */
  async resizeSideBar(width: number): Promise<void> {
    const bar = this.page.locator('.part.sidebar');
    const box = await bar.boundingBox();
    if (!box || Math.abs(box.width - width) < 4) return;
    // The sash is an invisible 4px strip centred on the side bar's right edge.
    const sash = await this.page.locator('.monaco-sash.vertical').evaluateAll((els, edge) => {
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.height > 100 && Math.abs(r.left + r.width / 2 - edge) <= 4)
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
      return null;
    }, box.x + box.width);
    if (!sash) await this.fail('the side bar sash');
    await this.page.mouse.move(sash!.x, sash!.y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, sash!.y, { steps: 5 });
    await this.page.mouse.up();
    await this.waitFor(
      `the side bar to be ${width}px wide`,
      async () => Math.abs(((await bar.boundingBox())?.width ?? 0) - width) < 8,
      5_000,
    );
  }

  // ---------- webviews ----------

  /** One look for the content frame of the webview titled `title`; also returns the titles seen. */
  private async findWebviewFrame(title: RegExp | string): Promise<{ frame?: Frame; titles: string[] }> {
    const titles: string[] = [];
    for (const frame of this.page.frames()) {
      if (!frame.parentFrame()?.url().includes('/webview/')) continue;
      const t = await frame.title().catch(() => '');
      titles.push(t);
      if (
        matches(t, title, true) &&
        (await frame
          .locator('body')
          .count()
          .catch(() => 0))
      )
        return { frame, titles };
    }
    return { titles };
  }

  /**
   * The content frame of the webview panel titled `title`. VS Code nests each webview twice
   * (iframe.webview → #active-frame); our panels put the panel title in the page's <title>,
   * so the frame is found by its document title. Hidden panels have no frame (VS Code drops it).
   */
  async webviewFrame(title: RegExp | string, timeout = this.timeout): Promise<Frame> {
    let titles: string[] = [];
    try {
      return await this.waitFor(
        `the webview "${title}"`,
        async () => {
          const found = await this.findWebviewFrame(title);
          titles = found.titles;
          return found.frame;
        },
        timeout,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  webviews seen: ${JSON.stringify(titles)}`);
    }
  }

  /** The text of the webview titled `title`; with `expect`, polls until the text matches it. */
  async webviewText(title: RegExp | string, expect?: RegExp, timeout = this.timeout): Promise<string> {
    let last = '';
    let titles: string[] = [];
    try {
      return await this.waitFor(
        `the webview "${title}"${expect ? ` to show ${expect}` : ''}`,
        async () => {
          const found = await this.findWebviewFrame(title);
          titles = found.titles;
          if (!found.frame) return undefined;
          last = await found.frame
            .locator('body')
            .innerText()
            .catch(() => '');
          return last && (!expect || expect.test(last)) ? last : undefined;
        },
        timeout,
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n  webviews seen: ${JSON.stringify(titles)}\n  last text: ${JSON.stringify(last.slice(0, 800))}`,
      );
    }
  }

  /** Clicks the button labelled `label` in the webview titled `title`. */
  async clickWebviewButton(title: RegExp | string, label: string): Promise<void> {
    const frame = await this.webviewFrame(title);
    const button = frame.locator('button').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
    try {
      await button.first().waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      await this.fail(`the button "${label}" in the webview "${title}"`);
    }
    await button.first().click();
  }

  /**
   * The editor tab for `label` in any group: a webview panel's title, or a file (matched by the end
   * of its path, e.g. "policy.draft.yaml" or "cavra-baseline/policy.yaml"). Tabs carry the full
   * path / the title in their label's aria-label (the visible name splits off the extension).
   */
  editorTab(label: string): Locator {
    const esc = label.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return this.page
      .locator(
        `.tabs-container .tab:has(.tab-label[aria-label="${esc}"]), .tabs-container .tab:has(.tab-label[aria-label$="/${esc}"])`,
      )
      .first();
  }

  /** Activates an editor tab (see editorTab) and waits until it is the active one. */
  async activateTab(label: string): Promise<void> {
    const tab = this.editorTab(label);
    await this.visible(`the editor tab ${label}`, tab, 10_000);
    await tab.click();
    await this.waitFor(
      `the tab ${label} to be active`,
      async () => /\bactive\b/.test((await tab.getAttribute('class')) ?? ''),
      5_000,
    );
  }

  // ---------- editing ----------

  /** Inserts `text` at line:column of the active editor (as typed, without auto-indent or auto-closing). */
  async insertText(line: number, column: number, text: string): Promise<void> {
    await this.goTo(line, column);
    await this.page.keyboard.insertText(text);
  }

  /** Saves the active editor and waits for its tab to lose the dirty mark. */
  async save(): Promise<void> {
    await this.runCommand('File: Save');
    const tab = this.page.locator('.editor-group-container.active .tab.active');
    await this.waitFor(
      'the active editor to be saved',
      async () => !/\bdirty\b/.test((await tab.getAttribute('class')) ?? ''),
      10_000,
    );
  }

  // ---------- walkthroughs (Getting Started) ----------

  /** The open walkthrough page (the Welcome editor showing one walkthrough's steps). */
  walkthroughPage(): Locator {
    return this.page.locator('.gettingStartedContainer .gettingStartedSlideDetails');
  }

  /** A walkthrough step's header button; VS Code's step ids end with `#<the step id of package.json>`. */
  walkthroughStep(stepId: string): Locator {
    return this.walkthroughPage().locator(`button.getting-started-step[data-step-id$="#${stepId}"]`).first();
  }

  /** Waits for the walkthrough titled `title` and returns its steps: id (as in package.json), title, done. */
  async waitForWalkthrough(
    title: RegExp | string,
    timeout = this.timeout,
  ): Promise<{ id: string; title: string; done: boolean }[]> {
    const page = this.walkthroughPage();
    return this.waitFor(
      `the walkthrough "${title}"`,
      async () => {
        if (!(await page.isVisible())) return undefined;
        const heading = (
          await page
            .locator('.category-title')
            .first()
            .innerText()
            .catch(() => '')
        ).trim();
        if (!matches(heading, title)) return undefined;
        const steps = await page.locator('button.getting-started-step').evaluateAll((els) =>
          els.map((el) => ({
            id: (el.getAttribute('data-step-id') ?? '').split('#').pop() ?? '',
            title: (el.querySelector('.step-title')?.textContent ?? '').trim(),
            done: el.getAttribute('aria-checked') === 'true',
          })),
        );
        return steps.length ? steps : undefined;
      },
      timeout,
    );
  }

  /** Expands a walkthrough step (its description, buttons and media) and waits until it shows. */
  async expandWalkthroughStep(stepId: string): Promise<Locator> {
    const step = this.walkthroughStep(stepId);
    await this.visible(`the walkthrough step ${stepId}`, step, 10_000);
    if ((await step.getAttribute('aria-expanded')) !== 'true') await step.click();
    await this.waitFor(
      `the walkthrough step ${stepId} to expand`,
      async () => (await step.getAttribute('aria-expanded')) === 'true',
      5_000,
    );
    await this.focusOutOfWebviews();
    return step;
  }

  /**
   * Takes the keyboard focus back from a webview (a walkthrough step's media takes it when it loads), by
   * clicking the active editor's tab: keys pressed in a webview's frame (F1) never reach the workbench.
   */
  async focusOutOfWebviews(): Promise<void> {
    await this.waitFor(
      'the keyboard focus outside any webview',
      async () => {
        if ((await this.page.evaluate('document.activeElement?.tagName')) !== 'IFRAME') return true;
        await this.page.locator('.editor-group-container.active .tabs-container .tab.active').first().click();
        return false;
      },
      5_000,
    );
  }

  /**
   * Clicks the button (a command link alone on its line) or the inline link labelled `label` in an
   * expanded walkthrough step's description.
   */
  async clickWalkthroughAction(stepId: string, label: string): Promise<void> {
    const step = await this.expandWalkthroughStep(stepId);
    const exact = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
    const action = step.locator('.button-container .monaco-button, a').filter({ hasText: exact }).first();
    await this.visible(`"${label}" in the walkthrough step ${stepId}`, action, 5_000);
    await action.click();
  }

  /**
   * Waits until the expanded step's media (a markdown page, rendered in a webview beside the steps) shows
   * text matching `expect`; returns that text.
   */
  async walkthroughMediaText(expect: RegExp, timeout = this.timeout): Promise<string> {
    return this.waitFor(
      `the walkthrough media showing ${expect}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (!frame.parentFrame()?.url().includes('/webview/')) continue;
          const text = await frame
            .locator('body')
            .innerText({ timeout: 1_000 })
            .catch(() => '');
          if (expect.test(text)) return text;
        }
        return undefined;
      },
      timeout,
    );
  }

  /** Waits until a walkthrough step is checked off (its completion event fired). */
  async waitForWalkthroughStepDone(stepId: string, timeout = 10_000): Promise<void> {
    const step = this.walkthroughStep(stepId);
    await this.waitFor(
      `the walkthrough step ${stepId} to be checked off`,
      async () => (await step.getAttribute('aria-checked')) === 'true',
      timeout,
    );
  }
}

/** Matches `text` against a RegExp, or a string (exactly, or when `contains`, as a substring). */
function matches(text: string, want: RegExp | string, contains = false): boolean {
  if (typeof want !== 'string') return want.test(text);
  return contains ? text.includes(want) : text === want;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
