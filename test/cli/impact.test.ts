// impact through the CLI process: a log of thousands of decisions over every action type whose transitions
// are known by construction (impactScenario.ts), CAVRA's own golden decisions replayed case by case, mode
// changes, and bad logs that give counts and messages, never a crash.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { CLI, cli } from './cliProcess';
import { APP, entryLineOf, impactScenario, type Scenario, type ScenarioRecord } from './impactScenario';

interface Group {
  replayed: number;
  changed: number;
  transitions: Record<string, number>;
}
interface Cause {
  kind: string;
  list?: string;
  entry?: string;
  pack?: string;
  file?: string;
  line?: number;
  from?: string;
  to?: string;
}
interface Report {
  log: {
    records: number;
    format: string;
    problems: Record<string, number>;
    listed: { line: number; kind: string; message: string }[];
    stopped?: string;
  };
  replayed: number;
  changed: number;
  skipped: Record<string, number>;
  transitions: { transition: string; count: number; changed: boolean }[];
  by_action_type: Record<string, Group>;
  by_repository: Record<string, Group>;
  by_agent: Record<string, Group>;
  changes: {
    line: number;
    action_type: string;
    target: string;
    transition: string;
    cause: Cause;
    draft: { rule_id: string; severity: string };
  }[];
  agreement: {
    compared: number;
    agreed: number;
    disagreed: number;
    disagreements: { line: number; fields: Record<string, [string, string]> }[];
  };
}

/** The CLI with room for a large --json answer (the shared helper keeps Node's 1 MB default). */
function run(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CAVRA_')) env[k] = v;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function impactJson(cwd: string, args: string[], expectStatus = 0): Report {
  const r = run(cwd, ['impact', ...args, '--json']);
  assert.equal(r.status, expectStatus, r.stderr || r.stdout.slice(0, 2000));
  return JSON.parse(r.stdout) as Report;
}

const arrow = (a: string, b: string) => `${a} → ${b}`;

/** What the report must say, added up from the scenario's categories (not from the tool). */
function expected(
  records: ScenarioRecord[],
  mode: (d: string) => string = (d) => d,
  modeTo: (d: string) => string = mode,
  useDraft = true,
) {
  const transitions = new Map<string, number>();
  const groups = { by_action_type: {}, by_repository: {}, by_agent: {} } as Record<string, Record<string, Group>>;
  let changed = 0;
  records.forEach((r) => {
    const from = mode(r.category.published.decision);
    const to = modeTo((useDraft ? r.category.draft : r.category.published).decision);
    const t = arrow(from, to);
    transitions.set(t, (transitions.get(t) ?? 0) + 1);
    const isChange = from !== to;
    if (isChange) changed++;
    for (const [name, key] of [
      ['by_action_type', r.category.action_type],
      ['by_repository', r.repository],
      ['by_agent', r.agent],
    ] as const) {
      const g = (groups[name][key] ??= { replayed: 0, changed: 0, transitions: {} });
      g.replayed++;
      if (isChange) {
        g.changed++;
        g.transitions[t] = (g.transitions[t] ?? 0) + 1;
      }
    }
  });
  return { transitions, groups, changed };
}

const transitionMap = (r: Report) => new Map(r.transitions.map((t) => [t.transition, t.count]));

describe('cavra-policy impact', function () {
  this.timeout(60000);
  let ws: TempWorkspace;
  let scenario: Scenario;
  const PER_CATEGORY = 160; // 19 categories: 3,040 decisions
  const DISAGREE_EVERY = 40;

  before(() => {
    scenario = impactScenario(PER_CATEGORY, { disagreeEvery: DISAGREE_EVERY });
    ws = tempWorkspace({ ...scenario.files, 'decisions.jsonl': `${scenario.logLines.join('\n')}\n` });
  });
  after(() => ws.remove());

  it('replays thousands of decisions over every action type: transitions, action types, repositories and agents as constructed', () => {
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'decisions.jsonl']);
    const want = expected(scenario.records);
    assert.equal(report.log.records, scenario.records.length);
    assert.equal(report.log.format, 'json_lines');
    assert.equal(report.replayed, scenario.records.length);
    assert.deepEqual(report.skipped, {});
    assert.deepEqual(transitionMap(report), want.transitions);
    assert.equal(report.changed, want.changed);
    assert.ok(want.changed > 1000, 'the scenario changes many decisions');
    assert.deepEqual(report.by_action_type, want.groups.by_action_type);
    assert.deepEqual(report.by_repository, want.groups.by_repository);
    assert.deepEqual(report.by_agent, want.groups.by_agent);
    for (const t of [
      'allow → block',
      'allow → require_approval',
      'require_approval → block',
      'require_approval → allow',
      'block → allow',
    ]) {
      assert.ok((transitionMap(report).get(t) ?? 0) > 0, `${t} occurs`);
    }
  });

  it('attributes every changed decision to the list entry (file and line) that makes the difference', () => {
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'decisions.jsonl']);
    const draftText = scenario.files[scenario.draftPath];
    const appText = scenario.files[`policies/${APP}/policy.yaml`];
    const changedRecords = scenario.records.map((r, i) => ({ r, line: i + 1 })).filter(({ r }) => r.category.cause);
    assert.equal(report.changes.length, changedRecords.length);
    report.changes.forEach((c, i) => {
      const { r, line } = changedRecords[i];
      const cause = r.category.cause!;
      assert.equal(c.line, line);
      assert.equal(c.action_type, r.category.action_type);
      assert.equal(c.draft.rule_id, r.category.draft.rule_id);
      assert.equal(c.draft.severity, r.category.draft.severity);
      const file = cause.file === 'draft' ? scenario.draftPath : `policies/${APP}/policy.yaml`;
      assert.deepEqual(c.cause, {
        kind: cause.kind,
        list: cause.list,
        entry: cause.entry,
        pack: APP,
        file,
        line: entryLineOf(cause.file === 'draft' ? draftText : appText, cause.entry),
      });
    });
  });

  it('checks the published packs against what was recorded and names every disagreement', () => {
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'decisions.jsonl']);
    const wrong = scenario.records.map((r, i) => ({ r, line: i + 1 })).filter(({ r }) => r.recordedOtherwise);
    assert.equal(wrong.length, PER_CATEGORY / DISAGREE_EVERY);
    assert.equal(report.agreement.compared, scenario.records.length);
    assert.equal(report.agreement.disagreed, wrong.length);
    assert.equal(report.agreement.agreed, scenario.records.length - wrong.length);
    assert.deepEqual(
      report.agreement.disagreements.map((d) => [d.line, d.fields]),
      wrong.map(({ line }) => [
        line,
        { decision: ['block', 'allow'], rule_id: ['filesystem.read.block', 'filesystem.read.allow'], severity: ['high', 'low'] },
      ]),
    );
  });

  it('prints the transitions and the causes with file:line for people', () => {
    const r = run(ws.root, ['impact', scenario.draftPath, '--decisions', 'decisions.jsonl', '--limit', '3']);
    assert.equal(r.status, 0, r.stderr);
    const want = expected(scenario.records);
    assert.match(r.stdout, new RegExp(`allow → block +${want.transitions.get('allow → block')!.toLocaleString('en-US')}\\n`));
    assert.match(r.stdout, /Changed decisions \(first 3 of [\d,]+; --json lists all\):/);
    const envLine = entryLineOf(scenario.files[scenario.draftPath], '**/.env');
    assert.match(
      r.stdout,
      new RegExp(`because filesystem\\.block_read "\\*\\*/\\.env" added \\(drafts/impact-app\\.yaml:${envLine}\\)`),
    );
    assert.match(r.stdout, /Agreement with the recorded decisions \(the published packs\): 3,036 of 3,040 agree/);
  });

  it('--rollout-mode enforce:strict without a draft: every allowed action becomes approval-gated, caused by the mode', () => {
    const report = impactJson(ws.root, ['--rollout-mode', 'enforce:strict', '--decisions', 'decisions.jsonl']);
    const strict = (d: string) => (d === 'allow' ? 'require_approval' : d);
    const want = expected(scenario.records, (d) => d, strict, false);
    assert.deepEqual(transitionMap(report), want.transitions);
    assert.deepEqual(report.by_agent, want.groups.by_agent);
    assert.ok(report.changes.length > 0);
    assert.ok(report.changes.every((c) => c.transition === 'allow → require_approval' && c.cause.kind === 'mode'));
    assert.deepEqual(report.changes[0].cause, { kind: 'mode', from: 'enforce', to: 'strict' });
  });

  it('--policy-mode audit_only with the draft: a new block is only recorded, and a gate that becomes a block changes nothing', () => {
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'decisions.jsonl', '--policy-mode', 'audit_only']);
    const audit = (d: string) => (d === 'allow' ? 'allow' : 'audit_only');
    const want = expected(scenario.records, audit);
    assert.deepEqual(transitionMap(report), want.transitions);
    assert.equal(transitionMap(report).get('allow → audit_only'), want.transitions.get('allow → audit_only'));
    assert.equal(transitionMap(report).get('require_approval → block'), undefined);
  });

  it('--rollout-mode audit_only:enforce with the draft: what enforcing the draft does to activity that was only audited', () => {
    const report = impactJson(ws.root, [
      scenario.draftPath,
      '--decisions',
      'decisions.jsonl',
      '--rollout-mode',
      'audit_only:enforce',
    ]);
    const audit = (d: string) => (d === 'allow' ? 'allow' : 'audit_only');
    const want = expected(scenario.records, audit, (d) => d);
    assert.deepEqual(transitionMap(report), want.transitions);
    assert.equal(report.changed, want.changed);
  });
});

describe("cavra-policy impact reproduces CAVRA's golden decisions", () => {
  // CAVRA's own fixture (test/fixtures/cavra-recorded/README.md): each case replayed alone against the fixture packs.
  const golden = JSON.parse(
    readFileSync(join(repoRoot, 'test', 'fixtures', 'cavra-recorded', 'golden-decisions.json'), 'utf8'),
  ) as Record<string, unknown>[];
  const policyDir = join(repoRoot, 'test', 'fixtures', 'policies');
  const baseline = join(policyDir, 'cavra-ai-agent-baseline', 'policy.yaml');
  let ws: TempWorkspace;
  before(() => (ws = tempWorkspace()));
  after(() => ws.remove());

  for (const c of golden) {
    it(`${String(c.name)}: ${String(c.action_type)} ${String(c.target)} → ${String(c.decision)} (${String(c.rule_id)})`, () => {
      ws.write('case.json', JSON.stringify([c]));
      // The published baseline as the draft: nothing changes, so only the replay against the packs is tested.
      const report = impactJson(ws.root, [baseline, '--policy-dir', policyDir, '--decisions', 'case.json']);
      assert.equal(report.replayed, 1);
      // decision, rule id, severity and approver group all compared.
      assert.deepEqual(report.agreement, { compared: 1, agreed: 1, disagreed: 0, disagreements: [] });
    });
  }

  it('a golden case recorded otherwise is a disagreement naming its line and fields', () => {
    const altered = golden.map((c) =>
      c.name === 'allowed_terraform_plan' ? { ...c, decision: 'block', rule_id: 'commands.block' } : c,
    );
    ws.write('altered.json', JSON.stringify(altered, null, 2));
    const report = impactJson(ws.root, [baseline, '--policy-dir', policyDir, '--decisions', 'altered.json']);
    assert.equal(report.agreement.agreed, golden.length - 1);
    assert.deepEqual(
      report.agreement.disagreements.map((d) => [d.line, d.fields]),
      [[14, { decision: ['block', 'allow'], rule_id: ['commands.block', 'commands.allow'] }]],
    );
  });
});

describe('cavra-policy impact on bad logs', function () {
  this.timeout(60000);
  let ws: TempWorkspace;
  const scenario = impactScenario(1);
  const good = scenario.logLines;
  before(() => (ws = tempWorkspace(scenario.files)));
  after(() => ws.remove());

  it('JSON Lines with torn lines, wrong shapes and policy-mode summaries: counted and named by line, the rest replayed', () => {
    const summary = JSON.stringify({
      schema_version: 'x',
      mode: 'strict',
      base_decision: 'allow',
      effective_decision: 'require_approval',
    });
    const lines = [
      good[0],
      good[1].slice(0, 40), // line 2: torn
      '',
      '[1, 2]', // line 4
      JSON.stringify({ action_type: 'read_file', target: 'a' }), // line 5: missing fields
      summary, // line 6
      good[2],
      'garbage', // line 8
      JSON.stringify({ ...JSON.parse(good[3]), target: 42 }), // line 9
      good[4],
    ];
    ws.write('mixed.jsonl', lines.join('\n'));
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'mixed.jsonl']);
    assert.equal(report.replayed, 3);
    assert.deepEqual(report.log.problems, { malformed: 2, wrong_shape: 3, unsupported: 1 });
    assert.deepEqual(
      report.log.listed.map((p) => [p.line, p.kind]),
      [
        [2, 'malformed'],
        [4, 'wrong_shape'],
        [5, 'wrong_shape'],
        [6, 'unsupported'],
        [8, 'malformed'],
        [9, 'wrong_shape'],
      ],
    );
    assert.match(report.log.listed[2].message, /^line 5: not a decision record: missing policy_pack, rule_id, decision$/);
    assert.match(report.log.listed[3].message, /policy-mode summary/);
    assert.match(report.log.listed[5].message, /target \(a number, not a string\)/);
  });

  it('a pretty-printed JSON array cut off in the middle: the records before the cut are replayed, the cut is named', () => {
    const text = JSON.stringify(
      good.slice(0, 5).map((l) => JSON.parse(l) as unknown),
      null,
      2,
    );
    ws.write('cut.json', text.slice(0, Math.floor(text.length * 0.9)));
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'cut.json']);
    assert.equal(report.log.format, 'json_array');
    assert.equal(report.replayed, 4);
    assert.equal(report.log.problems.malformed, 1);
    assert.match(report.log.listed[0].message, /truncated/);
  });

  it('pretty-printed records one after another (saved evaluate --json outputs) are read as records', () => {
    const text = good
      .slice(0, 6)
      .map((l) => JSON.stringify(JSON.parse(l), null, 2))
      .join('\n');
    ws.write('pretty.json', text);
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'pretty.json']);
    assert.equal(report.log.format, 'json_stream');
    assert.equal(report.replayed, 6);
    assert.deepEqual(report.log.problems, { malformed: 0, wrong_shape: 0, unsupported: 0 });
  });

  it('50 MB of junk: counts and a message, exit 1, no crash', () => {
    writeFileSync(join(ws.root, 'junk.bin'), randomBytes(50 * 1024 * 1024));
    const r = run(ws.root, ['impact', scenario.draftPath, '--decisions', 'junk.bin', '--json']);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.replayed, 0);
    assert.equal(report.log.records, 0);
    assert.ok(report.log.problems.malformed > 1000, `malformed ${report.log.problems.malformed}`);
    assert.equal(report.log.listed.length, 20);
    assert.match(r.stderr, /nothing in junk\.bin could be replayed: no impact was measured/);
  });

  it('an array that never closes its brackets stops at the record size limit and says so', () => {
    writeFileSync(join(ws.root, 'deep.json'), `[${'{"a":['.repeat(400000)}`);
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'deep.json'], 1);
    assert.match(report.log.stopped ?? '', /^line 1: a record longer than 1048576 characters; reading stopped there/);
  });

  it('usage: no draft and no mode change, a bad FROM:TO, both modes, no --decisions exit 2; a missing log exits 2', () => {
    const cases: [string[], RegExp][] = [
      [['impact', '--decisions', 'x.jsonl'], /impact needs a draft policy file, or --rollout-mode FROM:TO/],
      [['impact', '--rollout-mode', 'enforce', '--decisions', 'x.jsonl'], /--rollout-mode takes FROM:TO/],
      [['impact', '--rollout-mode', 'enforce:sideways', '--decisions', 'x.jsonl'], /--rollout-mode takes FROM:TO/],
      [
        ['impact', scenario.draftPath, '--policy-mode', 'strict', '--rollout-mode', 'enforce:strict', '--decisions', 'x'],
        /not both/,
      ],
      [['impact', scenario.draftPath], /--decisions/],
      [['impact', scenario.draftPath, '--decisions', 'missing.jsonl'], /cannot read missing\.jsonl: ENOENT \(no such file\)/],
    ];
    for (const [args, message] of cases) {
      const r = cli(ws.root, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('a record whose pack is not published is not replayed, and the reason is counted', () => {
    ws.write('unknown-pack.jsonl', JSON.stringify({ ...JSON.parse(good[0]), policy_pack: 'no-such-pack' }) + '\n' + good[1]);
    const report = impactJson(ws.root, [scenario.draftPath, '--decisions', 'unknown-pack.jsonl']);
    assert.equal(report.replayed, 1);
    assert.deepEqual(Object.values(report.skipped), [1]);
    assert.match(Object.keys(report.skipped)[0], /^pack no-such-pack: /);
  });
});
