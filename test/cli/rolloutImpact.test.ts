// `rollout plan --decisions` through the CLI process: a rollout's mode change (enforce → strict, audit_only →
// enforce) replayed over the recorded decisions of its pack and repository only. The log is the impact
// scenario's (test/cli/impactScenario.ts): what each record's pack decides is known by construction, and the
// modes' effect is SPEC 2.5's, written out here (strict gates what the rules allow; audit_only records the rest).
import { strict as assert } from 'node:assert';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { PUBLISHABLE_APP as APP, publishableScenario, type ScenarioRecord } from './impactScenario';

interface PlanWithImpact {
  after: { mode: string };
  impact: {
    scope: { policy_pack: string; repository: string };
    out_of_scope: number;
    replayed: number;
    changed: number;
    mode_from: string | null;
    mode_to: string | null;
    transitions: { transition: string; count: number; changed: boolean }[];
    changes: { cause: { kind: string; from?: string; to?: string } }[];
    log: { file: string; sha256: string; records: number };
  };
}

const REPO = 'org/web';
const strict = (d: string) => (d === 'allow' ? 'require_approval' : d);
const auditOnly = (d: string) => (d === 'allow' ? 'allow' : 'audit_only');

function expected(records: ScenarioRecord[], from: (d: string) => string, to: (d: string) => string) {
  const mine = records.filter((r) => r.category.pack === APP && r.repository === REPO);
  const transitions = new Map<string, number>();
  for (const r of mine) {
    const t = `${from(r.category.published.decision)} → ${to(r.category.published.decision)}`;
    transitions.set(t, (transitions.get(t) ?? 0) + 1);
  }
  return { mine, transitions };
}

describe('cavra-policy rollout plan --decisions', function () {
  this.timeout(60_000);
  const scenario = publishableScenario(80);
  let ws: TempWorkspace;
  const rollout = ['--rollout-id', 'web-app', '--repository', REPO, '--policy-pack', APP];

  before(() => {
    ws = tempWorkspace({ ...scenario.files, 'decisions.jsonl': scenario.logLines.join('\n') });
    const applied = cli(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      ...rollout,
      '--mode',
      'enforce',
      '--state',
      'active',
    ]);
    assert.equal(applied.status, 0, applied.stderr);
  });
  after(() => ws.remove());

  it("enforce → strict: only the rollout's pack and repository, every allowed action gated, caused by the mode", () => {
    const plan = cliJson<PlanWithImpact>(ws.root, [
      'rollout',
      'plan',
      ...rollout,
      '--mode',
      'strict',
      '--decisions',
      'decisions.jsonl',
    ]);
    const want = expected(scenario.records, (d) => d, strict);
    assert.ok(want.mine.length > 50 && want.mine.length < scenario.records.length);
    const i = plan.impact;
    assert.deepEqual(i.scope, { policy_pack: APP, repository: REPO });
    assert.equal(i.replayed, want.mine.length);
    assert.equal(i.out_of_scope, scenario.records.length - want.mine.length);
    assert.equal(i.log.records, scenario.records.length);
    assert.deepEqual([i.mode_from, i.mode_to], ['enforce', 'strict']);
    assert.deepEqual(new Map(i.transitions.map((t) => [t.transition, t.count])), want.transitions);
    assert.ok((want.transitions.get('allow → require_approval') ?? 0) > 0);
    assert.ok(i.changes.every((c) => c.cause.kind === 'mode' && c.cause.from === 'enforce' && c.cause.to === 'strict'));
  });

  it('audit_only → enforce, for people: the transitions, the scope and what lies outside it', () => {
    assert.equal(cli(ws.root, ['rollout', 'apply', '--actor', 'release-bot', ...rollout, '--mode', 'audit_only']).status, 0);
    const r = cli(ws.root, ['rollout', 'plan', ...rollout, '--mode', 'enforce', '--decisions', 'decisions.jsonl']);
    assert.equal(r.status, 0, r.stderr);
    const want = expected(scenario.records, auditOnly, (d) => d);
    assert.match(r.stdout, new RegExp(`Impact of the rollout of ${APP} in org/web, mode audit_only -> enforce`));
    for (const [t, count] of want.transitions) {
      if (t.split(' → ')[0] !== t.split(' → ')[1]) assert.match(r.stdout, new RegExp(`  ${t}\\s+${count}\\n`));
    }
    assert.match(
      r.stdout,
      new RegExp(
        `\\(${(scenario.records.length - want.mine.length).toLocaleString('en-US')} recorded decisions of other packs or repositories are not part of this rollout\\)`,
      ),
    );
  });

  it('a missing log is exit 2 naming it; without --decisions the plan is as before', () => {
    const missing = cli(ws.root, ['rollout', 'plan', ...rollout, '--mode', 'strict', '--decisions', 'nope.jsonl']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.jsonl/);
    const plain = cliJson<Record<string, unknown>>(ws.root, ['rollout', 'plan', ...rollout, '--mode', 'strict']);
    assert.equal(plain.impact, undefined);
  });
});
