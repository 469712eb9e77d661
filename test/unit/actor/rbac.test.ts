import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ActorConfigError, CHANGE_ADVISORY_BOARD, actorCanBreakGlass, actorCanDecide, actorContextFromVerifiedClaims,
  loadOidcConfig, loadRbacPolicy, normalizeAction, parseRbacPolicy, repositoryPermissionsForActor, verifyActorToken,
  type ActorContext, type OidcConfig, type RbacPolicy,
} from '../../../server/src/backend/actor';
import { NOW, TempDir, makeKey, sign, type TestKey } from './fixtures';

const RBAC_YAML = `# as in docs/approval-workflows.md
approval_rbac:
  group_mappings:
    github-team:payments-owners: Payments Owners
  repository_permissions:
    - repository: payments/api
      approver_group: IAM
      groups: [Payments Owners]
      actions: [approved, denied]
`;

describe('approval RBAC (SPEC 3.8)', () => {
  let dir: TempDir;
  let key: TestKey;
  let config: OidcConfig;
  before(async () => {
    dir = new TempDir();
    key = await makeKey('key-1');
    config = loadOidcConfig(dir.write('oidc.json', { issuer: 'https://login.example', audience: 'cavra-approvals', jwks: { keys: [key.publicJwk] } }));
  });
  after(() => dir.remove());

  async function actor(groups: string[], rbac?: RbacPolicy): Promise<ActorContext> {
    const claims = await verifyActorToken(await sign(key, { email: 'ana@example.com', groups }), config, { now: NOW });
    return actorContextFromVerifiedClaims(claims, rbac);
  }

  describe('loading', () => {
    it('reads the documented YAML, with the approval_rbac root key', () => {
      const rbac = loadRbacPolicy(dir.write('rbac.yaml', RBAC_YAML));
      assert.equal(rbac.file, join(dir.path, 'rbac.yaml'));
      assert.deepEqual([...rbac.groupMappings], [['github-team:payments-owners', ['Payments Owners']]]);
      assert.deepEqual(rbac.repositoryPermissions, [{ repository: 'payments/api', approverGroup: 'IAM', groups: ['Payments Owners'], actions: ['approved', 'denied'] }]);
    });

    it('reads JSON without the root key; `repositories` alias; default and aliased actions', () => {
      const rbac = loadRbacPolicy(dir.write('rbac.json', { repositories: [
        { repository: 'a/b', groups: ['Owners'] },
        { approver_group: 'IAM', groups: ['Sec'], actions: ['approve', 'deny', 'expire'] },
      ] }));
      assert.deepEqual(rbac.repositoryPermissions, [
        { repository: 'a/b', approverGroup: null, groups: ['Owners'], actions: ['approved', 'denied'] },
        { repository: null, approverGroup: 'IAM', groups: ['Sec'], actions: ['approved', 'denied', 'expired'] },
      ]);
      assert.equal(loadRbacPolicy(dir.write('empty.yaml', '')).repositoryPermissions.length, 0);
    });

    it('names the file and the field at fault', () => {
      const cases: Array<[unknown, string | undefined, RegExp]> = [
        [{ approval_rbac: [] }, 'approval_rbac', /must be an object/],
        [{ group_mappings: ['a'] }, 'group_mappings', /must be an object/],
        [{ approval_rbac: { group_mappings: { a: 3 } } }, 'approval_rbac.group_mappings.a', /must be a group name/],
        [{ repository_permissions: {} }, 'repository_permissions', /must be a list/],
        [{ repository_permissions: [], repositories: [] }, 'repositories', /not both/],
        [{ repositories: ['x'] }, 'repositories[0]', /must be an object/],
        [{ repository_permissions: [{ groups: ['a'] }, { repository: 'r' }] }, 'repository_permissions[1].groups', /is missing/],
        [{ repository_permissions: [{ groups: 'Owners' }] }, 'repository_permissions[0].groups', /must be a list of group names/],
        [{ repository_permissions: [{ groups: ['a'], repository: 5 }] }, 'repository_permissions[0].repository', /must be a string/],
        [{ repository_permissions: [{ groups: ['a'], actions: 'approved' }] }, 'repository_permissions[0].actions', /must be a list/],
        [{ repository_permissions: [{ groups: ['a'], actions: ['approved', 'aprove'] }] }, 'repository_permissions[0].actions[1]', /unknown action "aprove"/],
        [{ repository_permissions: [{ groups: ['a'], actions: ['constructor'] }] }, 'repository_permissions[0].actions[0]', /unknown action/],
      ];
      const file = join(dir.path, 'bad.json');
      for (const [content, field, problem] of cases) {
        dir.write('bad.json', content);
        assert.throws(() => loadRbacPolicy(file), (e: unknown) =>
          e instanceof ActorConfigError && e.file === file && e.field === field && problem.test(e.problem) && e.message.startsWith(`${file}: `),
        `${JSON.stringify(content)}`);
      }
      const missing = join(dir.path, 'none.yaml');
      assert.throws(() => loadRbacPolicy(missing), { message: `${missing}: approval RBAC policy file not found` });
      assert.throws(() => loadRbacPolicy(dir.write('list.yaml', '- a\n')), /must contain an object/);
      assert.throws(() => loadRbacPolicy(dir.write('bad.yaml', 'a: [\n')), (e: unknown) => e instanceof ActorConfigError && /invalid YAML/.test(e.message));
    });

    it('normalizes action names and refuses unknown ones', () => {
      assert.equal(normalizeAction('approve'), 'approved');
      assert.equal(normalizeAction('deny'), 'denied');
      assert.equal(normalizeAction('expire'), 'expired');
      assert.equal(normalizeAction('denied'), 'denied');
      assert.throws(() => normalizeAction('publish' as never), TypeError);
    });
  });

  describe('actorCanDecide', () => {
    const rbac = parseRbacPolicy({ approval_rbac: {
      group_mappings: { 'github-team:payments-owners': 'Payments Owners' },
      repository_permissions: [
        { repository: 'payments/api', approver_group: 'IAM', groups: ['Payments Owners'], actions: ['approved', 'denied'] },
        { repository: 'infra/tf', groups: ['Infra Leads'], actions: ['expire'] },
        { approver_group: 'AI Governance', groups: ['ML Leads'] },
      ],
    } }, 'inline');
    const iamApproval = (where: Record<string, unknown> = {}) => ({ approver_group: 'IAM', state: 'pending', ...where });

    it('expire by an actor in group `system` is allowed, whatever the approver group (expire or expired)', async () => {
      const system = await actor(['system']);
      assert.ok(actorCanDecide(iamApproval(), system, 'expire'));
      assert.ok(actorCanDecide(iamApproval(), system, 'expired'));
      assert.ok(actorCanDecide({ ...iamApproval(), break_glass: true }, system, 'expire'));
      assert.ok(!actorCanDecide(iamApproval(), system, 'approve'));
      assert.ok(!actorCanDecide(iamApproval(), system, 'deny'));
    });

    it('a break-glass approval needs Change Advisory Board, even for its approver group', async () => {
      const bg = { approver_group: 'IAM', break_glass: true };
      assert.ok(!actorCanDecide(bg, await actor(['IAM']), 'approve'));
      assert.ok(actorCanDecide(bg, await actor(['IAM', CHANGE_ADVISORY_BOARD]), 'approve'));
      // CAB alone is not enough when the approval belongs to another group.
      assert.ok(!actorCanDecide(bg, await actor([CHANGE_ADVISORY_BOARD]), 'approve'));
      assert.ok(actorCanDecide({ ...bg, approver_group: CHANGE_ADVISORY_BOARD }, await actor([CHANGE_ADVISORY_BOARD]), 'deny'));
      // A repository permission does not bypass the CAB requirement.
      const owner = await actor(['github-team:payments-owners'], rbac);
      assert.ok(!actorCanDecide({ ...bg, decision: { repository: 'payments/api' } }, owner, 'approve', rbac));
    });

    it('a matching repository permission allows (repository from approval, decision.repository or decision.repo)', async () => {
      const owner = await actor(['github-team:payments-owners'], rbac);
      assert.deepEqual(owner.groups, ['Payments Owners', 'github-team:payments-owners']);
      assert.ok(actorCanDecide(iamApproval({ decision: { repository: 'payments/api' } }), owner, 'approve', rbac));
      assert.ok(actorCanDecide(iamApproval({ decision: { repo: 'payments/api' } }), owner, 'deny', rbac));
      assert.ok(actorCanDecide(iamApproval({ repository: 'payments/api', decision: { repository: 'other/x' } }), owner, 'approved', rbac));
      assert.ok(actorCanDecide(iamApproval({ repository: 'payments/api' }), owner, 'approve', rbac));
    });

    it('a permission that does not match on repository, approver group, action or groups does not allow', async () => {
      const owner = await actor(['github-team:payments-owners'], rbac);
      assert.ok(!actorCanDecide(iamApproval({ decision: { repository: 'payments/web' } }), owner, 'approve', rbac), 'repository');
      assert.ok(!actorCanDecide(iamApproval({ decision: {} }), owner, 'approve', rbac), 'no repository');
      assert.ok(!actorCanDecide({ approver_group: 'Cloud Security', decision: { repository: 'payments/api' } }, owner, 'approve', rbac), 'approver group');
      assert.ok(!actorCanDecide(iamApproval({ decision: { repository: 'payments/api' } }), owner, 'expire', rbac), 'action (expired not listed)');
      const stranger = await actor(['Readers'], rbac);
      assert.ok(!actorCanDecide(iamApproval({ decision: { repository: 'payments/api' } }), stranger, 'approve', rbac), 'groups');
      // Without the RBAC policy the permission does not exist.
      assert.ok(!actorCanDecide(iamApproval({ decision: { repository: 'payments/api' } }), owner, 'approve'), 'no rbac');
    });

    it('permissions without repository or approver group match any; actions as listed', async () => {
      const infra = await actor(['Infra Leads'], rbac);
      assert.ok(actorCanDecide({ approver_group: 'Cloud Security', decision: { repository: 'infra/tf' } }, infra, 'expire', rbac));
      assert.ok(!actorCanDecide({ approver_group: 'Cloud Security', decision: { repository: 'infra/tf' } }, infra, 'approve', rbac));
      const ml = await actor(['ML Leads'], rbac);
      assert.ok(actorCanDecide({ approver_group: 'AI Governance', decision: { repository: 'any/repo' } }, ml, 'approve', rbac));
      assert.ok(actorCanDecide({ approver_group: 'AI Governance' }, ml, 'deny', rbac));
      assert.ok(!actorCanDecide({ approver_group: 'IAM' }, ml, 'deny', rbac));
    });

    it('otherwise allowed iff the approval approver_group is one of the actor groups', async () => {
      const iam = await actor(['IAM']);
      assert.ok(actorCanDecide(iamApproval(), iam, 'approve'));
      assert.ok(actorCanDecide(iamApproval(), iam, 'deny', rbac));
      assert.ok(actorCanDecide(iamApproval(), iam, 'expire'));
      assert.ok(!actorCanDecide({ approver_group: 'Platform Security' }, iam, 'approve', rbac));
      assert.ok(!actorCanDecide({}, iam, 'approve'));
      assert.ok(!actorCanDecide({ approver_group: 'iam' }, iam, 'approve'), 'case-sensitive');
    });

    it('refuses an actor context that did not come from a verified token', async () => {
      const forged = { actor: 'mallory', subject: null, issuer: null, groups: ['IAM', 'system', CHANGE_ADVISORY_BOARD], repository: null };
      assert.throws(() => actorCanDecide(iamApproval(), forged, 'approve'), TypeError);
      assert.throws(() => actorCanBreakGlass({}, forged), TypeError);
      const copied = { ...(await actor(['IAM'])) };
      assert.throws(() => actorCanDecide(iamApproval(), copied, 'approve'), TypeError);
    });
  });

  describe('actorCanBreakGlass', () => {
    it('the verified actor must be in Change Advisory Board', async () => {
      assert.ok(actorCanBreakGlass({}, await actor([CHANGE_ADVISORY_BOARD])));
      assert.ok(actorCanBreakGlass({ decision: { decision_id: 'dec_1' } }, await actor(['IAM', CHANGE_ADVISORY_BOARD])));
      assert.ok(!actorCanBreakGlass({}, await actor(['IAM', 'system'])));
    });
    it('a request for another approver group also needs that group (or a repository permission)', async () => {
      assert.ok(!actorCanBreakGlass({ approver_group: 'Incident Command' }, await actor([CHANGE_ADVISORY_BOARD])));
      assert.ok(actorCanBreakGlass({ approver_group: 'Incident Command' }, await actor([CHANGE_ADVISORY_BOARD, 'Incident Command'])));
      const rbac = parseRbacPolicy({ repository_permissions: [{ repository: 'payments/api', groups: [CHANGE_ADVISORY_BOARD] }] }, 'inline');
      assert.ok(actorCanBreakGlass({ approver_group: 'Incident Command', decision: { repository: 'payments/api' } }, await actor([CHANGE_ADVISORY_BOARD]), rbac));
    });
  });

  it('repositoryPermissionsForActor lists the permissions granted to the actor, in CAVRA shape', async () => {
    const rbac = parseRbacPolicy({ repository_permissions: [
      { repository: 'payments/api', approver_group: 'IAM', groups: ['Owners', 'Admins'], actions: ['deny', 'approve'] },
      { groups: ['Owners'], actions: ['expire'] },
      { groups: ['Others'] },
    ] }, 'inline');
    assert.deepEqual(repositoryPermissionsForActor(await actor(['Owners'], rbac), rbac), [
      { repository: 'payments/api', approver_group: 'IAM', actions: ['approved', 'denied'], groups: ['Admins', 'Owners'] },
      { repository: '*', approver_group: '*', actions: ['expired'], groups: ['Owners'] },
    ]);
    assert.deepEqual(repositoryPermissionsForActor(await actor(['Owners']), null), []);
  });
});
