// Issue 16 in a real VS Code (code-server, the installed VSIX): a team that turned on OIDC. The IAM
// owner sets the actor token once; the server verifies it and its groups become "Waiting for me"; a
// developer's request (made with the CLI, as from another machine) raises a notification, and the
// owner approves from it without being asked for the token again; the evidence records the verified
// actor. The change manager denies the next one with a reason. Tokens are signed here with a fresh
// key, their times relative to now, so the scenario holds on any day.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCE, ISSUER, makeKey, sign } from '../unit/actor/fixtures';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const CLI = join(repoRoot, 'dist', 'cli.js');
const ACTIVATION_TIMEOUT = 60_000;
// CAVRA routes a write under iam/ to the IAM group (CAVRA's default routing rules, SPEC 4.1 notes), over what the decision names.
const GROUP = 'IAM';

function approvals(ws: string): any[] {
  const file = join(ws, '.cavra', 'approvals.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).items : [];
}

function evidence(ws: string): any[] {
  const file = join(ws, '.cavra', 'evidence.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** A developer's request, made with the CLI from a decision file (the seeds' `approval create`). */
function requestFromCli(ws: string, n: number, target: string): string {
  const file = join(ws, '..', `decision-${n}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      decision_id: `dec_inbox_${n}_${Date.now()}`,
      action_type: 'write_file',
      target,
      decision: 'require_approval',
      rule_id: 'filesystem.write.require_approval',
      severity: 'high',
      approver_group: GROUP,
      policy_pack: 'cavra-baseline',
      reason: 'IAM changes need an owner',
    }),
  );
  const out = execFileSync(
    process.execPath,
    [CLI, 'approval', 'create', file, '--requested-by', 'dev.agent', '--json', '--root', ws],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out).approval_id;
}

describe('an approver with a verified token: asked once, notified, approves; a change manager denies', function () {
  this.timeout(180_000);
  this.bail(true);
  let wb: Workbench;
  let tmp = '';
  let ws = '';
  let token = '';

  before(async function () {
    this.timeout(120_000);
    tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-inbox-'));
    ws = join(tmp, 'acme-policies');
    cpSync(FIXTURE, ws, { recursive: true });
    const key = await makeKey('k-e2e');
    const now = Math.floor(Date.now() / 1000);
    token = await sign(key, { email: 'ian.owner@example.com', groups: [GROUP], iat: now, exp: now + 3600 });
    mkdirSync(join(ws, '.cavra', 'keys'), { recursive: true });
    writeFileSync(join(ws, '.cavra', 'keys', 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }));
    writeFileSync(
      join(ws, '.cavra', 'oidc.json'),
      JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwks_path: 'keys/jwks.json', leeway_seconds: 60 }),
    );
    writeFileSync(
      join(ws, '.vscode', 'settings.json'),
      JSON.stringify({ 'cavra.actor': 'pat.platform', 'cavra.auth.oidcConfig': '.cavra/oidc.json' }, null, 2),
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

  it('asks once for the actor token (a password box) and shows who the server says it is', async () => {
    await wb.runCommand('CAVRA: Set Actor Token');
    const box = await wb.answerInput(/^CAVRA actor token$/, token);
    assert.match(box.message, /OIDC token \(RS256 JWT\) from https:\/\/login\.example/);
    await wb.waitForNotification(
      'the verified actor',
      /^Verified actor: ian\.owner@example\.com; groups: IAM; issuer https:\/\/login\.example/,
    );
    assert.ok(!JSON.stringify(await wb.notifications()).includes(token), 'the token is never shown');
  });

  it("the token's groups are mine: a developer's new request raises a notification and waits for me", async () => {
    await wb.showView('Approvals');
    // The first look sets what is already known; a request after it is new.
    await wb.waitForTreeRow('Approvals', 'the empty inbox', (r) => r.label === 'Waiting for me (0)');
    const id = requestFromCli(ws, 1, 'iam/admin-role.tf');
    await wb.waitForNotification(
      'the new approval for my group',
      new RegExp(`^New approval for IAM: write_file iam/admin-role\\.tf \\(${id}, requested by dev\\.agent\\)`),
    );
    await wb.waitForTreeRow('Approvals', 'one waiting for me', (r) => r.label === 'Waiting for me (1)');
  });

  it('approves from the notification; the token is not asked again and the evidence records the verified actor', async () => {
    const id = approvals(ws).at(-1).approval_id;
    await wb.clickNotificationButton(new RegExp(`^New approval for IAM: .*\\(${id},`), 'Approve');
    await wb.waitForDialog(new RegExp(`^Approve ${id}\\?$`));
    await wb.clickDialogButton('Approve');
    await wb.answerInput(/\(1\/3\): actor/, 'ian');
    await wb.answerInput(/\(2\/3\): reason/, 'Scoped to the admin role; reviewed with the requester');
    // The next box is the reference, not the token: the stored token was sent.
    await wb.answerInput(/\(3\/3\): external reference/, 'CHG-3001');
    await wb.waitForNotification('approved', new RegExp(`^${id} is now approved \\(by ian\\.owner@example\\.com\\)`));
    const record = approvals(ws).find((a) => a.approval_id === id);
    assert.equal(record.state, 'approved');
    assert.equal(record.decided_by, 'ian.owner@example.com', 'the token, not the typed name, says who decided');
    const approved = evidence(ws).at(-1);
    assert.equal(approved.event, 'approve');
    assert.equal(approved.actor, 'ian.owner@example.com');
    assert.equal(approved.actor_context?.issuer, ISSUER);
    assert.deepEqual(approved.actor_context?.groups, [GROUP]);
    assert.ok(!readFileSync(join(ws, '.cavra', 'evidence.jsonl'), 'utf8').includes(token), 'the token is not in the evidence');
    await wb.waitForTreeRow('Approvals', 'nothing waits any more', (r) => r.label === 'Waiting for me (0)');
  });

  it("denies the next request with a reason from the Approvals view (the change manager's flow)", async () => {
    const id = requestFromCli(ws, 2, 'iam/break-glass-role.tf');
    await wb.waitForTreeRow('Approvals', 'one waiting for me', (r) => r.label === 'Waiting for me (1)');
    await wb.treeInlineAction('Approvals', 'write_file iam/break-glass-role.tf', 'Deny');
    await wb.waitForDialog(new RegExp(`^Deny ${id}\\?$`));
    await wb.clickDialogButton('Deny');
    await wb.answerInput(/\(1\/3\): actor/, 'carla');
    await wb.refusedInput(/\(2\/3\): reason/, '  ', /A reason is required/);
    await wb.answerInput(/\(2\/3\): reason/, 'A standing break-glass role is against policy');
    await wb.answerInput(/\(3\/3\): external reference/, 'CHG-3002');
    await wb.waitForNotification('denied', new RegExp(`^${id} is now denied`));
    const record = approvals(ws).find((a) => a.approval_id === id);
    assert.equal(record.state, 'denied');
    assert.equal(record.decision_reason, 'A standing break-glass role is against policy');
    assert.equal(record.external_ref, 'CHG-3002');
  });
});
