// Rollouts that name their approval, through the CLI process: plan says how to request one,
// request-approval creates it, apply --approval applies only under the matching approved approval, and
// apply without one warns and the evidence says so.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { cavraWorkspace } from './cavraWorkspace';

const CHANGE = [
  '--repository',
  'payments/api',
  '--policy-pack',
  'cavra-platform-baseline',
  '--mode',
  'strict',
  '--state',
  'active',
];

describe('cavra-policy rollout request-approval / apply --approval', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
  });
  afterEach(() => ws.remove());
  const evidence = () =>
    readFileSync(join(ws.root, '.cavra', 'evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; approval_ids: string[]; details: Record<string, unknown> });

  it('plan prints how to request an approval for exactly this change', () => {
    const r = cli(ws.root, ['rollout', 'plan', ...CHANGE]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /approval\s+required/);
    assert.match(
      r.stdout,
      /cavra-policy rollout request-approval --repository payments\/api --policy-pack cavra-platform-baseline --mode strict --state active/,
    );
  });

  it('request-approval, approve, apply --approval: recorded; another change or a pending approval is refused', () => {
    const a = cliJson<{ approval_id: string; state: string; decision: { action_type: string; rollout_change_digest: string } }>(
      ws.root,
      ['rollout', 'request-approval', ...CHANGE, '--requested-by', 'dev'],
    );
    assert.equal(a.state, 'pending');
    assert.equal(a.decision.action_type, 'policy_rollout');
    assert.match(a.decision.rollout_change_digest, /^sha256:/);

    const pending = cli(ws.root, ['rollout', 'apply', ...CHANGE, '--actor', 'ops', '--approval', a.approval_id]);
    assert.notEqual(pending.status, 0);
    assert.match(pending.stderr, /is pending: only an approved or break_glass approval/);

    cliJson(ws.root, ['approval', 'approve', a.approval_id, '--actor', 'alice', '--reason', 'CHG-9']);
    const other = cli(ws.root, [
      'rollout',
      'apply',
      ...CHANGE,
      '--coverage-percent',
      '50',
      '--actor',
      'ops',
      '--approval',
      a.approval_id,
    ]);
    assert.notEqual(other.status, 0);
    assert.match(other.stderr, /requested for another change/);

    const ok = cli(ws.root, ['rollout', 'apply', ...CHANGE, '--actor', 'ops', '--approval', a.approval_id]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`Approval: ${a.approval_id} \\(approved, decided by alice\\)`));
    const stored = cliJson<{ evidence_refs: string[] }>(ws.root, ['rollout', 'get', 'payments/api:cavra-platform-baseline']);
    assert.deepEqual(stored.evidence_refs, [`approval:${a.approval_id}`]);
    const applied = evidence().filter((e) => e.event === 'rollout_apply');
    assert.deepEqual(
      applied.map((e) => e.approval_ids),
      [[a.approval_id]],
    );
  });

  it('apply without --approval: applied (CAVRA does not enforce), a warning, and the evidence says so', () => {
    const r = cli(ws.root, ['rollout', 'apply', ...CHANGE, '--actor', 'ops']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Warning: applied without approval although the plan requires one/);
    const applied = evidence().find((e) => e.event === 'rollout_apply')!;
    assert.equal((applied.details.approval as { note: string }).note, 'applied without approval although the plan requires one');
  });
});
