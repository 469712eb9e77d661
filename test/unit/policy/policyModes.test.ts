// CAVRA's runtime policy modes (SPEC 2.5, derived): every base decision under every mode.
import assert from 'node:assert/strict';
import { applyPolicyMode, POLICY_MODES } from '../../../server/src/policy/policyModes';

describe('policy modes (SPEC 2.5)', () => {
  const bases = ['allow', 'block', 'require_approval'];
  const expected: Record<string, Record<string, string>> = {
    audit_only: { allow: 'allow', block: 'audit_only', require_approval: 'audit_only' },
    enforce: { allow: 'allow', block: 'block', require_approval: 'require_approval' },
    strict: { allow: 'require_approval', block: 'block', require_approval: 'require_approval' },
    break_glass: { allow: 'block', block: 'block', require_approval: 'block' },
  };

  it('without a break-glass claim: the effective decision of each base under each mode', () => {
    for (const mode of POLICY_MODES)
      for (const base of bases)
        assert.equal(applyPolicyMode(base, mode).effective_decision, expected[mode][base], `${base} × ${mode}`);
  });

  it('break_glass with an actor and a reason allows only with attestation, and asks for evidence', () => {
    for (const base of bases) {
      const r = applyPolicyMode(base, 'break_glass', { actor: 'ic', reason: 'INC-7' });
      assert.deepEqual(
        [r.effective_decision, r.evidence_required, r.break_glass_actor_present],
        ['allow_with_attestation', true, true],
      );
    }
    const blank = applyPolicyMode('allow', 'break_glass', { actor: '  ', reason: 'x' });
    assert.equal(blank.effective_decision, 'block');
    assert.match(blank.mode_reason, /without an actor$/);
  });

  it('audit_only asks for evidence when it lets through what the rules stopped; enforce never changes anything', () => {
    assert.equal(applyPolicyMode('block', 'audit_only').evidence_required, true);
    assert.equal(applyPolicyMode('allow', 'audit_only').evidence_required, false);
    for (const base of bases) assert.equal(applyPolicyMode(base, 'enforce').base_decision, base);
  });
});
