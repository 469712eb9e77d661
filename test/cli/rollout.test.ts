// rollout plan/apply/list/get through the CLI process: CAVRA's normalized records, risk rules and
// messages, with the inventory in CAVRA's file.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { cavraWorkspace } from './cavraWorkspace';

interface Plan {
  schema_version: string;
  operation: string;
  risk: string;
  approval_required: boolean;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  changes: { field: string; before: unknown; after: unknown }[];
}

const SPEC_EXAMPLE = [
  '--rollout-id',
  'payments-platform',
  '--repository',
  'payments/api',
  '--policy-pack',
  'cavra-platform-baseline',
  '--mode',
  'strict',
  '--state',
  'active',
  '--coverage-percent',
  '95',
];

describe('cavra-policy rollout', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
  });
  afterEach(() => ws.remove());
  const inventory = () => join(ws.root, '.cavra', 'api', 'inventory.json');

  it('plan (SPEC 3.6 example): a create with every field, and nothing written', () => {
    const plan = cliJson<Plan>(ws.root, ['rollout', 'plan', ...SPEC_EXAMPLE]);
    assert.equal(plan.schema_version, 'cavra.policy_rollout.change_plan.v1');
    assert.equal(plan.operation, 'create');
    assert.equal(plan.before, null);
    assert.equal(plan.after.schema_version, 'cavra.policy_rollout.v1');
    assert.deepEqual(
      [
        plan.after.rollout_id,
        plan.after.mode,
        plan.after.state,
        plan.after.coverage_percent,
        plan.after.owner,
        plan.after.policy_version,
      ],
      ['payments-platform', 'strict', 'active', 95, 'platform-security', 'latest'],
    );
    assert.equal(plan.risk, 'medium');
    assert.equal(plan.approval_required, true);
    assert.deepEqual(
      plan.changes.map((c) => c.field),
      [...plan.changes.map((c) => c.field)].sort(),
    );
    assert.ok(!existsSync(inventory()));
  });

  it("apply stores the record in CAVRA's inventory file; an update from audit_only to strict is high risk", () => {
    const applied = cliJson<{ schema_version: string; actor: unknown; rollout: Record<string, unknown> }>(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      '--rollout-id',
      'payments-platform',
      '--repository',
      'payments/api',
      '--policy-pack',
      'cavra-platform-baseline',
      '--mode',
      'audit_only',
    ]);
    assert.equal(applied.schema_version, 'cavra.policy_rollout.change_result.v1');
    assert.equal(applied.actor, null);
    assert.equal(applied.rollout.state, 'planned');
    const stored = JSON.parse(readFileSync(inventory(), 'utf8'));
    assert.deepEqual(
      stored.policy_rollouts.map((r: { rollout_id: string }) => r.rollout_id),
      ['payments-platform'],
    );

    const update = cliJson<Plan>(ws.root, [
      'rollout',
      'plan',
      '--rollout-id',
      'payments-platform',
      '--mode',
      'strict',
      '--state',
      'active',
      '--coverage-percent',
      '90',
    ]);
    assert.equal(update.operation, 'update');
    assert.equal(update.risk, 'high');
    assert.equal(update.approval_required, true);
    assert.deepEqual(
      update.changes.map((c) => c.field),
      ['coverage_percent', 'mode', 'state', 'updated_at'],
    );

    const human = cli(ws.root, ['rollout', 'plan', '--rollout-id', 'payments-platform', '--mode', 'strict']);
    assert.match(
      human.stdout,
      /^operation +update payments-platform\nrisk +high\napproval +required\n {2}FIELD +BEFORE +AFTER\n {2}mode +audit_only +strict\n/,
    );
    assert.match(human.stdout, /Route this rollout change through security approval before enforcement\./);
  });

  it("list filters and get reads one record; an unknown id is CAVRA's 404", () => {
    cliJson(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      '--repository',
      'payments/api',
      '--policy-pack',
      'cavra-platform-baseline',
    ]);
    cliJson(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      '--repository',
      'web/site',
      '--policy-pack',
      'cavra-ai-agent-baseline',
      '--state',
      'active',
    ]);
    const all = cliJson<{ items: { rollout_id: string }[]; total: number }>(ws.root, ['rollout', 'list']);
    assert.deepEqual(
      all.items.map((r) => r.rollout_id),
      ['payments/api:cavra-platform-baseline', 'web/site:cavra-ai-agent-baseline'],
    );
    const active = cliJson<{ items: { rollout_id: string }[] }>(ws.root, ['rollout', 'list', '--state', 'active']);
    assert.deepEqual(
      active.items.map((r) => r.rollout_id),
      ['web/site:cavra-ai-agent-baseline'],
    );
    const human = cli(ws.root, ['rollout', 'list', '--repository', 'payments/api']);
    assert.match(
      human.stdout,
      /^ROLLOUT +REPOSITORY +PACK +VERSION +MODE +STATE +COVERAGE +OWNER\npayments\/api:cavra-platform-baseline +payments\/api +cavra-platform-baseline +latest +enforce +planned +0% +platform-security\n\n1 rollout\n$/,
    );
    const one = cliJson<{ rollout_id: string }>(ws.root, ['rollout', 'get', 'web/site:cavra-ai-agent-baseline']);
    assert.equal(one.rollout_id, 'web/site:cavra-ai-agent-baseline');
    const missing = cli(ws.root, ['rollout', 'get', 'nope']);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, 'cavra-policy: policy rollout not found\n');
  });

  it("CAVRA's normalization messages exit 1; flag mistakes (a mode or state not in CAVRA's lists too) exit 2", () => {
    const noRepo = cli(ws.root, ['rollout', 'plan', '--policy-pack', 'x']);
    assert.equal(noRepo.status, 1);
    assert.equal(noRepo.stderr, 'cavra-policy: policy rollout must include repository\n');
    assert.ok(!existsSync(inventory()));
    const cases: [string[], RegExp][] = [
      [['rollout', 'plan', '--coverage-percent', '95%'], /--coverage-percent must be a whole number, got "95%"/],
      [['rollout', 'plan', '--coverage-percent', '120'], /--coverage-percent must be at most 100, got 120/],
      [['rollout', 'plan', 'payments/api'], /rollout plan takes no arguments: give the fields as flags/],
      [['rollout', 'list', '--mode', 'fast'], /--mode must be one of: audit_only, break_glass, enforce, strict/],
      [
        ['rollout', 'plan', '--repository', 'r', '--policy-pack', 'p', '--mode', 'strict_regulated'],
        /--mode must be one of: audit_only, break_glass, enforce, strict \(got "strict_regulated"\)/,
      ],
      [
        ['rollout', 'apply', '--actor', 'a', '--repository', 'r', '--policy-pack', 'p', '--mode', 'fast'],
        /--mode must be one of: audit_only, break_glass, enforce, strict/,
      ],
      [
        ['rollout', 'apply', '--actor', 'a', '--repository', 'r', '--policy-pack', 'p', '--state', 'live'],
        /--state must be one of: active, paused, planned, retired/,
      ],
      [
        ['rollout', 'apply', '--repository', 'r', '--policy-pack', 'p'],
        /rollout apply needs who acts: --actor NAME, or a verified actor with --actor-token PATH/,
      ],
      [['rollout', 'launch'], /unknown rollout subcommand launch; expected one of: plan, apply, request-approval, list, get/],
    ];
    for (const [args, message] of cases) {
      const r = cli(ws.root, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.ok(!existsSync(inventory()));
  });

  it('apply records who applied it: --actor in the output and the evidence, never actor null', () => {
    const human = cli(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      '--repository',
      'payments/api',
      '--policy-pack',
      'cavra-platform-baseline',
    ]);
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /\nRecorded actor: release-bot\n$/);
    const json = cliJson<{ actor: unknown; applied_by: string }>(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'ops-lead',
      '--repository',
      'payments/api',
      '--policy-pack',
      'cavra-platform-baseline',
      '--state',
      'active',
    ]);
    assert.equal(json.actor, null, "CAVRA's actor field is the verified actor context only");
    assert.equal(json.applied_by, 'ops-lead');
    const evidence = readFileSync(join(ws.root, '.cavra', 'evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; actor: unknown });
    assert.deepEqual(
      evidence.filter((e) => e.event === 'rollout_apply').map((e) => e.actor),
      ['release-bot', 'ops-lead'],
    );
  });

  it('--inventory and $CAVRA_INVENTORY_STORE choose the inventory file', () => {
    cliJson(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      '--repository',
      'r',
      '--policy-pack',
      'p',
      '--inventory',
      'inv.json',
    ]);
    assert.ok(existsSync(join(ws.root, 'inv.json')));
    assert.equal(
      cliJson<{ total: number }>(ws.root, ['rollout', 'list'], { CAVRA_INVENTORY_STORE: join(ws.root, 'inv.json') }).total,
      1,
    );
    assert.equal(cliJson<{ total: number }>(ws.root, ['rollout', 'list']).total, 0);
  });
});
