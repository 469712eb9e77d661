// A multi-root workspace in a real VS Code (code-server, the installed VSIX): two folders, each with its
// own packs, store and settings. The pack published in the second folder is planned as an `update`
// against that folder (before multi-root support it was planned as `create`, risk high, against the
// first), its approval is requested with that folder's settings and stored in that folder's .cavra/,
// the views group by folder, and a workflow with no file to go by asks which folder it means.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-multiroot');
const DRAFT = 'policies/cavra-baseline/policy.draft.yaml';
// First activation plus language-server start took 13-16 s on a 2-core machine: allow generously.
const ACTIVATION_TIMEOUT = 60_000;

function approvals(folder: string): { approval_id: string; approver_group: string; decision: Record<string, unknown> }[] {
  const file = join(folder, '.cavra', 'approvals.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).items : [];
}

describe('multi-root: two workspace folders, each with its own packs, store and settings', function () {
  this.timeout(180_000);
  this.bail(true); // each step builds on the previous one
  let wb: Workbench;
  let tmp = '';
  let teamA = '';
  let teamB = '';
  let approvalId = '';

  before(async function () {
    this.timeout(120_000);
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-multiroot-'));
    cpSync(FIXTURE, tmp, { recursive: true });
    teamA = join(tmp, 'team-a');
    teamB = join(tmp, 'team-b');
    wb = await Workbench.launch();
    await wb.openWorkspace(join(tmp, 'multi.code-workspace'));
    await wb.resizeSideBar(460);
    await wb.openFile(DRAFT);
    await wb.waitForStatusBarItem('the CAVRA item for the draft', (i) => /CAVRA 4 rules/.test(i.text), ACTIVATION_TIMEOUT);
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

  it('plans the pack published in the second folder as an update, against that folder', async () => {
    await wb.runCommand('CAVRA: Plan Publish');
    const text = await wb.webviewText('Publish plan: cavra-baseline', /risk: medium/);
    assert.match(text, /\bupdate\b/);
    assert.doesNotMatch(text, /\bcreate\b/);
    assert.ok(text.includes(`local backend (${teamB})`), `the plan names the second folder's store: ${text}`);
  });

  it("requests the approval with the second folder's settings and stores it in that folder", async () => {
    await wb.clickWebviewButton('Publish plan: cavra-baseline', 'Request Publish Approval');
    const group = await wb.waitForQuickInput(/^Request Publish Approval \(1\/2\): approver group$/);
    assert.equal(group.value, 'Team B Security', "team-b's own cavra.approvals.publishApproverGroup");
    await wb.answerInput(/\(1\/2\): approver group/, 'Team B Security');
    await wb.answerInput(/\(2\/2\): expiry in hours/, '24');
    const note = await wb.waitForNotification(
      'approval requested',
      /^Approval apr_\w+ requested from Team B Security for cavra-baseline \(risk medium/,
    );
    approvalId = note.match(/apr_\w+/)![0];
    assert.deepEqual(
      approvals(teamB).map((a) => a.approval_id),
      [approvalId],
    );
    assert.equal(existsSync(join(teamA, '.cavra')), false, 'nothing is written into the first folder');
  });

  it('groups the views by folder: each folder shows its own packs and approvals', async () => {
    await wb.clearNotifications();
    await wb.showView('Approvals');
    await wb.waitForTreeRow('Approvals', 'the team-a folder', (r) => r.label === 'team-a' && r.level === 1);
    await wb.revealTreeRow(
      'Approvals',
      ['team-b', 'pending (1)'],
      `publish cavra-baseline (${approvalId}) under team-b`,
      (r) => r.label === 'publish cavra-baseline' && r.level === 3 && r.description.includes(approvalId),
    );
    await wb.showView('Policy Packs');
    await wb.waitForTreeRow('Policy Packs', 'the team-a folder', (r) => r.label === 'team-a' && r.level === 1);
    const rows = await wb.waitFor('both folders with their packs', async () => {
      const seen = await wb.treeRows('Policy Packs');
      const names = seen.map((r) => `${r.level}:${r.label}`);
      const want = ['1:team-a', '2:cavra-payments', '1:team-b', '2:cavra-baseline'];
      return want.every((w, i) => names.indexOf(w) >= 0 && (i === 0 || names.indexOf(w) > names.indexOf(want[i - 1])))
        ? names
        : undefined;
    });
    assert.ok(rows.length >= 4);
  });

  it('asks which folder a workflow means when no file says, and acts on the one picked', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('CAVRA: Verify Evidence Chain');
    const pick = await wb.waitForQuickInput(/^Verify Evidence Chain: which workspace folder\?$/);
    assert.deepEqual(pick.items, ['team-a', 'team-b']);
    await wb.pickItem(/which workspace folder/, 'team-b');
    await wb.waitForNotification(
      'the second folder’s chain verified',
      /^Evidence chain intact: 1 records in team-b\/\.cavra\/evidence\.jsonl\.$/,
    );
  });
});
