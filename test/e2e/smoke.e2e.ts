// Smoke test in a real VS Code (code-server started by test/e2e/run.sh, extension installed from the VSIX):
// a policy with a schema error shows a `cavra` problem on the right line, keys have hovers, and the
// CAVRA status bar item is there. Also refreshes the README screenshots in docs/images/.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const INVALID = 'policies/cavra-payments/policy.yaml';
// First activation plus language-server start took 13-16 s on a 2-core machine: allow generously.
const ACTIVATION_TIMEOUT = 60_000;

describe('smoke: a policy pack in VS Code', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let tmp: string;
  let workspace: string;

  before(async () => {
    // A copy, so that nothing the editor or the extension writes touches the fixture.
    // A stable folder name keeps the screenshots' explorer title tidy.
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-ws-'));
    workspace = join(tmp, 'acme-policies');
    cpSync(FIXTURE, workspace, { recursive: true });
    wb = await Workbench.launch();
    await wb.openFolder(workspace);
    await wb.openFile(INVALID);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !wb) return;
    // Failures from workbench.ts carry their own screenshot; plain assertion failures get one here.
    if (!/screenshot: /.test(String(test.err?.message))) console.error(`  screenshot: ${await wb.failureShot(test.title)}`);
    console.error(`  notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}`);
  });

  after(async () => {
    await wb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the schema error from source cavra on line 6 in the Problems panel', async () => {
    const p = await wb.waitForProblem(
      'an error from source cavra on line 6 of policy.yaml',
      (p) => p.source === 'cavra' && p.line === 6 && p.severity === 'Error',
      ACTIVATION_TIMEOUT,
    );
    assert.match(p.message + p.label, /mode|strict/i, `message should be about metadata.mode: ${p.message}`);
    await wb.screenshot('problems');
  });

  it('hovers a key with its schema description', async () => {
    // Line 8 is `filesystem:`; column 3 is inside the key.
    const text = await wb.hoverAt(8, 3, /file access/i);
    assert.match(text, /file access rules/i);
    await wb.screenshot('hover');
  });

  it('shows the CAVRA status bar item', async () => {
    const item = await wb.waitForStatusBarItem(
      'text starting with CAVRA',
      (i) => /^\s*CAVRA/.test(i.text) || /^\s*CAVRA/.test(i.label),
      ACTIVATION_TIMEOUT,
    );
    assert.ok(item.text || item.label);
  });

  it('Create Policy Pack: the cavra- prefix once, the id and folder shown before writing, an existing id refused', async () => {
    await wb.runCommand('CAVRA: Create Policy Pack');
    await wb.refusedInput(/\(1\/2\): id$/, 'baseline', /policies\/cavra-baseline already exists: choose another id/);
    await wb.refusedInput(/\(1\/2\): id$/, 'New Team', /Use lowercase|is not allowed/);
    await wb.answerInput(
      /\(1\/2\): id$/,
      'cavra-newteam',
      undefined,
      /^Creates policies\/cavra-newteam\/policy\.yaml with id cavra-newteam$/,
    );
    await wb.answerInput(/\(2\/2\): title of cavra-newteam$/, 'New team');
    await wb.waitForEditor('policies/cavra-newteam/policy.yaml');
    const text = readFileSync(join(workspace, 'policies', 'cavra-newteam', 'policy.yaml'), 'utf8');
    assert.match(text, /^metadata:\n {2}id: cavra-newteam\n {2}title: "New team"\n/, 'starts with its metadata, no empty line');
  });
});
