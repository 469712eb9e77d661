// The impact on recorded activity travels with the change, through the CLI process: `request --decisions`
// keeps it on the approval and in the request's evidence record (the approver reads it with `approval get`),
// `publish` copies it into the publish's evidence record, and `attest` puts it in the Markdown and the signed
// in-toto predicate: as approved, or replayed again from --base with `attest --decisions`. The log is the
// impact scenario's (test/cli/impactScenario.ts): its transitions are known by construction.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { PUBLISHABLE_APP as APP, publishableScenario, type ScenarioRecord } from './impactScenario';

interface Summary {
  decision_log: string;
  log_sha256: string;
  records: number;
  replayed: number;
  changed: number;
  transitions: { transition: string; count: number }[];
  changed_by_action_type: Record<string, number>;
  changes: { line: number; transition: string; because: string }[];
  first_timestamp: string | null;
  agreement: { compared: number; agreed: number };
}

function git(root: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}

/** The changed transitions, added up from the scenario's categories (not from the tool). */
function expectedTransitions(records: ScenarioRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) {
    const [from, to] = [r.category.published.decision, r.category.draft.decision];
    if (from !== to) out.set(`${from} → ${to}`, (out.get(`${from} → ${to}`) ?? 0) + 1);
  }
  return out;
}

const evidence = (ws: TempWorkspace) =>
  readFileSync(join(ws.root, '.cavra', 'evidence.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; approval_ids: string[]; details: Record<string, unknown> });

describe('impact on recorded activity with the publish request, its evidence and the PR attestation', function () {
  this.timeout(120_000);
  const scenario = publishableScenario(60); // 19 categories: 1,140 decisions
  const log = `${scenario.logLines.join('\n')}\n`;
  const want = expectedTransitions(scenario.records);
  const wantChanged = [...want.values()].reduce((a, b) => a + b, 0);
  const key = ['--private-key', 'keys/release.private.pem', '--key-id', 'release'];
  let ws: TempWorkspace;
  let approvalId: string;
  let requested: Summary;

  before(() => {
    ws = tempWorkspace({ ...scenario.files, 'logs/decisions.jsonl': log });
    git(ws.root, 'init', '-q');
    git(ws.root, 'add', '-A');
    git(ws.root, 'commit', '-qm', 'base');
    cliJson(ws.root, [
      'keygen',
      '--output',
      'keys',
      '--private-key-dir',
      'keys',
      '--allow-private-key-in-repository',
      '--key-id',
      'release',
    ]);
  });
  after(() => ws.remove());

  it('request --decisions keeps the summary on the approval: transitions by construction, the log named with its SHA-256', () => {
    const r = cliJson<{ approval: { approval_id: string; impact_summary: Summary } }>(ws.root, [
      'request',
      scenario.draftPath,
      '--decisions',
      'logs/decisions.jsonl',
    ]);
    approvalId = r.approval.approval_id;
    requested = r.approval.impact_summary;
    assert.equal(requested.decision_log, 'logs/decisions.jsonl');
    assert.equal(requested.log_sha256, `sha256:${createHash('sha256').update(log).digest('hex')}`);
    assert.equal(requested.records, scenario.records.length);
    assert.equal(requested.replayed, scenario.records.length);
    assert.equal(requested.changed, wantChanged);
    assert.deepEqual(new Map(requested.transitions.map((t) => [t.transition, t.count])), want);
    assert.equal(requested.changes.length, 10, 'the first ten changed decisions travel; the counts stay whole');
    assert.ok(
      requested.changes.some((c) => /\(drafts\/cavra-impact-app\.yaml:\d+\)$/.test(c.because)),
      JSON.stringify(requested.changes),
    );
    assert.equal(requested.agreement.agreed, scenario.records.length);
  });

  it("the request's evidence record keeps the same summary, and the approver reads it with approval get", () => {
    const record = evidence(ws).find((e) => e.event === 'publish_request' && e.approval_ids.includes(approvalId))!;
    assert.deepEqual(record.details.impact_summary, requested);
    const shown = cli(ws.root, ['approval', 'get', approvalId]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(
      shown.stdout,
      new RegExp(
        `Impact on recorded activity: ${wantChanged.toLocaleString('en-US')} of ${scenario.records.length.toLocaleString('en-US')} recorded decisions change \\(logs/decisions\\.jsonl`,
      ),
    );
    assert.match(shown.stdout, /Transitions: .*allow → block \d+/);
  });

  it("publish copies the approved summary into the publish's evidence record", () => {
    assert.equal(cli(ws.root, ['approval', 'approve', approvalId, '--actor', 'alice', '--reason', 'impact read']).status, 0);
    const r = cli(ws.root, ['publish', scenario.draftPath, '--approval', approvalId, ...key]);
    assert.equal(r.status, 0, r.stderr);
    const record = evidence(ws).find((e) => e.event === 'publish' && e.approval_ids.includes(approvalId))!;
    assert.deepEqual(record.details.impact_summary, requested);
  });

  it('attest puts the approved impact in the Markdown and the signed predicate', () => {
    const r = cli(ws.root, ['attest', '--base', 'HEAD', '--output-dir', 'out', '--attestation-key', 'keys/release.private.pem']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${APP}: .*; ${wantChanged} of ${scenario.records.length} recorded decisions change`));
    const md = readFileSync(join(ws.root, 'out', 'cavra-attestation.md'), 'utf8');
    assert.match(
      md,
      /- impact on recorded activity: [\d,]+ of [\d,]+ recorded decisions change \(.*\) \(as requested and approved\):\n\n```text\nTransitions: /,
    );
    const statement = statementIn(ws);
    const pack = statement.predicate.packs.find((p) => p.policy_id === APP)!;
    assert.equal(pack.impact_source, 'publish_record');
    assert.deepEqual(pack.impact, requested);
  });

  it('attest --decisions replays the pack at --base against its bytes now: the same transitions, measured again', () => {
    const r = cli(ws.root, [
      'attest',
      '--base',
      'HEAD',
      '--decisions',
      'logs/decisions.jsonl',
      '--output-dir',
      'out2',
      '--attestation-key',
      'keys/release.private.pem',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const pack = statementIn(ws, 'out2').predicate.packs.find((p) => p.policy_id === APP)!;
    assert.equal(pack.impact_source, 'attest');
    assert.deepEqual(new Map(pack.impact!.transitions.map((t) => [t.transition, t.count])), want);
    assert.equal(pack.impact!.log_sha256, requested.log_sha256);
    // The causes now point at the published file (the draft's bytes were published), not the draft file.
    assert.ok(
      pack.impact!.changes.some((c) => c.because.includes(`policies/${APP}/policy.yaml:`)),
      JSON.stringify(pack.impact!.changes),
    );
    const md = readFileSync(join(ws.root, 'out2', 'cavra-attestation.md'), 'utf8');
    assert.match(md, /\(replayed for this attestation\)/);
  });

  it('usage: attest --decisions without --base, a missing log on request or attest: exit 2 naming the problem', () => {
    const noBase = cli(ws.root, ['attest', '--packs', APP, '--decisions', 'logs/decisions.jsonl']);
    assert.equal(noBase.status, 2);
    assert.match(noBase.stderr, /--decisions needs --base GITREF/);
    const missing = cli(ws.root, ['request', scenario.draftPath, '--decisions', 'logs/missing.jsonl']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /logs\/missing\.jsonl/);
    const attestMissing = cli(ws.root, [
      'attest',
      '--base',
      'HEAD',
      '--decisions',
      'nope.jsonl',
      '--attestation-key',
      'keys/release.private.pem',
    ]);
    assert.equal(attestMissing.status, 2);
    assert.match(attestMissing.stderr, /nope\.jsonl/);
  });
});

interface Statement {
  predicate: { packs: { policy_id: string; impact?: Summary; impact_source?: string }[] };
}

function statementIn(ws: TempWorkspace, dir = 'out'): Statement {
  const envelope = JSON.parse(readFileSync(join(ws.root, dir, 'cavra-attestation.intoto.json'), 'utf8')) as { payload: string };
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
}
