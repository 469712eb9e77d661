// The workflows of issue 5 in a real VS Code (code-server, the installed VSIX), driven as a person
// does: the command palette, quick picks, input boxes, tree items and their inline/context actions,
// modal dialogs and the buttons of the report webviews. Each step asserts on what the workbench shows
// and on the files the local backend writes (.cavra/approvals.json, .cavra/evidence.jsonl,
// .cavra/api/inventory.json, policies/<id>/policy.yaml + policy.yaml.sig.json).
// The screenshots in docs/images/ (README) are taken from this run.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { verifyPolicySignature } from '../../server/src/signing';
import { Workbench, repoRoot } from './workbench';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');
const CLI = join(repoRoot, 'dist', 'cli.js');
const DRAFT = 'policies/cavra-baseline/policy.draft.yaml';
const PUBLISHED = 'policies/cavra-baseline/policy.yaml';
/** `cavra.actor` in the fixture's .vscode/settings.json. */
const SETTINGS_ACTOR = 'pat.platform';
// First activation plus language-server start took 13-16 s on a 2-core machine: allow generously.
const ACTIVATION_TIMEOUT = 60_000;
const SIDE_BAR_WIDTH = 460;

interface Scenario {
  wb: Workbench;
  ws: string;
  tmp: string;
}

/** A writable copy of the fixture named acme-policies (a tidy explorer title in screenshots). */
function copyWorkspace(): { tmp: string; ws: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'cavra-e2e-ws-'));
  const ws = join(tmp, 'acme-policies');
  cpSync(FIXTURE, ws, { recursive: true });
  return { tmp, ws };
}

/** The project's CLI (dist/cli.js, built by run.sh) in the workspace; throws with its output on failure. */
function cli(ws: string, ...args: string[]): string {
  // The key home (pins) code-server's language servers read too (run.sh); else one beside the workspace copy.
  const env = { ...process.env, CAVRA_KEY_HOME: process.env.CAVRA_KEY_HOME || join(dirname(ws), 'cavra-key-home') };
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ws, encoding: 'utf8', timeout: 30_000, env });
  if (r.status !== 0) throw new Error(`cavra-policy ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function approvals(ws: string): any[] {
  const file = join(ws, '.cavra', 'approvals.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).items : [];
}

function evidence(
  ws: string,
): { seq: number; event: string; actor: string; approval_ids: string[]; details: Record<string, unknown> }[] {
  const file = join(ws, '.cavra', 'evidence.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

function fileOrNull(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** Per scenario: a fresh workspace copy and browser; a failing step leaves a screenshot and the toasts. */
function scenario(setup: (ws: string) => void, open: (s: Scenario) => Promise<void>): Scenario {
  const s = {} as Scenario;
  before(async function () {
    this.timeout(120_000);
    Object.assign(s, copyWorkspace());
    setup(s.ws);
    s.wb = await Workbench.launch();
    await s.wb.openFolder(s.ws);
    await s.wb.resizeSideBar(SIDE_BAR_WIDTH);
    await open(s);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !s.wb) return;
    if (!/screenshot: /.test(String(test.err?.message))) console.error(`  screenshot: ${await s.wb.failureShot(test.title)}`);
    console.error(`  notifications: ${JSON.stringify(await s.wb.notifications().catch(() => []))}`);
  });
  after(async () => {
    await s.wb?.close();
    if (s.tmp && process.env.CAVRA_E2E_KEEP !== '1') rmSync(s.tmp, { recursive: true, force: true });
    else if (s.tmp) console.error(`  kept workspace ${s.ws}`);
  });
  return s;
}

describe('workflows: a platform engineer publishes a pack, an IAM owner approves it', function () {
  this.timeout(180_000);
  this.bail(true); // each step builds on the previous one
  const s = scenario(
    (ws) => {
      // The signing key the publisher picks, made as the docs say (cavra-policy keygen).
      // The private key stays in the workspace's key folder, as an existing workspace has it (the
      // editor warns about it); keygen pins it in the scenario's key home, which `verify` reads.
      const keys = join(ws, '.cavra', 'policy-signing');
      cli(ws, 'keygen', '--output', keys, '--key-id', 'studio', '--private-key-dir', keys);
    },
    async ({ wb }) => {
      await wb.openFile(DRAFT);
      // The status bar item appears once the extension is active and the server has analysed the draft.
      await wb.waitForStatusBarItem('the CAVRA item for the draft', (i) => /CAVRA 4 rules/.test(i.text), ACTIVATION_TIMEOUT);
    },
  );
  let digest = '';
  let approvalId = '';

  it('previews the draft in a webview panel', async () => {
    await s.wb.runCommand('CAVRA: Preview Draft');
    const text = await s.wb.webviewText('Draft: cavra-baseline', /Draft preview: cavra-baseline/);
    assert.match(text, /\bvalid\b/);
    assert.match(text, /policies\/cavra-baseline\/policy\.draft\.yaml/);
    assert.match(text, /version\s+1\.1\.0/);
    assert.match(text, /Operator notes/);
    await s.wb.visible('the panel tab "Draft: cavra-baseline"', s.wb.editorTab('Draft: cavra-baseline'));
    // Read-only: nothing written.
    assert.equal(existsSync(join(s.ws, '.cavra', 'approvals.json')), false);
  });

  it('plans the publish: update, risk medium, the rule-by-rule changes', async () => {
    await s.wb.activateTab('policy.draft.yaml');
    await s.wb.runCommand('CAVRA: Plan Publish');
    const text = await s.wb.webviewText('Publish plan: cavra-baseline', /risk: medium/);
    assert.match(text, /\bupdate\b/);
    assert.match(text, /approval required/);
    assert.match(text, /\+ commands\.block/);
    assert.match(text, /~ filesystem\.block_read/);
    assert.match(text, /~ metadata\.version/);
    assert.match(text, /target\s+policies\/cavra-baseline\/policy\.yaml/);
    digest = text.match(/sha256:[0-9a-f]{64}/)?.[0] ?? '';
    // The digest shown is the one CAVRA binds the approval to.
    assert.equal(
      digest,
      cli(s.ws, 'digest', DRAFT)
        .trim()
        .match(/sha256:[0-9a-f]{64}/)?.[0],
    );
    await s.wb.screenshot('publish-plan');

    // The plan's secondary button: the published pack against the draft, side by side.
    await s.wb.clickWebviewButton('Publish plan: cavra-baseline', 'Diff Published ↔ Draft');
    await s.wb.visible(
      'the diff editor "cavra-baseline: published ↔ draft"',
      s.wb.page.locator('.tabs-container .tab.active', { hasText: 'cavra-baseline: published ↔ draft' }),
    );
    await s.wb.visible('a side-by-side diff', s.wb.page.locator('.editor-group-container.active .monaco-diff-editor'));
    await s.wb.activateTab('Publish plan: cavra-baseline');
  });

  it('requests approval from the plan (the approver group is mandatory)', async () => {
    await s.wb.clickWebviewButton('Publish plan: cavra-baseline', 'Request Publish Approval');
    const group = await s.wb.waitForQuickInput(/^Request Publish Approval \(1\/2\): approver group$/);
    assert.equal(group.value, 'Platform Security', 'the default of cavra.approvals.publishApproverGroup');
    await s.wb.refusedInput(/\(1\/2\): approver group/, '', /An approver group is required/);
    await s.wb.answerInput(/\(1\/2\): approver group/, 'Platform Security');
    await s.wb.refusedInput(/\(2\/2\): expiry in hours/, '0', /whole number of hours between 1 and 8760/);
    await s.wb.answerInput(/\(2\/2\): expiry in hours/, '24');
    const note = await s.wb.waitForNotification(
      'approval requested',
      /^Approval apr_\w+ requested from Platform Security for cavra-baseline \(risk medium/,
    );
    approvalId = note.match(/apr_\w+/)![0];

    const record = approvals(s.ws).find((a) => a.approval_id === approvalId);
    assert.ok(record, `${approvalId} in .cavra/approvals.json`);
    assert.equal(record.state, 'pending');
    assert.equal(record.approver_group, 'Platform Security');
    assert.equal(record.requested_by, SETTINGS_ACTOR);
    assert.equal(record.decision.action_type, 'policy_publish');
    assert.equal(record.decision.policy_digest, digest);
    assert.deepEqual(
      evidence(s.ws).map((e) => e.event),
      ['publish_request'],
    );
  });

  it('approves it from the Approvals view: inline action, the decision first, then actor, reason, reference', async () => {
    const { wb } = s;
    await wb.clearNotifications();
    await wb.showView('Approvals');
    await wb.waitForTreeRow('Approvals', 'the pending group', (r) => r.label === 'pending (1)' && r.expanded === true);
    await wb.waitForTreeRow(
      'Approvals',
      `publish cavra-baseline (${approvalId})`,
      (r) => r.label === 'publish cavra-baseline' && r.description.includes(approvalId),
    );
    await wb.treeInlineAction('Approvals', 'publish cavra-baseline', 'Approve');

    const dialog = await wb.waitForDialog(/^Approve apr_\w+\?$/);
    assert.equal(dialog.message, `Approve ${approvalId}?`);
    const lines = dialog.detail.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'action: policy_publish',
      'target: policies/cavra-baseline/policy.yaml',
      'rule: policy.publish.requires_approval',
      'severity: medium',
    ]);
    assert.match(dialog.detail, new RegExp(`digest:\\s*${digest}`));
    assert.deepEqual([...dialog.buttons].sort(), ['Approve', 'Cancel']);
    await wb.clickDialogButton('Approve');

    const actor = await wb.waitForQuickInput(new RegExp(`^Approve ${approvalId} \\(1/3\\): actor$`));
    assert.equal(actor.value, SETTINGS_ACTOR, 'the actor defaults to cavra.actor');
    await wb.answerInput(/\(1\/3\): actor/, 'ian.owner');
    await wb.refusedInput(/\(2\/3\): reason/, '   ', /A reason is required/);
    assert.equal(
      approvals(s.ws).find((a) => a.approval_id === approvalId).state,
      'pending',
      'nothing sent while the reason is missing',
    );
    await wb.answerInput(/\(2\/3\): reason/, 'Reviewed the diff: blocks key files and terraform destroy');
    await wb.answerInput(/\(3\/3\): external reference/, 'CHG-1234');
    await wb.waitForNotification('approved', new RegExp(`^${approvalId} is now approved \\(by ian\\.owner\\)`));

    const record = approvals(s.ws).find((a) => a.approval_id === approvalId);
    assert.equal(record.state, 'approved');
    assert.equal(record.decided_by, 'ian.owner');
    assert.equal(record.decision_reason, 'Reviewed the diff: blocks key files and terraform destroy');
    assert.equal(record.external_ref, 'CHG-1234');
    assert.deepEqual(
      record.history.map((h: any) => h.event),
      ['requested', 'approved'],
    );
    assert.deepEqual(
      evidence(s.ws).map((e) => e.event),
      ['publish_request', 'approve'],
    );

    // The view regroups it under "approved", with its history.
    await wb.waitForTreeRow('Approvals', 'the approved group', (r) => r.label === 'approved (1)');
    await wb.revealTreeRow(
      'Approvals',
      ['approved (1)', 'publish cavra-baseline'],
      'the approval history',
      (r) => r.label === 'approved by ian.owner' && r.description.includes('CHG-1234'),
    );
    await wb.clearNotifications();
    await wb.screenshot('approvals-view');
  });

  it('publishes signed: picks the approval and the Ed25519 key; both files written and verified', async () => {
    const { wb, ws } = s;
    await wb.activateTab('policy.draft.yaml');
    await wb.runCommand('CAVRA: Publish Signed');
    const pick = await wb.waitForQuickInput(/^Publish cavra-baseline \(1\/2\): approval$/);
    assert.equal(pick.items.length, 1, `one publish approval for cavra-baseline: ${JSON.stringify(pick.items)}`);
    await wb.pickItem(/\(1\/2\): approval/, approvalId);
    const keys = await wb.waitForQuickInput(/^Publish cavra-baseline \(2\/2\): signing key$/);
    assert.ok(
      keys.items.some((i) => i.includes('studio')),
      `the key made by keygen is offered: ${JSON.stringify(keys.items)}`,
    );
    await wb.pickItem(/\(2\/2\): signing key/, 'studio');

    const text = await wb.webviewText('Published: cavra-baseline', /signature verified/);
    const policyPath = join(ws, PUBLISHED);
    assert.ok(text.includes(policyPath), `the result names ${policyPath}`);
    assert.ok(text.includes(`${policyPath}.sig.json`), 'the result names the signature file');
    assert.match(text, new RegExp(`approval\\s+${approvalId}`));
    assert.match(text, /decided by\s+ian\.owner/);
    assert.match(text, /external reference\s+CHG-1234/);
    assert.match(text, new RegExp(`published by\\s+${SETTINGS_ACTOR}`));
    await wb.waitForNotification('published', /^Published cavra-baseline: signature verified/);

    // Both files exist; the published bytes are the approved draft's; the signature verifies with
    // the project's signing module and with `cavra-policy verify` against the public key.
    const bytes = readFileSync(policyPath);
    assert.equal(bytes.toString('utf8'), readFileSync(join(ws, DRAFT), 'utf8'));
    const sigText = readFileSync(`${policyPath}.sig.json`, 'utf8');
    const sig = JSON.parse(sigText);
    assert.equal(sig.key_id, 'studio');
    const publicKey = readFileSync(join(ws, '.cavra', 'policy-signing', 'studio.public.pem'), 'utf8');
    const verified = verifyPolicySignature(bytes, sigText, { publicKeyPems: [publicKey] });
    assert.equal(verified.ok, true, verified.message);
    assert.match(
      cli(ws, 'verify', PUBLISHED, '--public-key', join(ws, '.cavra', 'policy-signing', 'studio.public.pem')),
      /verif/i,
    );
    assert.deepEqual(
      evidence(ws).map((e) => e.event),
      ['publish_request', 'approve', 'publish'],
    );
    assert.deepEqual(evidence(ws).at(-1)!.approval_ids, [approvalId]);
    await wb.clearNotifications();
    await wb.screenshot('publish-result');
  });

  it('shows the pack as signed in Policy Packs and an intact chain in Evidence', async () => {
    const { wb } = s;
    await wb.showView('Policy Packs');
    await wb.waitForTreeRow(
      'Policy Packs',
      'cavra-baseline signed',
      (r) => r.label === 'cavra-baseline' && /^1\.1\.0 · 4 rules · signed$/.test(r.description),
    );
    await wb.waitForTreeRow(
      'Policy Packs',
      'cavra-payments unsigned',
      (r) => r.label === 'cavra-payments' && /unsigned/.test(r.description),
    );
    await wb.screenshot('packs-view');

    await wb.showView('Evidence');
    await wb.runCommand('CAVRA: Verify Evidence Chain');
    await wb.waitForNotification('evidence verified', /^Evidence chain intact: 3 records/);
    const rows = await wb.waitFor(
      'three evidence records, newest first',
      async () => {
        const r = await wb.treeRows('Evidence');
        return r.length === 3 ? r : undefined;
      },
      10_000,
    );
    assert.deepEqual(
      rows.map((r) => r.label),
      ['#3 publish', '#2 approve', '#1 publish_request'],
    );
    assert.match(rows[1].description, /^ian\.owner · /);
    await wb.clearNotifications();
    await wb.screenshot('evidence-view');
  });

  it('exports the evidence bundle from Policy Packs; it verifies offline against the key pin (cavra-policy bundle verify)', async () => {
    const { wb, ws } = s;
    await wb.showView('Policy Packs');
    await wb.treeContextMenu('Policy Packs', 'cavra-baseline', 'Export Evidence Bundle');
    // code-server's save dialog is VS Code's simple file dialog: a quick input holding the path. It shows
    // the folder first and puts the file name in after it has read the folder (CI once read it in between).
    await wb.waitForQuickInput(/Export Evidence Bundle/);
    const save = await wb
      .waitFor(
        'the default file name in the save dialog',
        async () => {
          const state = await wb.quickInputState();
          return /cavra-baseline\.evidence-bundle\.json$/.test(state.value) ? state : undefined;
        },
        10_000,
      )
      .catch(async (e) => {
        throw new Error(`${(e as Error).message}\n  quick input seen: ${JSON.stringify(await wb.quickInputState())}`);
      });
    await wb.answerInput(/Export Evidence Bundle/, save.value);
    const note = await wb.waitForNotification(
      'the bundle written',
      new RegExp(
        `^Evidence bundle of cavra-baseline \\(approval ${approvalId}, \\d+ evidence records\\) written to .*cavra-baseline\\.evidence-bundle\\.json\\. ` +
          'Check it with: cavra-policy bundle verify FILE --trusted-key-fingerprint sha256:[0-9a-f]{64}',
      ),
    );
    const pin = /--trusted-key-fingerprint (sha256:[0-9a-f]{64})/.exec(note)![1];
    const bundle = join(ws, 'cavra-baseline.evidence-bundle.json');
    assert.match(cli(ws, 'bundle', 'verify', bundle, '--trusted-key-fingerprint', pin), /^VERIFIED /m);
    await wb.clearNotifications();
  });

  it("an auditor opens the pack's history: every event in order, the chain verified, the PR summary copied", async () => {
    const { wb } = s;
    await wb.showView('Policy Packs');
    await wb.treeContextMenu('Policy Packs', 'cavra-baseline', 'Show Pack History');
    const text = await wb.webviewText('History: cavra-baseline', /In time order \(3\)/);
    assert.match(text, /chain: verified/);
    assert.match(text, /evidence log intact/);
    // The table's rows: when, what, who, details (tab-separated in the webview's text).
    const rows = text.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    assert.deepEqual(
      rows.map((r) => r.split('\t')[1].replace(/ apr_\w+.*$/, '')),
      ['approval requested (publish)', 'approved', 'publish'],
      `in time order: ${text}`,
    );
    assert.deepEqual(
      rows.map((r) => r.split('\t')[2]),
      [SETTINGS_ACTOR, 'ian.owner', SETTINGS_ACTOR],
    );
    assert.match(text, /reason: Reviewed the diff: blocks key files and terraform destroy · ref CHG-1234/);
    await wb.clickWebviewButton('History: cavra-baseline', 'Copy PR Summary');
    await wb.waitForNotification('the summary copied', /^Pull-request summary copied \(Markdown\)\.$/);
    await wb.clearNotifications();
  });

  it('editing the published file: "modified since signed" in Problems and the status bar', async () => {
    const { wb, ws } = s;
    await wb.openFile(PUBLISHED);
    const signed = await wb.waitForStatusBarItem('signed', (i) => /CAVRA 4 rules · signed · local/.test(i.text));
    assert.ok(signed);
    await wb.screenshot('status-bar', wb.page.locator('.part.statusbar'));

    await wb.insertText(1, 1, '# edited after signing\n');
    const p = await wb.waitForProblem(
      'signature-mismatch on line 1 of the published policy.yaml',
      (x) => x.code === 'signature-mismatch' && x.line === 1 && x.file === 'policy.yaml' && x.severity === 'Error',
    );
    assert.equal(p.source, 'cavra');
    assert.match(p.message, /modified since it was signed/);
    await wb.waitForStatusBarItem('modified since signed', (i) => /CAVRA 4 rules · modified since signed/.test(i.text));

    // Saved, the pack's state in the view follows; the signature file is untouched.
    const sigBefore = readFileSync(join(ws, `${PUBLISHED}.sig.json`), 'utf8');
    await wb.save();
    await wb.showView('Policy Packs');
    await wb.waitForTreeRow(
      'Policy Packs',
      'cavra-baseline modified since signed',
      (r) => r.label === 'cavra-baseline' && /modified since signed/.test(r.description),
    );
    assert.equal(readFileSync(join(ws, `${PUBLISHED}.sig.json`), 'utf8'), sigBefore);
    assert.throws(
      () => cli(ws, 'verify', PUBLISHED, '--public-key', join(ws, '.cavra', 'policy-signing', 'studio.public.pem')),
      /digest mismatch|modified|changed/i,
    );
    // Signing the edit again with the same key makes the signature valid, but nobody approved these bytes:
    // the chain says so in Problems and in Policy Packs, and verify fails.
    cli(ws, 'sign', PUBLISHED, '--private-key', join(ws, '.cavra', 'policy-signing', 'studio.private.pem'), '--key-id', 'studio');
    const chain = await wb.waitForProblem(
      'publish-provenance on the re-signed policy.yaml',
      (x) =>
        x.code === 'publish-provenance' &&
        x.file === 'policy.yaml' &&
        x.severity === 'Error' &&
        /signed outside an approval/.test(x.message),
    );
    assert.doesNotMatch(chain.message, /modified since it was signed/, 'the signature itself is valid again');
    await wb.showView('Policy Packs');
    await wb.waitForTreeRow(
      'Policy Packs',
      'cavra-baseline signed outside an approval',
      (r) => r.label === 'cavra-baseline' && /signed outside an approval/.test(r.description),
    );
    assert.throws(
      () => cli(ws, 'verify', PUBLISHED, '--public-key', join(ws, '.cavra', 'policy-signing', 'studio.public.pem')),
      /signed outside an approval/,
    );
  });
});

describe('workflows: an incident commander breaks glass', function () {
  this.timeout(180_000);
  this.bail(true); // each step builds on the previous one
  const DECISION = {
    decision_id: 'dec_terraform_apply_prod',
    session_id: 'sess-incident-42',
    agent_id: 'deploy-agent',
    actor: 'deploy-agent',
    repository: 'payments/api',
    action_type: 'shell_command',
    target: 'terraform apply -auto-approve prod',
    decision: 'require_approval',
    severity: 'high',
    policy_pack: 'cavra-payments',
    rule_id: 'commands.require_approval',
    reason: 'Production infrastructure changes need approval.',
    approver_group: 'Change Advisory Board',
  };
  const LABEL = 'shell_command terraform apply -auto-approve prod';
  let pendingId = '';
  const s = scenario(
    (ws) => {
      // An agent's action waiting for approval, as CAVRA's runtime would have filed it.
      const file = join(ws, '..', 'decision.json');
      writeFileSync(file, JSON.stringify(DECISION));
      pendingId = JSON.parse(cli(ws, 'approval', 'create', file, '--requested-by', 'deploy-agent', '--json')).approval_id;
    },
    async ({ wb }) => {
      await wb.showView('Approvals');
      await wb.waitForTreeRow('Approvals', 'the pending decision', (r) => r.label === LABEL, ACTIVATION_TIMEOUT);
    },
  );

  it('refuses a break-glass without a reason: the input says so and nothing is recorded', async () => {
    const { wb, ws } = s;
    const store = readFileSync(join(ws, '.cavra', 'approvals.json'));
    const chain = fileOrNull(join(ws, '.cavra', 'evidence.jsonl'));
    await wb.runCommand('CAVRA: Break Glass');
    await wb.pickItem(/^Break Glass: which decision\?$/, "A pending approval's decision");
    await wb.pickItem(/^Break Glass: pending decision$/, LABEL);
    const actor = await wb.waitForQuickInput(/^Break Glass \(1\/5\): actor$/);
    assert.equal(actor.value, SETTINGS_ACTOR);
    await wb.answerInput(/\(1\/5\): actor/, 'ines.commander');
    const refused = await wb.refusedInput(/^Break Glass \(2\/5\): reason$/, '', /A reason is required/);
    assert.equal(refused.invalid, true);
    await wb.refusedInput(/^Break Glass \(2\/5\): reason$/, '   ', /A reason is required/);
    await wb.cancelQuickInput();
    assert.deepEqual(readFileSync(join(ws, '.cavra', 'approvals.json')), store, '.cavra/approvals.json unchanged');
    assert.equal(fileOrNull(join(ws, '.cavra', 'evidence.jsonl')), chain, 'no evidence recorded');
    assert.deepEqual(
      approvals(ws).map((a) => a.state),
      ['pending'],
    );
    assert.equal(
      (await wb.notifications()).some((n) => /Break-glass apr_/.test(n)),
      false,
    );
  });

  it('records a break-glass with every field, from the Approvals view context menu', async () => {
    const { wb, ws } = s;
    await wb.showView('Approvals');
    await wb.treeContextMenu('Approvals', LABEL, 'Break Glass');
    await wb.answerInput(/^Break Glass \(1\/5\): actor$/, 'ines.commander');
    await wb.answerInput(/^Break Glass \(2\/5\): reason$/, 'Payments outage INC-777: the rollback must go out now');
    const group = await wb.waitForQuickInput(/^Break Glass \(3\/5\): approver group$/);
    assert.equal(group.value, 'Change Advisory Board');
    await wb.refusedInput(/\(3\/5\): approver group/, '', /An approver group is required/);
    await wb.answerInput(/\(3\/5\): approver group/, 'Change Advisory Board');
    const ttl = await wb.waitForQuickInput(/^Break Glass \(4\/5\): expiry in hours$/);
    assert.equal(ttl.value, '4', 'the default of cavra.approvals.breakGlassTtlHours');
    await wb.refusedInput(/\(4\/5\): expiry in hours/, '100', /whole number of hours from 1 to 72/);
    await wb.answerInput(/\(4\/5\): expiry in hours/, '2');
    await wb.answerInput(/^Break Glass \(5\/5\): incident or change reference \(optional\)$/, 'INC-777');

    const dialog = await wb.waitForDialog(/^Break glass\?/);
    for (const line of [
      'decision dec_terraform_apply_prod',
      `${LABEL}`,
      'actor: ines.commander',
      'reason: Payments outage INC-777: the rollback must go out now',
      'approver group: Change Advisory Board',
      'expires in: 2 h',
      'reference: INC-777',
    ]) {
      assert.ok(dialog.detail.split('\n').includes(line), `the confirmation shows "${line}":\n${dialog.detail}`);
    }
    await wb.clickDialogButton('Break Glass');
    const note = await wb.waitForNotification(
      'break-glass recorded',
      /^Break-glass apr_\w+ recorded for dec_terraform_apply_prod/,
    );
    const id = note.match(/apr_\w+/)![0];

    const record = approvals(ws).find((a) => a.approval_id === id);
    assert.ok(record, `${id} in .cavra/approvals.json`);
    assert.equal(record.state, 'break_glass');
    assert.equal(record.break_glass, true);
    assert.equal(record.approver_group, 'Change Advisory Board');
    assert.equal(record.external_ref, 'INC-777');
    assert.equal(record.decision.decision_id, 'dec_terraform_apply_prod');
    assert.match(JSON.stringify(record), /Payments outage INC-777: the rollback must go out now/);
    const hours = (Date.parse(record.expires_at) - Date.now()) / 3_600_000;
    assert.ok(hours > 1.5 && hours <= 2, `expires in about 2 h (${record.expires_at})`);
    assert.equal(evidence(ws).at(-1)!.event, 'break_glass');
    await wb.waitForTreeRow('Approvals', 'the break-glass group', (r) => r.label === 'break-glass (1)');
    assert.ok(pendingId);
  });
});

describe('workflows: a security engineer plans and applies a rollout change', function () {
  this.timeout(180_000);
  this.bail(true); // each step builds on the previous one
  const ROLLOUT = 'payments/api:cavra-baseline';
  const s = scenario(
    () => undefined,
    async ({ wb }) => {
      await wb.showView('Rollouts');
      // Activation: the packs view lists the catalog once the language server answers.
      await wb.showView('Policy Packs');
      await wb.waitForTreeRow('Policy Packs', 'the catalog', (r) => r.label === 'cavra-baseline', ACTIVATION_TIMEOUT);
    },
  );

  it('plans it in seven steps and shows before/after, risk and the approval requirement', async () => {
    const { wb, ws } = s;
    await wb.runCommand('CAVRA: Plan Rollout Change');
    await wb.refusedInput(/^Rollout change \(1\/7\): repository$/, '', /policy rollout must include repository/);
    await wb.answerInput(/\(1\/7\): repository/, 'payments/api');
    const packs = await wb.waitForQuickInput(/^Rollout change \(2\/7\): policy pack$/);
    assert.deepEqual(packs.items, ['cavra-baseline', 'cavra-payments']);
    await wb.pickItem(/\(2\/7\): policy pack/, 'cavra-baseline');
    const modes = await wb.waitForQuickInput(/^Rollout change \(3\/7\): mode$/);
    assert.deepEqual(modes.items, ['audit_only', 'enforce', 'strict', 'break_glass']);
    await wb.pickItem(/\(3\/7\): mode/, /^strict$/);
    await wb.pickItem(/^Rollout change \(4\/7\): state$/, /^active$/);
    await wb.answerInput(/^Rollout change \(5\/7\): owner$/, 'payments-team');
    await wb.refusedInput(/^Rollout change \(6\/7\): coverage percent$/, '150', /A whole number from 0 to 100/);
    await wb.answerInput(/\(6\/7\): coverage percent/, '25');
    await wb.answerInput(/^Rollout change \(7\/7\): policy version$/, '1.1.0');

    const text = await wb.webviewText(`Rollout plan: ${ROLLOUT}`, /Rollout change plan/);
    assert.match(text, /risk: (low|medium|high|critical)/);
    assert.match(text, /\bcreate\b/);
    assert.match(text, /approval required/);
    for (const [field, after] of [
      ['mode', 'strict'],
      ['state', 'active'],
      ['owner', 'payments-team'],
      ['coverage_percent', '25'],
      ['policy_version', '1.1.0'],
      ['repository', 'payments/api'],
    ]) {
      assert.match(
        text,
        new RegExp(`${field}\\s+—\\s+${after.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
        `changed field ${field} → ${after}`,
      );
    }
    assert.equal(existsSync(join(ws, '.cavra', 'api', 'inventory.json')), false, 'a plan writes nothing');
    await wb.screenshot('rollout-plan');

    // The rollout record before ↔ after in a diff editor (virtual documents).
    await wb.clickWebviewButton(`Rollout plan: ${ROLLOUT}`, 'Diff before ↔ after');
    await wb.visible(
      'the diff editor of the rollout record',
      wb.page.locator('.tabs-container .tab.active', { hasText: `${ROLLOUT}: rollout before ↔ after` }),
    );
    await wb.visible('a side-by-side diff', wb.page.locator('.editor-group-container.active .monaco-diff-editor'));
    await wb.activateTab(`Rollout plan: ${ROLLOUT}`);
  });

  let rolloutApproval = '';

  it('requests an approval bound to this change from the plan; the change manager approves it', async () => {
    const { wb, ws } = s;
    await wb.clickWebviewButton(`Rollout plan: ${ROLLOUT}`, 'Request Approval');
    const said = await wb.waitForNotification(
      'the rollout approval requested',
      /^Approval apr_\w+ requested for rollout payments\/api:cavra-baseline from /,
    );
    rolloutApproval = /Approval (apr_\w+)/.exec(said)![1];
    const requested = approvals(ws).find((a) => a.approval_id === rolloutApproval);
    assert.equal(requested.state, 'pending');
    assert.equal(requested.decision.action_type, 'policy_rollout');
    assert.equal(requested.decision.target, ROLLOUT);
    assert.match(String(requested.decision.rollout_change_digest), /^sha256:[0-9a-f]{64}$/, 'bound to the change by its digest');
    assert.equal(existsSync(join(ws, '.cavra', 'api', 'inventory.json')), false, 'requesting writes no rollout');

    await wb.showView('Approvals');
    await wb.waitForTreeRow('Approvals', `policy_rollout ${ROLLOUT}`, (r) => r.label === `policy_rollout ${ROLLOUT}`);
    await wb.treeInlineAction('Approvals', `policy_rollout ${ROLLOUT}`, 'Approve');
    await wb.waitForDialog(new RegExp(`^Approve ${rolloutApproval}\\?$`));
    await wb.clickDialogButton('Approve');
    await wb.answerInput(/\(1\/3\): actor/, 'carla.change');
    await wb.answerInput(/\(2\/3\): reason/, 'Strict mode for payments/api at 25% as planned');
    await wb.answerInput(/\(3\/3\): external reference/, 'CHG-2001');
    await wb.waitForNotification('approved', new RegExp(`^${rolloutApproval} is now approved \\(by carla\\.change\\)`));
  });

  it('applies it from the plan under that approval after the confirmation; the inventory and the evidence name it', async () => {
    const { wb, ws } = s;
    await wb.activateTab(`Rollout plan: ${ROLLOUT}`);
    await wb.clickWebviewButton(`Rollout plan: ${ROLLOUT}`, 'Apply Rollout Change');
    const offered = await wb.pickItem(/^Approval for rollout payments\/api:cavra-baseline$/, new RegExp(rolloutApproval));
    assert.ok(
      offered.items.some((label) => /Apply without approval/.test(label)),
      `applying knowingly without approval is offered too: ${JSON.stringify(offered.items)}`,
    );
    const dialog = await wb.waitForDialog(new RegExp(`^Apply rollout change to ${ROLLOUT.replace('/', '\\/')}\\?$`));
    assert.match(dialog.detail, /Approval is required for this change \(risk \w+, mode strict\)/);
    assert.match(dialog.detail, new RegExp(`Applied under approval ${rolloutApproval}\\.`));
    assert.match(dialog.detail, /mode: null → "strict"/);
    await wb.clickDialogButton('Apply');
    await wb.webviewText(
      `Rollout applied: ${ROLLOUT}`,
      /Rollout change applied: payments\/api:cavra-baseline[\s\S]*Stored rollout record updated/,
    );

    const inventory = JSON.parse(readFileSync(join(ws, '.cavra', 'api', 'inventory.json'), 'utf8'));
    const record = inventory.policy_rollouts.find((r: any) => r.rollout_id === ROLLOUT);
    assert.ok(record, `${ROLLOUT} in .cavra/api/inventory.json: ${JSON.stringify(inventory)}`);
    assert.deepEqual(
      {
        repository: record.repository,
        policy_pack: record.policy_pack,
        mode: record.mode,
        state: record.state,
        owner: record.owner,
        coverage_percent: record.coverage_percent,
        policy_version: record.policy_version,
      },
      {
        repository: 'payments/api',
        policy_pack: 'cavra-baseline',
        mode: 'strict',
        state: 'active',
        owner: 'payments-team',
        coverage_percent: 25,
        policy_version: '1.1.0',
      },
    );
    assert.ok(
      record.evidence_refs.includes(`approval:${rolloutApproval}`),
      `the record names its approval: ${record.evidence_refs}`,
    );
    const applied = evidence(ws).at(-1)!;
    assert.equal(applied.event, 'rollout_apply');
    assert.deepEqual(applied.approval_ids, [rolloutApproval], 'the evidence names the approval it was applied under');
    assert.equal(applied.actor, SETTINGS_ACTOR, 'who applied it (cavra.actor) is in the evidence, never null');
    await wb.showView('Rollouts');
    await wb.waitForTreeRow(
      'Rollouts',
      ROLLOUT,
      (r) => r.label === ROLLOUT && r.description === 'cavra-baseline · strict · active · 25%',
    );
  });
});
