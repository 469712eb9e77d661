// The Getting Started walkthrough in a real VS Code (code-server, the installed VSIX), walked as a new
// user does: CAVRA: Open Walkthrough, then each role's step: its button runs the real command (what the
// command shows is checked, and what it writes), and the step is checked off. One screenshot per step
// (docs/images/walkthrough-<step>.png, in the README's "Getting started").
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const TITLE = 'Get started with CAVRA Policy Studio';
// First activation plus language-server start took 13-16 s on a 2-core machine: allow generously.
const ACTIVATION_TIMEOUT = 60_000;

function approvals(ws: string): { approval_id: string; state: string; decided_by?: string }[] {
  const file = join(ws, '.cavra', 'approvals.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).items : [];
}

describe('walkthrough: a new user follows Getting Started, one role at a time', function () {
  this.timeout(180_000);
  this.bail(true); // each step builds on the previous one
  let wb: Workbench;
  let tmp: string;
  let ws: string;
  let approvalId = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-ws-'));
    ws = join(tmp, 'acme-policies');
    cpSync(FIXTURE, ws, { recursive: true });
    wb = await Workbench.launch();
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
    if (tmp && process.env.CAVRA_E2E_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  });

  /** Back to the walkthrough (a command opened an editor over it) with `step` expanded, checked off. */
  async function showDone(step: string, media: RegExp): Promise<void> {
    await wb.dismiss();
    await wb.focusOutOfWebviews();
    await wb.clearNotifications();
    await wb.runCommand('CAVRA: Open Walkthrough');
    await wb.waitForWalkthrough(TITLE);
    await wb.expandWalkthroughStep(step);
    await wb.waitForWalkthroughStepDone(step);
    await wb.walkthroughMediaText(media);
    await wb.focusOutOfWebviews();
    await wb.screenshot(`walkthrough-${step}`);
  }

  it('CAVRA: Open Walkthrough shows one step per role, none done yet', async () => {
    await wb.runCommand('CAVRA: Open Walkthrough', ACTIVATION_TIMEOUT);
    const steps = await wb.waitForWalkthrough(TITLE, ACTIVATION_TIMEOUT);
    assert.deepEqual(
      steps.map((s) => [s.id, s.title, s.done]),
      [
        ['author', 'Author: write a pack and read its diagnostics', false],
        ['publisher', 'Publisher: preview, plan and request a publish', false],
        ['approver', 'Approver: approve or deny', false],
        ['incident', 'Incident commander: break glass', false],
        ['auditor', 'Auditor: read the evidence and export a bundle', false],
      ],
    );
  });

  it('author: Create Policy Pack from the step writes the pack and opens it; the step is checked off', async () => {
    await wb.clickWalkthroughAction('author', 'Create Policy Pack');
    await wb.answerInput(
      /^Create Policy Pack \(1\/2\): id$/,
      'walkthrough',
      undefined,
      /^Creates policies\/cavra-walkthrough\/policy\.yaml with id cavra-walkthrough$/,
    );
    await wb.answerInput(/^Create Policy Pack \(2\/2\): title of cavra-walkthrough$/, 'Walkthrough team');
    await wb.waitForEditor('policies/cavra-walkthrough/policy.yaml');
    assert.match(
      readFileSync(join(ws, 'policies', 'cavra-walkthrough', 'policy.yaml'), 'utf8'),
      /^metadata:\n {2}id: cavra-walkthrough\n/,
    );
    // The language server reads it at once: its rule counts in the code lens over metadata.
    await wb.waitFor(
      'the rule counts of the new pack in its code lens',
      async () =>
        (await wb.page.locator('.editor-group-container.active .codelens-decoration').allInnerTexts()).some((t) =>
          /^4 rules \(filesystem 2 · commands 2\)/.test(t),
        ),
      ACTIVATION_TIMEOUT,
    );
    await showDone('author', /Write a pack/);
  });

  it('publisher: Request Publish Approval from the step asks which policy, then files the approval', async () => {
    await wb.clickWalkthroughAction('publisher', 'Request Publish Approval');
    await wb.pickItem(/^Which policy\?$/, 'policies/cavra-baseline/policy.draft.yaml');
    await wb.answerInput(/^Request Publish Approval \(1\/2\): approver group$/, 'Platform Security');
    await wb.answerInput(/\(2\/2\): expiry in hours/, '24');
    const note = await wb.waitForNotification(
      'approval requested',
      /^Approval apr_\w+ requested from Platform Security for cavra-baseline/,
    );
    approvalId = /apr_\w+/.exec(note)![0];
    assert.equal(approvals(ws).find((a) => a.approval_id === approvalId)?.state, 'pending');
    await showDone('publisher', /Preview, plan and request a publish/);
  });

  it('approver: Approve from the step picks the pending approval, confirms, and records the decision', async () => {
    await wb.clickWalkthroughAction('approver', 'Approve');
    await wb.pickItem(/^Approve: which approval\?$/, 'cavra-baseline');
    await wb.waitForDialog(new RegExp(`^Approve ${approvalId}\\?$`));
    await wb.clickDialogButton('Approve');
    await wb.answerInput(/\(1\/3\): actor/, 'ian.owner');
    await wb.answerInput(/\(2\/3\): reason/, 'Read the plan from the walkthrough');
    await wb.answerInput(/\(3\/3\): external reference/, 'CHG-1');
    await wb.waitForNotification('approved', new RegExp(`^${approvalId} is now approved \\(by ian\\.owner\\)`));
    assert.equal(approvals(ws).find((a) => a.approval_id === approvalId)?.decided_by, 'ian.owner');
    await showDone('approver', /Approve or deny/);
  });

  it('incident commander: Break Glass from the step asks which decision (cancelled: nothing recorded)', async () => {
    const before = readFileSync(join(ws, '.cavra', 'approvals.json'));
    await wb.clickWalkthroughAction('incident', 'Break Glass');
    const pick = await wb.waitForQuickInput(/^Break Glass: which decision\?$/);
    assert.deepEqual(pick.items, ["A pending approval's decision", 'A decision JSON file']);
    await wb.cancelQuickInput();
    assert.deepEqual(readFileSync(join(ws, '.cavra', 'approvals.json')), before);
    await showDone('incident', /Break glass/);
  });

  it('auditor: Verify Evidence Chain (a link) does not finish the step; Export Evidence Bundle (its button) does', async () => {
    await wb.clickWalkthroughAction('auditor', 'Verify Evidence Chain');
    await wb.waitForNotification('the chain verified', /^Evidence chain intact: 2 records/);
    assert.equal(
      await wb.walkthroughStep('auditor').getAttribute('aria-checked'),
      'false',
      'verifying alone does not complete it',
    );
    await wb.clickWalkthroughAction('auditor', 'Export Evidence Bundle');
    const pick = await wb.waitForQuickInput(/^Export Evidence Bundle: which published pack\?$/);
    assert.ok(pick.items.includes('cavra-baseline'), JSON.stringify(pick.items));
    await wb.cancelQuickInput();
    await showDone('auditor', /Read the evidence and export a bundle/);
    assert.deepEqual(
      (await wb.waitForWalkthrough(TITLE)).map((s) => s.done),
      [true, true, true, true, true],
    );
  });

  it("an empty view's welcome content opens the walkthrough too", async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.showView('Rollouts');
    await wb.viewWelcomeButton('Rollouts', 'Open Walkthrough').click();
    await wb.waitForWalkthrough(TITLE);
  });
});
