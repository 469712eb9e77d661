// What CAVRA would decide: an action and a target against a pack with its inheritance merged, and the
// decision test files kept next to packs.
import assert from 'node:assert/strict';
import { BackendError } from '../../../server/src/backend/backend';
import { workspace, writePack, type Workspace } from './backendFixtures';

const PACKS = [
  'cavra-agentic-delivery',
  'cavra-ai-agent-baseline',
  'cavra-github-enterprise',
  'cavra-bad-cycle-a',
  'cavra-bad-cycle-b',
];

describe('local backend: evaluate and decision tests', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace({ packs: PACKS });
  });
  afterEach(() => ws.cleanup());

  const evaluate = (action_type: string, target: string, extra: object = {}) =>
    ws.backend.evaluate({ action_type, target, policy_pack: 'cavra-agentic-delivery', ...extra });

  it("returns CAVRA's decision object, fields in ActionDecision.to_dict order", async () => {
    const d = await evaluate('read_file', '.env', {
      session_id: 's1',
      agent_id: 'claude',
      actor: 'bot',
      repository: 'cavra/cavra',
    });
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
      'repository',
    ]);
    assert.match(d.decision_id, /^dec_[0-9a-f]{12}$/);
    assert.match(String(d.correlation_id), /^corr_[0-9a-f]{12}$/);
    assert.deepEqual(d.evidence_refs, [`evidence://s1/${d.decision_id}`]);
    assert.deepEqual(
      [d.decision, d.rule_id, d.severity, d.reason, d.approver_group, d.requested_operation, d.policy_id],
      ['block', 'filesystem.read.block', 'high', 'Matched sensitive path policy: .env', null, 'read', 'cavra-agentic-delivery'],
    );
  });

  it("follows CAVRA's order, rule ids, severities and approver groups over the merged (sorted) lists", async () => {
    const cases: [string, string, object, string, string, string, string | null, string][] = [
      [
        'read_file',
        'deploy/tls/server.pem',
        {},
        'block',
        'filesystem.read.block',
        'high',
        null,
        'Matched sensitive path policy: **/*.pem',
      ],
      ['read_file', 'README.md', {}, 'allow', 'filesystem.read.allow', 'low', null, 'No sensitive path policy matched.'],
      [
        'write_file',
        '.github/workflows/ci.yml',
        {},
        'block',
        'filesystem.write.block',
        'high',
        null,
        'Matched sensitive path policy: .github/workflows/**',
      ],
      [
        'write_file',
        './iam//role.tf',
        {},
        'require_approval',
        'filesystem.write.require_approval',
        'high',
        'Platform Security',
        'Matched approval-required path policy: iam/**',
      ],
      [
        'execute_command',
        'terraform apply -auto-approve',
        {},
        'block',
        'commands.block',
        'critical',
        null,
        'Matched blocked command policy: terraform apply*',
      ],
      [
        'execute_command',
        'git push --force origin x',
        {},
        'block',
        'commands.block',
        'high',
        null,
        'Matched blocked command policy: git push --force*',
      ],
      ['execute_command', '  pytest -q  ', {}, 'allow', 'commands.allow', 'low', null, 'Matched allowed command policy: pytest*'],
      [
        'execute_command',
        'make deploy',
        {},
        'require_approval',
        'commands.default.require_approval',
        'medium',
        'Repository Owners',
        'No allow rule matched; review required.',
      ],
      [
        'git_operation',
        'origin/main',
        {},
        'block',
        'git.protected_branch.block_direct_push',
        'high',
        null,
        'Direct push to protected branch is prohibited.',
      ],
      ['git_operation', 'origin/agent/fix-1', {}, 'allow', 'git.allow', 'low', null, 'Git operation is allowed by policy.'],
      [
        'mcp_tool_call',
        'github:create_issue',
        {},
        'allow',
        'mcp.server.trust.allow',
        'low',
        null,
        'MCP server is trusted for this tool call.',
      ],
      [
        'mcp_tool_call',
        'shell:run',
        {},
        'block',
        'mcp.server.trust.block_unknown',
        'high',
        null,
        'Untrusted MCP server with filesystem/tool capability is not approved.',
      ],
    ];
    for (const [action, target, extra, decision, rule, severity, group, reason] of cases) {
      const d = await evaluate(action, target, extra);
      assert.deepEqual(
        [d.decision, d.rule_id, d.severity, d.approver_group, d.reason],
        [decision, rule, severity, group, reason],
        `${action} ${target}`,
      );
    }
    const write = await evaluate('write_file', './iam//role.tf');
    assert.equal(write.target, 'iam/role.tf');
    const cmd = await evaluate('execute_command', '  pytest -q  ');
    assert.deepEqual([cmd.target, cmd.requested_operation], ['pytest -q', 'pytest -q']);
    const mcp = await evaluate('mcp_tool_call', 'github:create_issue', { capability: 'issues.write' });
    assert.deepEqual([mcp.target, mcp.requested_operation], ['github:create_issue', 'issues.write']);
  });

  it('a decision it returns is accepted by approval create (routed) and break-glass', async () => {
    const d = await evaluate('write_file', 'iam/role.tf');
    const approval = await ws.backend.createApproval({ decision: d });
    assert.deepEqual([approval.approver_group, approval.decision_id, approval.session_id], ['IAM', d.decision_id, 'local']);
    const bg = await ws.backend.breakGlass({ decision: d, actor: 'oncall', reason: 'incident' });
    assert.equal(bg.state, 'break_glass');
  });

  it('names an unknown pack and an inheritance cycle', async () => {
    await assert.rejects(
      ws.backend.evaluate({ action_type: 'read_file', target: 'x', policy_pack: 'cavra-nope' }),
      (e: unknown) => e instanceof BackendError && e.status === 404 && e.detail === "Policy pack 'cavra-nope' not found.",
    );
    await assert.rejects(
      ws.backend.evaluate({ action_type: 'read_file', target: 'x', policy_pack: 'cavra-bad-cycle-a' }),
      (e: unknown) =>
        e instanceof BackendError &&
        e.status === 400 &&
        e.detail === 'policy pack inheritance cycle: cavra-bad-cycle-a -> cavra-bad-cycle-b -> cavra-bad-cycle-a',
    );
  });

  it("runs a pack's decision tests and reports each case, with line numbers", async () => {
    writePack(
      ws.root,
      'cavra-agentic-delivery',
      [
        'cases:',
        '  - name: secrets are never read',
        '    action: read_file',
        '    target: .env',
        '    expect: {decision: block, rule_id: filesystem.read.block}',
        '  - action: execute_command',
        '    target: make deploy',
        '    expect:',
        '      decision: require_approval',
        '      approver_group: Platform Security',
        '  - action: git_operation',
        '    target: origin/main',
        '    expect: {decision: block, severity: high}',
        '  - action: delete_repo',
        '    target: x',
        '    expect: {decision: block}',
        '',
      ].join('\n'),
      'policy.tests.yaml',
    );
    const [report, ...rest] = await ws.backend.runDecisionTests();
    assert.equal(rest.length, 0);
    assert.deepEqual([report.policy_pack, report.passed, report.failed], ['cavra-agentic-delivery', 2, 2]);
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.passed, c.line]),
      [
        ['secrets are never read', true, 2],
        ['execute_command make deploy', false, 6],
        ['git_operation origin/main', true, 11],
        ['delete_repo x', false, 14],
      ],
    );
    assert.equal(
      report.cases[1].message,
      'approver_group: expected "Platform Security", got "Repository Owners" (No allow rule matched; review required.)',
    );
    assert.match(
      report.cases[3].message!,
      /^case 4 \(line 14\): action must be one of read_file, write_file, execute_command, git_operation, mcp_tool_call/,
    );
    await assert.rejects(
      ws.backend.runDecisionTests({ policy_pack: 'cavra-github-enterprise' }),
      (e: unknown) => e instanceof BackendError && e.status === 404,
    );
  });
});
