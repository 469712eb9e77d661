// Approver-group routing (default rules and routing files) and actor_can_decide.
import assert from 'node:assert/strict';
import { actorCanDecide, defaultRoutingRules, routeApproverGroup, routingRulesFromPayload, RoutingFileError } from '../../../server/src/policy/approvalRouting';

describe('approvalRouting', () => {
  it('first matching rule wins; rule keys are equality, prefix and substring checks', () => {
    const rules = routingRulesFromPayload({ routing_rules: [
      { action_type: 'write_file', severity: 'high', approver_group: 'A' },
      { policy_pack: 'cavra-p', approver_group: 'B' },
      { rule_id: 'x.y', approver_group: 'C' },
    ] });
    assert.equal(routeApproverGroup({ action_type: 'write_file', severity: 'high', policy_pack: 'cavra-p' }, rules), 'A');
    assert.equal(routeApproverGroup({ action_type: 'write_file', severity: 'low', policy_pack: 'cavra-p' }, rules), 'B');
    assert.equal(routeApproverGroup({ rule_id: 'x.y' }, rules), 'C');
    assert.equal(routeApproverGroup({ rule_id: 'x.yz' }, rules), null);
    assert.equal(routeApproverGroup({ rule_id: 'filesystem.write.block', target: 'a/iam/b' }, defaultRoutingRules()), 'IAM');
  });

  it('reads a bare list or `approval_routing`, and refuses anything else with CAVRA\'s messages', () => {
    assert.equal(routingRulesFromPayload([{ approver_group: 'X' }]).length, 1);
    assert.throws(() => routingRulesFromPayload({ rules: [] }), (e: unknown) => e instanceof RoutingFileError && e.message === 'approval routing file must contain a list of rules');
    assert.throws(() => routingRulesFromPayload('x'), /must contain a list of rules/);
    assert.throws(() => routingRulesFromPayload([{ rule_id: 'a' }]), /each approval routing rule must include approver_group/);
  });

  it('actor_can_decide: system expires, break-glass needs CAB, RBAC by repository, else the approver group', () => {
    const approval = { approver_group: 'IAM', decision: { repository: 'payments/api' } };
    assert.equal(actorCanDecide({ groups: ['system'] }, approval, 'expired'), true);
    assert.equal(actorCanDecide({ groups: ['system'] }, approval, 'approved'), false);
    assert.equal(actorCanDecide({ groups: ['IAM'] }, { ...approval, break_glass: true }, 'approved'), false);
    assert.equal(actorCanDecide({ groups: ['IAM', 'Change Advisory Board'] }, { ...approval, break_glass: true }, 'approved'), true);
    const perms = [{ repository: 'payments/api', groups: ['Owners'] }];
    assert.equal(actorCanDecide({ groups: ['Owners'] }, approval, 'approve', perms), true);
    assert.equal(actorCanDecide({ groups: ['Owners'] }, approval, 'expired', perms), false);
    assert.equal(actorCanDecide({ groups: ['Owners'] }, { ...approval, decision: { repository: 'other' } }, 'denied', perms), false);
    assert.equal(actorCanDecide({ groups: ['IAM'] }, approval, 'denied'), true);
  });
});
