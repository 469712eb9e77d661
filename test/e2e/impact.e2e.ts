// Impact on recorded activity in a real VS Code (code-server, the installed VSIX): a workspace with a log the
// test generates, chosen from the plan with *Choose Decision Log…* (it lands in `cavra.impact.decisionLog`) (test/cli/impactScenario.ts: thousands of decisions
// over every action type, each category's published and draft decision known by construction). *Plan Publish*
// on the draft shows the transitions and, opened, the changed decisions with the rule that changes each; the
// published pack's hover counts the recorded actions a rule decided.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { entryLineOf, PUBLISHABLE_APP as APP, publishableScenario } from '../cli/impactScenario';
import { Workbench } from './workbench';

const PER_CATEGORY = 120; // 19 categories: 2,280 decisions
const DRAFT = `policies/${APP}/policy.draft.yaml`;
const PUBLISHED = `policies/${APP}/policy.yaml`;
const ACTIVATION_TIMEOUT = 60_000;
const n = (v: number) => v.toLocaleString('en-US');
const readIfThere = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

describe('impact: the publish plan and the hovers show what a draft does to recorded agent activity', function () {
  this.timeout(180_000);
  this.bail(true);
  const scenario = publishableScenario(PER_CATEGORY, { extraRules: 3 });
  let wb: Workbench;
  let tmp = '';

  before(async function () {
    this.timeout(120_000);
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-impact-'));
    const ws = join(tmp, 'agent-policies');
    const files: Record<string, string> = {
      ...scenario.files,
      [DRAFT]: scenario.files[scenario.draftPath],
      'logs/decisions.jsonl': `${scenario.logLines.join('\n')}\n`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, path)), { recursive: true });
      writeFileSync(join(ws, path), text);
    }
    wb = await Workbench.launch();
    await wb.openFolder(ws);
    await wb.openFile(DRAFT);
    await wb.waitForStatusBarItem('the CAVRA item for the draft', (i) => /CAVRA/.test(i.text), ACTIVATION_TIMEOUT);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    console.error(`  screenshot: ${await wb.failureShot(this.currentTest.title)}`);
    console.error(`  notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}`);
  });
  after(async () => {
    await wb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('with no log set the plan says so, and Choose Decision Log… keeps the picked log in the setting', async () => {
    await wb.runCommand('CAVRA: Plan Publish');
    await wb.webviewText(`Publish plan: ${APP}`, /No decision log is set/, 90_000);
    await wb.clickWebviewButton(`Publish plan: ${APP}`, 'Choose Decision Log…');
    // code-server's open dialog is VS Code's simple file dialog: a quick input holding the path.
    await wb.answerInput(/Choose a CAVRA decision log/, join(tmp, 'agent-policies', 'logs', 'decisions.jsonl'));
    const settings = join(tmp, 'agent-policies', '.vscode', 'settings.json');
    await wb.waitFor(
      'the log in the workspace settings',
      async () => /"cavra\.impact\.decisionLog": "logs\/decisions\.jsonl"/.test(readIfThere(settings)),
      15_000,
    );
  });

  it('Plan Publish (shown again by the choice) has every transition with its count, as constructed', async () => {
    const text = await wb.webviewText(`Publish plan: ${APP}`, /Impact on recorded activity[\s\S]*logs\/decisions\.jsonl/, 90_000);
    const want = new Map<string, number>();
    for (const r of scenario.records) {
      const [from, to] = [r.category.published.decision, r.category.draft.decision];
      if (from !== to) want.set(`${from} → ${to}`, (want.get(`${from} → ${to}`) ?? 0) + 1);
    }
    const changed = [...want.values()].reduce((a, b) => a + b, 0);
    assert.match(text, new RegExp(`${n(scenario.records.length)}\\s+decisions`));
    assert.match(text, new RegExp(`${n(changed)} change`));
    for (const [t, count] of want) assert.match(text, new RegExp(`${t}\\s+${n(count)}\\b`), `${t} ${count}`);
  });

  it('the drill-down lists the changed decisions, each with the draft entry (file:line) that changes it', async () => {
    const frame = await wb.webviewFrame(`Publish plan: ${APP}`);
    await frame.locator('summary', { hasText: 'Changed decisions' }).first().click();
    const rm = frame.locator('li', { hasText: 'rm -rf build-0' }).first();
    await rm.waitFor({ state: 'visible', timeout: 10_000 });
    const line = entryLineOf(scenario.files[scenario.draftPath], 'rm -rf*');
    assert.match(
      await rm.innerText(),
      new RegExp(
        `require_approval → block .*commands\\.block "rm -rf\\*" added \\(policies/${APP}/policy\\.draft\\.yaml:${line}\\)`,
      ),
    );
  });

  it("a published rule's hover says how many recorded actions it decided", async () => {
    await wb.openFile(PUBLISHED);
    const text = scenario.files[PUBLISHED];
    const line = entryLineOf(text, 'terraform apply*');
    const column = text.split('\n')[line - 1].indexOf('terraform') + 3;
    await wb.hoverAt(
      line,
      column,
      new RegExp(`decided ${PER_CATEGORY} of ${n(scenario.records.length)} recorded actions`),
      60_000,
    );
  });
});
