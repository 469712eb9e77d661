import { strict as assert } from 'node:assert';
import { buildPolicyPack } from '../../../server/src/policy/draft';
import { countRules, policySummary, ruleCounts, totalRules } from '../../../server/src/policy/summary';
import { PyFloat } from '../../../server/src/policy/pythonValues';
import { recordedDraft, SPEC_DRAFT_BODY } from './recordedDraft';

describe('policy summary and rule counts (SPEC 3.1)', () => {
  it('counts the SPEC example: filesystem with two single-entry lists is 2', () => {
    const counts = ruleCounts({ filesystem: { block_read: ['.env'], require_approval_write: ['iam/'] } });
    assert.equal(counts.filesystem, 2);
    assert.equal(totalRules(counts), 2);
  });

  it('equals the summary CAVRA recorded for the SPEC 3.2 draft, key order included', () => {
    assert.equal(JSON.stringify(policySummary(buildPolicyPack(SPEC_DRAFT_BODY))), JSON.stringify(recordedDraft.summary));
  });

  it('counts a list by its length, a mapping by the sum of its values, a truthy scalar as 1, a falsy one as 0', () => {
    assert.equal(countRules(['a', 'b', 'c']), 3);
    assert.equal(
      countRules({
        a: ['x'],
        b: { c: ['y', 'z'], d: true, e: false, f: 0, g: '', h: null, i: 'text', j: new PyFloat(0), k: new PyFloat(0.5) },
      }),
      6,
    );
    assert.equal(countRules([]), 0);
    assert.equal(countRules({}), 0);
  });

  it('counts every one of the seven sections and nothing else', () => {
    const counts = ruleCounts({
      metadata: { id: 'x' },
      notes: ['a'],
      git: { require_pull_request: true, require_human_reviewer: false },
      approvals: { p: { approvers: ['A', 'B'] } },
    });
    assert.deepEqual(counts, { filesystem: 0, commands: 0, git: 1, mcp: 0, approvals: 2, evidence: 0, compliance: 0 });
  });

  it('defaults mode to enforce and fills null for missing fields', () => {
    assert.deepEqual(policySummary({ metadata: { id: 'cavra-a' } }), {
      policy_id: 'cavra-a',
      title: null,
      version: null,
      inherits: null,
      mode: 'enforce',
      rule_counts: { filesystem: 0, commands: 0, git: 0, mcp: 0, approvals: 0, evidence: 0, compliance: 0 },
    });
    assert.equal(policySummary({ metadata: { mode: 'audit_only' } }).mode, 'audit_only');
    // CAVRA: metadata.get("mode", "enforce"): the default is for an absent key, not an empty one.
    assert.equal(policySummary({ metadata: { mode: null } }).mode, null);
  });
});
