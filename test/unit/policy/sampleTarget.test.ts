// A rule's sample action (the hover's "What would CAVRA decide for …?"): for every enforced list and
// patterns of every shape, the sample is an action CAVRA's own evaluator decides by that very entry when
// the entry is alone in its pack; lists CAVRA's runtime does not read have no sample.
import assert from 'node:assert/strict';
import { evaluateAction } from '../../../server/src/policy/evaluate';
import { sampleAction } from '../../../server/src/policy/sampleTarget';

const ctx = { timestamp: '2026-01-01T00:00:00+00:00', randomHex12: () => 'abcdef012345' };

/** The rule id CAVRA gives when only this list holds the entry (policy/evaluate.ts, SPEC 2.4). */
const RULE_OF: Record<string, string> = {
  'filesystem.block_read': 'filesystem.read.block',
  'filesystem.block_write': 'filesystem.write.block',
  'filesystem.require_approval_write': 'filesystem.write.require_approval',
  'commands.block': 'commands.block',
  'commands.allow': 'commands.allow',
  'mcp.allowed_servers': 'mcp.server.trust.allow',
  'mcp.blocked_servers': 'mcp.server.trust.block_unknown',
};

const PATTERNS: Record<string, string[]> = {
  'filesystem.block_read': ['.env', '**/*.pem', 'secrets/team-7/**/*.key', '**', '*token*', 'config/prod.yaml'],
  'filesystem.block_write': ['**/main.tf', 'infra/iam/role-42/**', '*.lock'],
  'filesystem.require_approval_write': ['.github/workflows/**', 'iam/**', 'migrations/*.sql'],
  'commands.block': ['terraform apply -target=module.m3*', 'rm -rf *', 'git push --force*', 'kubectl delete ns *'],
  'commands.allow': ['npm test', 'git diff*', 'pytest tests/*'],
  'mcp.allowed_servers': ['github', 'jira'],
  'mcp.blocked_servers': ['shell-everything', 'server-17'],
};

describe('sampleAction: a sample action for a rule, decided by that rule', () => {
  for (const [list, patterns] of Object.entries(PATTERNS)) {
    it(`${list}: CAVRA decides the sample by this entry`, () => {
      const [section, key] = list.split('.');
      for (const pattern of patterns) {
        const sample = sampleAction(list, pattern);
        assert.ok(sample, `${list} ${pattern}`);
        // An MCP block must come from the list, not from "block unknown servers" (on by default).
        const policy = { [section]: { [key]: [pattern], ...(section === 'mcp' ? { block_unknown_servers: false } : {}) } };
        const d = evaluateAction(policy as never, { ...sample, policy_pack: 'cavra-p' }, ctx);
        assert.equal(d.rule_id, RULE_OF[list], `${pattern} → ${sample.target}: ${d.rule_id} (${d.reason})`);
        if (section !== 'mcp') assert.match(String(d.reason), new RegExp(`: ${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      }
    });
  }

  it("lists CAVRA's runtime does not read (commands.require_approval, compliance…) have no sample", () => {
    assert.equal(sampleAction('commands.require_approval', 'gh release *'), undefined);
    for (const list of ['compliance.maps_to', 'metadata.inherits', 'git.protected_branches'])
      assert.equal(sampleAction(list, 'x'), undefined, list);
    assert.equal(sampleAction('commands.block', ''), undefined);
  });
});
