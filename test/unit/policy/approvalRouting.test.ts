// Approver-group routing (default rules and routing files) and actor_can_decide.
import assert from 'node:assert/strict';
import {
  CHANGE_ADVISORY_BOARD,
  actorCanBreakGlass,
  actorCanDecide,
  defaultRoutingRules,
  normalizeAction,
  routeApproverGroup,
  routingRulesFromPayload,
  RoutingFileError,
  type RepositoryPermission,
} from '../../../server/src/policy/approvalRouting';

describe('approvalRouting', () => {
  it('first matching rule wins; rule keys are equality, prefix and substring checks', () => {
    const rules = routingRulesFromPayload({
      routing_rules: [
        { action_type: 'write_file', severity: 'high', approver_group: 'A' },
        { policy_pack: 'cavra-p', approver_group: 'B' },
        { rule_id: 'x.y', approver_group: 'C' },
      ],
    });
    assert.equal(routeApproverGroup({ action_type: 'write_file', severity: 'high', policy_pack: 'cavra-p' }, rules), 'A');
    assert.equal(routeApproverGroup({ action_type: 'write_file', severity: 'low', policy_pack: 'cavra-p' }, rules), 'B');
    assert.equal(routeApproverGroup({ rule_id: 'x.y' }, rules), 'C');
    assert.equal(routeApproverGroup({ rule_id: 'x.yz' }, rules), null);
    assert.equal(routeApproverGroup({ rule_id: 'filesystem.write.block', target: 'a/iam/b' }, defaultRoutingRules()), 'IAM');
  });

  it("reads a bare list or `approval_routing`, and refuses anything else with CAVRA's messages", () => {
    assert.equal(routingRulesFromPayload([{ approver_group: 'X' }]).length, 1);
    assert.throws(
      () => routingRulesFromPayload({ rules: [] }),
      (e: unknown) => e instanceof RoutingFileError && e.message === 'approval routing file must contain a list of rules',
    );
    assert.throws(() => routingRulesFromPayload('x'), /must contain a list of rules/);
    assert.throws(() => routingRulesFromPayload([{ rule_id: 'a' }]), /each approval routing rule must include approver_group/);
  });

  it('actor_can_decide: system expires, break-glass needs CAB, RBAC by repository, else the approver group', () => {
    const approval = { approver_group: 'IAM', decision: { repository: 'payments/api' } };
    assert.equal(actorCanDecide({ groups: ['system'] }, approval, 'expired'), true);
    assert.equal(actorCanDecide({ groups: ['system'] }, approval, 'approved'), false);
    assert.equal(actorCanDecide({ groups: ['IAM'] }, { ...approval, break_glass: true }, 'approved'), false);
    assert.equal(
      actorCanDecide({ groups: ['IAM', 'Change Advisory Board'] }, { ...approval, break_glass: true }, 'approved'),
      true,
    );
    const perms = [{ repository: 'payments/api', groups: ['Owners'] }];
    assert.equal(actorCanDecide({ groups: ['Owners'] }, approval, 'approve', perms), true);
    assert.equal(actorCanDecide({ groups: ['Owners'] }, approval, 'expired', perms), false);
    assert.equal(
      actorCanDecide({ groups: ['Owners'] }, { ...approval, decision: { repository: 'other' } }, 'denied', perms),
      false,
    );
    assert.equal(actorCanDecide({ groups: ['IAM'] }, approval, 'denied'), true);
  });

  it('normalizes action names and refuses unknown ones', () => {
    assert.equal(normalizeAction('approve'), 'approved');
    assert.equal(normalizeAction('deny'), 'denied');
    assert.equal(normalizeAction('expire'), 'expired');
    assert.equal(normalizeAction('denied'), 'denied');
    assert.throws(() => normalizeAction('publish' as never), TypeError);
    assert.throws(() => actorCanDecide({ groups: ['IAM'] }, { approver_group: 'IAM' }, 'publish' as never), TypeError);
  });

  describe('actorCanDecide', () => {
    const permissions: RepositoryPermission[] = [
      { repository: 'payments/api', approver_group: 'IAM', groups: ['Payments Owners'], actions: ['approved', 'denied'] },
      { repository: 'infra/tf', groups: ['Infra Leads'], actions: ['expire'] },
      { approver_group: 'AI Governance', groups: ['ML Leads'] },
    ];
    const iamApproval = (where: Record<string, unknown> = {}) => ({ approver_group: 'IAM', state: 'pending', ...where });
    const actor = (groups: string[]) => ({ groups });
    const owner = actor(['Payments Owners', 'github-team:payments-owners']);

    it('expire by an actor in group `system` is allowed, whatever the approver group (expire or expired)', () => {
      const system = actor(['system']);
      assert.ok(actorCanDecide(system, iamApproval(), 'expire'));
      assert.ok(actorCanDecide(system, iamApproval(), 'expired'));
      assert.ok(actorCanDecide(system, { ...iamApproval(), break_glass: true }, 'expire'));
      assert.ok(!actorCanDecide(system, iamApproval(), 'approve'));
      assert.ok(!actorCanDecide(system, iamApproval(), 'deny'));
    });

    it('a break-glass approval needs Change Advisory Board, even for its approver group', () => {
      const bg = { approver_group: 'IAM', break_glass: true };
      assert.ok(!actorCanDecide(actor(['IAM']), bg, 'approve'));
      assert.ok(actorCanDecide(actor(['IAM', CHANGE_ADVISORY_BOARD]), bg, 'approve'));
      // CAB alone is not enough when the approval belongs to another group.
      assert.ok(!actorCanDecide(actor([CHANGE_ADVISORY_BOARD]), bg, 'approve'));
      assert.ok(actorCanDecide(actor([CHANGE_ADVISORY_BOARD]), { ...bg, approver_group: CHANGE_ADVISORY_BOARD }, 'deny'));
      // A repository permission does not bypass the CAB requirement.
      assert.ok(!actorCanDecide(owner, { ...bg, decision: { repository: 'payments/api' } }, 'approve', permissions));
    });

    it('a matching repository permission allows (repository from approval, decision.repository or decision.repo)', () => {
      assert.ok(actorCanDecide(owner, iamApproval({ decision: { repository: 'payments/api' } }), 'approve', permissions));
      assert.ok(actorCanDecide(owner, iamApproval({ decision: { repo: 'payments/api' } }), 'deny', permissions));
      assert.ok(
        actorCanDecide(
          owner,
          iamApproval({ repository: 'payments/api', decision: { repository: 'other/x' } }),
          'approved',
          permissions,
        ),
      );
      assert.ok(actorCanDecide(owner, iamApproval({ repository: 'payments/api' }), 'approve', permissions));
    });

    it('a permission that does not match on repository, approver group, action or groups does not allow', () => {
      assert.ok(
        !actorCanDecide(owner, iamApproval({ decision: { repository: 'payments/web' } }), 'approve', permissions),
        'repository',
      );
      assert.ok(!actorCanDecide(owner, iamApproval({ decision: {} }), 'approve', permissions), 'no repository');
      assert.ok(
        !actorCanDecide(
          owner,
          { approver_group: 'Cloud Security', decision: { repository: 'payments/api' } },
          'approve',
          permissions,
        ),
        'approver group',
      );
      assert.ok(
        !actorCanDecide(owner, iamApproval({ decision: { repository: 'payments/api' } }), 'expire', permissions),
        'action (expired not listed)',
      );
      assert.ok(
        !actorCanDecide(actor(['Readers']), iamApproval({ decision: { repository: 'payments/api' } }), 'approve', permissions),
        'groups',
      );
      // Without the permissions the permission does not exist.
      assert.ok(!actorCanDecide(owner, iamApproval({ decision: { repository: 'payments/api' } }), 'approve'), 'no rbac');
    });

    it('permissions without repository or approver group match any; actions as listed (verbs or states)', () => {
      const infra = actor(['Infra Leads']);
      assert.ok(
        actorCanDecide(infra, { approver_group: 'Cloud Security', decision: { repository: 'infra/tf' } }, 'expire', permissions),
      );
      assert.ok(
        !actorCanDecide(
          infra,
          { approver_group: 'Cloud Security', decision: { repository: 'infra/tf' } },
          'approve',
          permissions,
        ),
      );
      const ml = actor(['ML Leads']);
      assert.ok(
        actorCanDecide(ml, { approver_group: 'AI Governance', decision: { repository: 'any/repo' } }, 'approve', permissions),
      );
      assert.ok(actorCanDecide(ml, { approver_group: 'AI Governance' }, 'deny', permissions));
      assert.ok(!actorCanDecide(ml, { approver_group: 'IAM' }, 'deny', permissions));
    });

    it('otherwise allowed iff the approval approver_group is one of the actor groups', () => {
      const iam = actor(['IAM']);
      assert.ok(actorCanDecide(iam, iamApproval(), 'approve'));
      assert.ok(actorCanDecide(iam, iamApproval(), 'deny', permissions));
      assert.ok(actorCanDecide(iam, iamApproval(), 'expire'));
      assert.ok(!actorCanDecide(iam, { approver_group: 'Platform Security' }, 'approve', permissions));
      assert.ok(!actorCanDecide(iam, {}, 'approve'));
      assert.ok(!actorCanDecide(iam, { approver_group: 'iam' }, 'approve'), 'case-sensitive');
    });
  });

  describe('actorCanBreakGlass', () => {
    it('the actor must be in Change Advisory Board', () => {
      assert.ok(actorCanBreakGlass({ groups: [CHANGE_ADVISORY_BOARD] }, {}));
      assert.ok(actorCanBreakGlass({ groups: ['IAM', CHANGE_ADVISORY_BOARD] }, { decision: { decision_id: 'dec_1' } }));
      assert.ok(!actorCanBreakGlass({ groups: ['IAM', 'system'] }, {}));
    });
    it('a request for another approver group also needs that group (or a repository permission)', () => {
      assert.ok(!actorCanBreakGlass({ groups: [CHANGE_ADVISORY_BOARD] }, { approver_group: 'Incident Command' }));
      assert.ok(
        actorCanBreakGlass({ groups: [CHANGE_ADVISORY_BOARD, 'Incident Command'] }, { approver_group: 'Incident Command' }),
      );
      const permissions = [{ repository: 'payments/api', groups: [CHANGE_ADVISORY_BOARD] }];
      assert.ok(
        actorCanBreakGlass(
          { groups: [CHANGE_ADVISORY_BOARD] },
          { approver_group: 'Incident Command', decision: { repository: 'payments/api' } },
          permissions,
        ),
      );
    });
  });
});
