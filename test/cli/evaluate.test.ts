// evaluate and test through the CLI process: CAVRA's decisions, unknown actions exiting 2 as CAVRA's CLI
// does, and decision test cases reported like a test suite (exit 1 when one fails).
import { strict as assert } from 'node:assert';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { cavraWorkspace } from './cavraWorkspace';

const TESTS = `cases:
  - name: secrets are never read
    action: read_file
    target: .env
    expect: {decision: block, rule_id: filesystem.read.block}
  - action: write_file
    target: iam/admin.json
    expect: {decision: require_approval, approver_group: Platform Security}
`;
const FAILING = `${TESTS}  - name: terraform apply is allowed
    action: execute_command
    target: terraform apply -auto-approve
    expect: {decision: allow}
`;
const testsFile = 'policies/cavra-ai-agent-baseline/policy.tests.yaml';

describe('cavra-policy evaluate', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
  });
  afterEach(() => ws.remove());

  it('--policy-mode applies a runtime mode (SPEC 2.5): the table of base × mode, as text and as JSON beside the decision', () => {
    // .env is blocked, iam/ needs approval, README.md is allowed by the baseline pack.
    const cases: [string, string, string, string][] = [
      ['read_file', '.env', 'audit_only', 'audit_only'],
      ['read_file', 'README.md', 'audit_only', 'allow'],
      ['read_file', '.env', 'enforce', 'block'],
      ['read_file', 'README.md', 'strict', 'require_approval'],
      ['write_file', 'iam/admin.json', 'strict', 'require_approval'],
      ['read_file', 'README.md', 'break_glass', 'block'],
    ];
    for (const [action, target, mode, effective] of cases) {
      const r = cliJson<{ decision: { decision: string; decision_id: string }; policy_mode: Record<string, unknown> }>(ws.root, [
        'evaluate',
        action,
        target,
        '--policy-mode',
        mode,
      ]);
      assert.equal(r.policy_mode.effective_decision, effective, `${action} ${target} under ${mode}`);
      assert.equal(r.policy_mode.base_decision, r.decision.decision);
      assert.match(r.decision.decision_id, /^dec_[0-9a-f]{12}$/);
    }
    const text = cli(ws.root, ['evaluate', 'read_file', '.env', '--policy-mode', 'audit_only']);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(
      text.stdout.startsWith(
        'AUDIT_ONLY  read_file .env  (mode audit_only; the rules say block)\n  mode: audit_only records this block without blocking the action; evidence required',
      ),
      text.stdout,
    );
  });

  it('break_glass allows with attestation only with an actor and a reason; those flags need that mode', () => {
    const args = ['evaluate', 'execute_command', 'terraform apply -auto-approve', '--policy-mode', 'break_glass'];
    const half = cliJson<{ policy_mode: { effective_decision: string; mode_reason: string } }>(ws.root, [
      ...args,
      '--break-glass-actor',
      'ic',
    ]);
    assert.equal(half.policy_mode.effective_decision, 'block');
    assert.match(half.policy_mode.mode_reason, /without a reason/);
    const full = cliJson<{ policy_mode: { effective_decision: string } }>(ws.root, [
      ...args,
      '--break-glass-actor',
      'ic',
      '--break-glass-reason',
      'INC-7 outage',
    ]);
    assert.equal(full.policy_mode.effective_decision, 'allow_with_attestation');
    const wrong = cli(ws.root, ['evaluate', 'read_file', '.env', '--break-glass-reason', 'x']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /apply to --policy-mode break_glass only/);
    const unknown = cli(ws.root, ['evaluate', 'read_file', '.env', '--policy-mode', 'strict_regulated']);
    assert.equal(unknown.status, 2);
  });

  it('the wrapped JSON of a mode is accepted by approval create', () => {
    const out = cli(ws.root, ['evaluate', 'write_file', 'iam/admin.json', '--policy-mode', 'enforce', '--json']);
    assert.equal(out.status, 0, out.stderr);
    ws.write('decision.json', out.stdout);
    const a = cliJson<{ decision_id: string; state: string }>(ws.root, ['approval', 'create', 'decision.json']);
    assert.equal(a.state, 'pending');
    assert.equal(a.decision_id, (JSON.parse(out.stdout) as { decision: { decision_id: string } }).decision.decision_id);
  });

  it("prints CAVRA's decision: rule, severity, reason; JSON in CAVRA's decision shape", () => {
    const d = cliJson<Record<string, unknown>>(ws.root, ['evaluate', 'read_file', '.env']);
    assert.deepEqual(Object.keys(d), [
      'decision_id',
      'session_id',
      'agent_id',
      'actor',
      'action_type',
      'target',
      'requested_operation',
      'policy_pack',
      'policy_id',
      'rule_id',
      'decision',
      'severity',
      'reason',
      'evidence_refs',
      'approver_group',
      'timestamp',
      'correlation_id',
    ]);
    assert.deepEqual(
      [d.decision, d.rule_id, d.severity, d.policy_pack],
      ['block', 'filesystem.read.block', 'high', 'cavra-ai-agent-baseline'],
    );
    const human = cli(ws.root, ['evaluate', 'write_file', 'iam/admin.json']);
    assert.equal(human.status, 0);
    assert.match(
      human.stdout,
      /^REQUIRE_APPROVAL {2}write_file iam\/admin\.json\n {2}rule +filesystem\.write\.require_approval\n {2}severity +high\n/,
    );
    assert.match(human.stdout, /approver group +Platform Security/);
    assert.match(human.stdout, /cavra-policy approval create FILE/);
  });

  it('merges inheritance: a pack inheriting the baseline blocks what the baseline blocks', () => {
    ws.write(
      'policies/cavra-platform-baseline/policy.yaml',
      'metadata:\n  id: cavra-platform-baseline\n  title: P\n  description: D\n  inherits: cavra-ai-agent-baseline\ncommands:\n  block: ["rm -rf*"]\n',
    );
    const base = cliJson<{ decision: string }>(ws.root, [
      'evaluate',
      'read_file',
      '.env',
      '--policy-pack',
      'cavra-platform-baseline',
    ]);
    assert.equal(base.decision, 'block');
    const own = cliJson<{ decision: string; rule_id: string }>(ws.root, [
      'evaluate',
      'execute_command',
      'rm -rf /',
      '--policy-pack',
      'cavra-platform-baseline',
    ]);
    assert.deepEqual([own.decision, own.rule_id], ['block', 'commands.block']);
  });

  it('an unknown action exits 2 like CAVRA; an unknown pack exits 1; a target that starts with "-" follows --', () => {
    const unknown = cli(ws.root, ['evaluate', 'delete_file', 'x']);
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /unknown action type "delete_file"; expected one of: read_file, write_file, execute_command, git_operation, mcp_tool_call/,
    );
    const pack = cli(ws.root, ['evaluate', 'read_file', 'x', '--policy-pack', 'nope']);
    assert.equal(pack.status, 1);
    assert.match(pack.stderr, /nope/);
    const dash = cli(ws.root, ['evaluate', '--json', '--', 'execute_command', '-rf']);
    assert.equal(dash.status, 0, dash.stderr);
    assert.equal(JSON.parse(dash.stdout).target, '-rf');
    const missing = cli(ws.root, ['evaluate', 'read_file']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /evaluate needs an action and a target/);
  });
});

describe('cavra-policy test', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
  });
  afterEach(() => ws.remove());

  it('passing cases exit 0 and are reported per pack', () => {
    ws.write(testsFile, TESTS);
    const r = cli(ws.root, ['test']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /^cavra-ai-agent-baseline \(.*policy\.tests\.yaml\)\n {2}ok {4}secrets are never read\n {2}ok {4}write_file iam\/admin\.json\n\n2 passed, 0 failed\n$/,
    );
    const json = cliJson<{ schema_version: string; policy_pack: string; passed: number; failed: number }[]>(ws.root, [
      'test',
      'cavra-ai-agent-baseline',
    ]);
    assert.deepEqual(
      json.map((x) => [x.schema_version, x.policy_pack, x.passed, x.failed]),
      [['cavra-studio.decision_test_report.v1', 'cavra-ai-agent-baseline', 2, 0]],
    );
  });

  it('a failing case exits 1 naming the case, its line and what differed', () => {
    ws.write(testsFile, FAILING);
    const r = cli(ws.root, ['test']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAIL {2}terraform apply is allowed \[.*policy\.tests\.yaml:9\]\n {8}.*decision/);
    assert.match(r.stdout, /2 passed, 1 failed/);
  });

  it('no test files: exit 0 saying so; a pack without tests is CAVRA-style 404 (exit 1)', () => {
    const none = cli(ws.root, ['test']);
    assert.equal(none.status, 0);
    assert.equal(none.stdout, 'No decision test files found next to the packs.\n');
    const pack = cli(ws.root, ['test', 'cavra-ai-agent-baseline']);
    assert.equal(pack.status, 1);
    assert.match(pack.stderr, /no decision tests for cavra-ai-agent-baseline: create .*policy\.tests\.yaml/);
  });
});
