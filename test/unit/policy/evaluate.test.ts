// RuntimeGuard's decisions as pure functions: CAVRA's order, rule ids, severities, reasons, groups.
import assert from 'node:assert/strict';
import { cavraPatternMatches, evaluateAction, pyStrip, pythonPathStr } from '../../../server/src/policy/evaluate';

const ctx = { timestamp: '2026-01-01T00:00:00+00:00', randomHex12: () => 'abcdef012345' };
const policy = {
  filesystem: { block_read: ['.env'], block_write: ['**/main.tf'], require_approval_write: ['iam/**'] },
  commands: { block: ['kubectl delete*', 'rm -rf *'], allow: ['kubectl get*'] },
  mcp: { allowed_servers: ['github'], blocked_servers: ['evil'] },
};

describe('evaluate (RuntimeGuard)', () => {
  const run = (action_type: string, target: string, extra = {}, p: object = policy) =>
    evaluateAction(p as never, { action_type, target, policy_pack: 'cavra-p', ...extra }, ctx);

  it("builds the decision with CAVRA's defaults", () => {
    const d = run('read_file', '.env');
    assert.deepEqual(d, {
      decision_id: 'dec_abcdef012345',
      session_id: 'local',
      agent_id: 'unknown-agent',
      actor: 'ai-agent',
      action_type: 'read_file',
      target: '.env',
      requested_operation: 'read',
      policy_pack: 'cavra-p',
      policy_id: 'cavra-p',
      rule_id: 'filesystem.read.block',
      decision: 'block',
      severity: 'high',
      reason: 'Matched sensitive path policy: .env',
      evidence_refs: ['evidence://local/dec_abcdef012345'],
      approver_group: null,
      timestamp: '2026-01-01T00:00:00+00:00',
      correlation_id: 'corr_abcdef012345',
    });
  });

  it('write: block before require_approval before allow', () => {
    assert.equal(run('write_file', 'infra/main.tf').rule_id, 'filesystem.write.block');
    assert.deepEqual(
      [run('write_file', 'iam/x').decision, run('write_file', 'iam/x').approver_group],
      ['require_approval', 'Platform Security'],
    );
    assert.equal(run('write_file', 'src/x.ts').rule_id, 'filesystem.write.allow');
  });

  it('commands: critical when the command applies or deletes; default needs Repository Owners', () => {
    assert.equal(run('execute_command', 'kubectl delete pod x').severity, 'critical');
    assert.equal(run('execute_command', 'rm -rf build').severity, 'high');
    assert.equal(run('execute_command', 'kubectl get pods').rule_id, 'commands.allow');
    assert.deepEqual(
      [run('execute_command', 'ls').rule_id, run('execute_command', 'ls').severity, run('execute_command', 'ls').approver_group],
      ['commands.default.require_approval', 'medium', 'Repository Owners'],
    );
  });

  it('git: a push to a ref ending in main or master is blocked; other operations allowed', () => {
    assert.equal(run('git_operation', 'origin/master').rule_id, 'git.protected_branch.block_direct_push');
    assert.equal(run('git_operation', 'origin/main', { operation: 'fetch' }).rule_id, 'git.allow');
    assert.equal(run('git_operation', '').target, 'push');
  });

  it('mcp: blocked or unknown servers blocked unless block_unknown_servers is false', () => {
    assert.equal(run('mcp_tool_call', 'github:search').decision, 'allow');
    assert.equal(run('mcp_tool_call', 'evil:x').decision, 'block');
    assert.equal(run('mcp_tool_call', 'other:x').decision, 'block');
    assert.equal(run('mcp_tool_call', 'other:x', {}, { mcp: { block_unknown_servers: false } }).decision, 'allow');
    assert.equal(run('mcp_tool_call', '', { server: 'github', tool: 't' }).target, 'github:t');
  });

  it("matches as CAVRA's regex does: whole target, * crosses /, not newlines", () => {
    assert.equal(cavraPatternMatches('**/secrets.*', 'a/b/secrets.yaml'), true);
    assert.equal(cavraPatternMatches('*.pem', 'dir/x.pem'), true);
    assert.equal(cavraPatternMatches('.env', 'x.env'), false);
    assert.equal(cavraPatternMatches('*terraform*', 'echo\nterraform apply'), false);
    assert.equal(cavraPatternMatches('a+b(c)', 'a+b(c)'), true);
  });

  it("normalizes paths as Python's str(Path()) and strips commands as str.strip()", () => {
    assert.deepEqual(['', './a//b/', '/x/./y', '//srv/x', '///x', 'a/../b'].map(pythonPathStr), [
      '.',
      'a/b',
      '/x/y',
      '//srv/x',
      '/x',
      'a/../b',
    ]);
    assert.equal(pyStrip('\u00a0 ls -la\t\n'), 'ls -la');
  });
});
