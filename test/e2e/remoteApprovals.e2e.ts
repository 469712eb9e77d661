// Issue 16 against a CAVRA server, in a real VS Code (code-server, the installed VSIX): the CAVRA-speaking
// test server runs in this process on 127.0.0.1 and the workspace is set to `cavra.backend: remote`.
// An approver's inbox polls it: a request made on the server raises a notification and is approved from
// it (the server's record says so). An approval the server still calls pending but whose expires_at has
// passed is refused before anything is sent (CAVRA would accept it: it expires only on an explicit
// action, SPEC 4.5), and "Expire Overdue Approvals" makes the server record CAVRA's expire.
// A developer then asks "What would CAVRA decide?" and requests the approval from the decision there.
// The server's clock is moved back for one request, so the scenario holds on any day.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCavraServer, type LocalCavraServer } from '../server/localCavraServer';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const ACTIVATION_TIMEOUT = 60_000;
/** CAVRA's default routing sends a write under .github/workflows to this group (SPEC 4.1 notes). */
const GROUP = 'Platform Security';
/** The inbox polls a server at most once per cavra.approvals.pollSeconds (15 s at least): allow two polls. */
const POLL_WAIT = 45_000;

async function api(server: LocalCavraServer, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A developer's request, posted to the server as CAVRA's API takes it. */
function request(server: LocalCavraServer, target: string): Promise<any> {
  return api(server, '/approvals', {
    decision: {
      decision_id: `dec_remote_${target.replace(/\W/g, '_')}_${Date.now()}`,
      action_type: 'write_file',
      target,
      decision: 'require_approval',
      rule_id: 'filesystem.write.require_approval',
      severity: 'high',
      policy_pack: 'cavra-baseline',
      reason: 'workflow changes need Platform Security',
    },
    requested_by: 'dev.agent',
  });
}

describe('remote: an approver works a CAVRA server from the editor (inbox, approve, overdue refused)', function () {
  this.timeout(240_000);
  this.bail(true);
  let wb: Workbench;
  let server: LocalCavraServer;
  let tmp = '';
  let ws = '';
  let serverOffsetMs = 0;
  const userSettings = process.env.CAVRA_E2E_USER_SETTINGS ?? '';
  let userSettingsBefore = '';

  before(async function () {
    this.timeout(120_000);
    assert.ok(
      userSettings && existsSync(userSettings),
      'CAVRA_E2E_USER_SETTINGS names the profile settings (test/e2e/run.sh sets it)',
    );
    server = await startLocalCavraServer({ backendOptions: { clock: () => Date.now() + serverOffsetMs } });
    // The server holds the same published packs as the repository (its registry answers the catalog).
    cpSync(join(FIXTURE, 'policies'), join(server.root, 'policies'), { recursive: true });
    // cavra.remote.url is a user setting only (a workspace cannot redirect a token): set it in the profile.
    userSettingsBefore = readFileSync(userSettings, 'utf8');
    writeFileSync(userSettings, JSON.stringify({ ...JSON.parse(userSettingsBefore), 'cavra.remote.url': server.url }, null, 2));
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-remote-'));
    ws = join(tmp, 'acme-policies');
    cpSync(FIXTURE, ws, { recursive: true });
    writeFileSync(
      join(ws, '.vscode', 'settings.json'),
      JSON.stringify(
        {
          'cavra.actor': 'pat.platform',
          'cavra.backend': 'remote',
          'cavra.approvals.myApproverGroups': [GROUP],
          'cavra.approvals.pollSeconds': 15,
        },
        null,
        2,
      ),
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
    if (userSettingsBefore) writeFileSync(userSettings, userSettingsBefore);
    await server?.close();
    if (tmp && process.env.CAVRA_E2E_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  });

  it('a request made on the server raises a notification (the inbox polls); approved from it, on the server', async () => {
    await wb.showView('Approvals');
    await wb.waitForTreeRow('Approvals', 'the empty inbox', (r) => r.label === 'Waiting for me (0)');
    const created = await request(server, '.github/workflows/deploy.yml');
    assert.equal(created.approver_group, GROUP);
    const id: string = created.approval_id;
    await wb.waitForNotification(
      'the new approval from the server',
      new RegExp(
        `^New approval for Platform Security: write_file \\.github/workflows/deploy\\.yml \\(${id}, requested by dev\\.agent\\)`,
      ),
      POLL_WAIT,
    );
    await wb.clickNotificationButton(new RegExp(`\\(${id},`), 'Approve');
    await wb.waitForDialog(new RegExp(`^Approve ${id}\\?$`));
    await wb.clickDialogButton('Approve');
    await wb.answerInput(/\(1\/3\): actor/, 'sam.security');
    await wb.answerInput(/\(2\/3\): reason/, 'Deploy workflow change reviewed');
    await wb.answerInput(/\(3\/3\): external reference/, 'CHG-4001');
    await wb.waitForNotification(
      'approved on the server',
      new RegExp(`^${id} is now approved \\(by sam\\.security\\)\\. remote backend`),
    );
    const onServer = await api(server, `/approvals/${id}`);
    assert.equal(onServer.state, 'approved');
    assert.equal(onServer.decided_by, 'sam.security');
    assert.equal(onServer.external_ref, 'CHG-4001');
  });

  it("an approval past its expires_at is refused before sending; Expire Overdue Approvals records CAVRA's expire on the server", async () => {
    // Requested when the server's clock said two days ago: CAVRA's 24 h expiry is a day past.
    serverOffsetMs = -2 * 86_400_000;
    const overdue = await request(server, '.github/workflows/release.yml');
    serverOffsetMs = 0;
    const id: string = overdue.approval_id;
    assert.equal((await api(server, `/approvals/${id}`)).state, 'pending', 'the server itself still calls it pending');

    await wb.clearNotifications();
    await wb.runCommand('CAVRA: Refresh Views');
    await wb.waitForTreeRow('Approvals', 'the overdue one, with the expired', (r) => r.label === 'expired (1)');
    await wb.runCommand('CAVRA: Approve');
    await wb.waitForNotification(
      'nothing to approve',
      /^No pending approvals \(1 past their expiry: run "CAVRA: Expire Overdue Approvals"\)\.$/,
    );
    assert.equal((await api(server, `/approvals/${id}`)).state, 'pending', 'nothing was sent');

    await wb.clearNotifications();
    await wb.runCommand('CAVRA: Expire Overdue Approvals');
    await wb.waitForNotification('expired on the server', new RegExp(`^Expired 1 overdue approval: ${id}\\.`));
    const expired = await api(server, `/approvals/${id}`);
    assert.equal(expired.state, 'expired');
    assert.equal(expired.history.at(-1).event, 'expired');
    assert.match(String(expired.history.at(-1).reason), /expired at /);
  });

  it('a developer asks what CAVRA would decide and requests the approval from the decision, on the server', async () => {
    await wb.clearNotifications();
    await wb.activateTab('policy.yaml');
    await wb.runCommand('CAVRA: What Would CAVRA Decide?');
    await wb.pickItem(/^What would CAVRA decide\? \(2\/4\) action on cavra-baseline$/, 'write_file');
    await wb.answerInput(/\(3\/4\) write_file target/, '.github/workflows/ci.yml');
    await wb.pickItem(/\(4\/4\) runtime policy mode/, 'enforce');
    const dialog = await wb.waitForDialog(/^REQUIRE_APPROVAL: write_file \.github\/workflows\/ci\.yml$/);
    assert.match(dialog.detail, /rule filesystem\.write\.require_approval · severity high/);
    await wb.clickDialogButton('Request Approval');
    const note = await wb.waitForNotification('requested', /^Approval apr_\w+ requested from Platform Security/);
    const id = note.match(/apr_\w+/)![0];
    const onServer = await api(server, `/approvals/${id}`);
    assert.equal(onServer.state, 'pending');
    assert.equal(onServer.requested_by, 'pat.platform');
    assert.equal(onServer.decision.target, '.github/workflows/ci.yml');
  });
});
