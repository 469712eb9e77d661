// CAVRA's publish risk: create high; any removal critical; sensitive sections high; other changes
// medium; nothing low. Operator notes as CAVRA words them.
import assert from 'node:assert/strict';
import { publishOperatorNotes, publishRisk } from '../../../server/src/policy/publishRisk';

const diff = (added: string[] = [], removed: string[] = [], changed: string[] = []) => ({ added, removed, changed });

describe('publishRisk', () => {
  it("applies CAVRA's rules in order", () => {
    assert.equal(publishRisk(false, diff()), 'high');
    assert.equal(publishRisk(true, diff(['git.x'], ['commands.block'])), 'critical');
    for (const p of ['approvals.a', 'git.b', 'mcp.c', 'evidence.d', 'compliance.e'])
      assert.equal(publishRisk(true, diff([], [], [p])), 'high', p);
    assert.equal(publishRisk(true, diff(['commands.allow'])), 'medium');
    assert.equal(publishRisk(true, diff(['gitx.y'])), 'medium');
    assert.equal(publishRisk(true, diff()), 'low');
  });

  it('says what publishing needs', () => {
    assert.deepEqual(publishOperatorNotes('medium', true), [
      'Publishing writes policy.yaml and policy.yaml.sig.json only after approval.',
      'The approval request is bound to the draft policy digest to prevent approving one draft and publishing another.',
    ]);
    assert.deepEqual(publishOperatorNotes('critical', false), [
      'Fix schema validation errors before requesting approval.',
      'Publishing writes policy.yaml and policy.yaml.sig.json only after approval.',
      'The approval request is bound to the draft policy digest to prevent approving one draft and publishing another.',
      'Security or platform approval is required before write-back.',
    ]);
  });
});
