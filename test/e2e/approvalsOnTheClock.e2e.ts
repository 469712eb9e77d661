// Issue 16 in a real VS Code (code-server, the installed VSIX): a developer asks what CAVRA would decide
// and requests an approval from the decision; an approval past its expires_at is shown as expired, is
// not offered for approval, and "Expire Overdue Approvals" records CAVRA's expire for it. Times in the
// store are made relative to now, so the scenario holds on any day.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const ACTIVATION_TIMEOUT = 60_000;

function approvals(ws: string): any[] {
  const file = join(ws, '.cavra', 'approvals.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).items : [];
}

const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString().replace('Z', '+00:00');

/** A pending approval as CAVRA's store holds it, requested two hours ago, expired `minutesAgo` ago. */
function overdueApproval(id: string, minutesAgo: number): Record<string, unknown> {
  const decision = {
    decision_id: `dec_${id.slice(4)}`,
    action_type: 'write_file',
    target: '.github/workflows/deploy.yml',
    rule_id: 'filesystem.write.require_approval',
    decision: 'require_approval',
    severity: 'high',
    approver_group: 'Platform Security',
    policy_pack: 'cavra-baseline',
  };
  return {
    schema_version: 'cavra.approval.v1',
    product: 'CAVRA',
    approval_id: id,
    decision_id: decision.decision_id,
    session_id: 'local',
    correlation_id: null,
    state: 'pending',
    approver_group: 'Platform Security',
    requested_by: 'ai-agent',
    requested_at: iso(-2 * 3_600_000),
    expires_at: iso(-minutesAgo * 60_000),
    decision,
    history: [{ event: 'requested', actor: 'ai-agent', timestamp: iso(-2 * 3_600_000), reason: 'agent asked' }],
    evidence_refs: [`approval://${id}`],
  };
}

describe('approvals on the clock: a developer asks, an overdue approval cannot be approved', function () {
  this.timeout(180_000);
  this.bail(true);
  let wb: Workbench;
  let tmp = '';
  let ws = '';

  before(async function () {
    this.timeout(120_000);
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-clock-'));
    ws = join(tmp, 'acme-policies');
    cpSync(FIXTURE, ws, { recursive: true });
    mkdirSync(join(ws, '.cavra'), { recursive: true });
    writeFileSync(
      join(ws, '.cavra', 'approvals.json'),
      `${JSON.stringify({ items: [overdueApproval('apr_0000000overd', 45)] }, null, 2)}\n`,
    );
    wb = await Workbench.launch();
    await wb.openFolder(ws);
    await wb.openFile('policies/cavra-baseline/policy.yaml');
    await wb.waitForStatusBarItem('the CAVRA item', (i) => /CAVRA/.test(i.text), ACTIVATION_TIMEOUT);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    console.error(`  screenshot: ${await wb.failureShot(this.currentTest.title)}`);
    console.error(`  notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}`);
  });
  after(async () => {
    await wb?.close();
    if (tmp && process.env.CAVRA_E2E_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the overdue approval with the expired ones, marked overdue; the store is not written by looking', async () => {
    const before = readFileSync(join(ws, '.cavra', 'approvals.json'), 'utf8');
    await wb.showView('Approvals');
    await wb.waitForTreeRow('Approvals', 'the expired group', (r) => r.label === 'expired (1)');
    await wb.revealTreeRow(
      'Approvals',
      ['expired (1)'],
      'the overdue approval',
      (r) => r.description.includes('apr_0000000overd') && r.description.includes('overdue'),
    );
    assert.equal(readFileSync(join(ws, '.cavra', 'approvals.json'), 'utf8'), before);
  });

  it('Approve does not offer it, and says how to record its expiry', async () => {
    await wb.clearNotifications();
    await wb.runCommand('CAVRA: Approve');
    await wb.waitForNotification(
      'nothing to approve',
      /^No pending approvals \(1 past their expiry: run "CAVRA: Expire Overdue Approvals"\)\.$/,
    );
    assert.equal(approvals(ws)[0].state, 'pending');
  });

  it("Expire Overdue Approvals records CAVRA's expire (actor system) for it", async () => {
    await wb.clearNotifications();
    await wb.runCommand('CAVRA: Expire Overdue Approvals');
    await wb.waitForNotification('expired', /^Expired 1 overdue approval: apr_0000000overd\./);
    const record = approvals(ws)[0];
    assert.equal(record.state, 'expired');
    assert.equal(record.decided_by, 'system');
    assert.match(record.history.at(-1).reason, /^expired at .* \(found overdue at /);
  });

  it('What Would CAVRA Decide?: the decision for the active pack, then Request Approval from it', async () => {
    await wb.clearNotifications();
    await wb.activateTab('policy.yaml');
    await wb.runCommand('CAVRA: What Would CAVRA Decide?');
    await wb.pickItem(/^What would CAVRA decide\? \(2\/4\) action on cavra-baseline$/, 'write_file');
    await wb.answerInput(/\(3\/4\) write_file target/, '.github/workflows/deploy.yml');
    await wb.pickItem(/\(4\/4\) runtime policy mode/, 'enforce');
    const dialog = await wb.waitForDialog(/^REQUIRE_APPROVAL: write_file \.github\/workflows\/deploy\.yml$/);
    assert.match(dialog.detail, /pack cavra-baseline \(inheritance merged\)/);
    assert.match(dialog.detail, /rule filesystem\.write\.require_approval · severity high/);
    assert.match(dialog.detail, /Matched approval-required path policy: \.github\/workflows\/\*\*/);
    assert.ok(dialog.buttons.includes('Request Approval'), JSON.stringify(dialog.buttons));
    assert.ok(dialog.buttons.includes('Go to Rule'), JSON.stringify(dialog.buttons));
    await wb.clickDialogButton('Request Approval');
    const note = await wb.waitForNotification('requested', /^Approval apr_\w+ requested from Platform Security/);
    const id = note.match(/apr_\w+/)![0];
    const record = approvals(ws).find((a) => a.approval_id === id);
    assert.ok(record, `${id} in the store`);
    assert.equal(record.state, 'pending');
    assert.equal(record.decision.action_type, 'write_file');
    assert.equal(record.decision.target, '.github/workflows/deploy.yml');
    assert.equal(record.requested_by, 'pat.platform');
  });

  it("a rule's hover asks what CAVRA would decide for a sample target; Go to Rule returns to that rule", async () => {
    await wb.clearNotifications();
    await wb.activateTab('policy.yaml');
    // Line 11: `    - ".github/workflows/**"` in filesystem.require_approval_write.
    await wb.hoverAt(11, 10, /What would CAVRA decide for write_file/);
    await wb.hoverWidget().locator('a', { hasText: 'What would CAVRA decide for write_file' }).click();
    const input = await wb.waitForQuickInput(/\(3\/4\) write_file target/);
    assert.equal(input.value, '.github/workflows/sample', 'the sample target is filled in, still editable');
    await wb.answerInput(/\(3\/4\) write_file target/, '.github/workflows/sample');
    await wb.pickItem(/\(4\/4\) runtime policy mode/, 'enforce');
    const dialog = await wb.waitForDialog(/^REQUIRE_APPROVAL: write_file \.github\/workflows\/sample$/);
    assert.match(dialog.detail, /Matched approval-required path policy: \.github\/workflows\/\*\*/);
    await wb.clickDialogButton('Go to Rule');
    await wb.waitForStatusBarItem('the cursor on the rule', (i) => /^Ln 11, Col 7$/.test(i.text));
  });
});
