import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ActorConfigError,
  actorContextFromVerifiedClaims,
  loadOidcConfig,
  loadRbacPolicy,
  parseRbacPolicy,
  repositoryPermissionsForActor,
  verifyActorToken,
  type ActorContext,
  type OidcConfig,
  type RbacPolicy,
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

// Who may decide with these permissions is policy/approvalRouting.ts (test/unit/policy/approvalRouting.test.ts).
describe('approval RBAC file (SPEC 3.8)', () => {
  let dir: TempDir;
  let key: TestKey;
  let config: OidcConfig;
  before(async () => {
    dir = new TempDir();
    key = await makeKey('key-1');
    config = loadOidcConfig(
      dir.write('oidc.json', { issuer: 'https://login.example', audience: 'cavra-approvals', jwks: { keys: [key.publicJwk] } }),
    );
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
      assert.deepEqual(rbac.repositoryPermissions, [
        { repository: 'payments/api', approver_group: 'IAM', groups: ['Payments Owners'], actions: ['approved', 'denied'] },
      ]);
    });

    it('reads JSON without the root key; `repositories` alias; default and aliased actions', () => {
      const rbac = loadRbacPolicy(
        dir.write('rbac.json', {
          repositories: [
            { repository: 'a/b', groups: ['Owners'] },
            { approver_group: 'IAM', groups: ['Sec'], actions: ['approve', 'deny', 'expire'] },
          ],
        }),
      );
      assert.deepEqual(rbac.repositoryPermissions, [
        { repository: 'a/b', groups: ['Owners'], actions: ['approved', 'denied'] },
        { approver_group: 'IAM', groups: ['Sec'], actions: ['approved', 'denied', 'expired'] },
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
        [
          { repository_permissions: [{ groups: ['a'], repository: 5 }] },
          'repository_permissions[0].repository',
          /must be a string/,
        ],
        [
          { repository_permissions: [{ groups: ['a'], actions: 'approved' }] },
          'repository_permissions[0].actions',
          /must be a list/,
        ],
        [
          { repository_permissions: [{ groups: ['a'], actions: ['approved', 'aprove'] }] },
          'repository_permissions[0].actions[1]',
          /unknown action "aprove"/,
        ],
        [
          { repository_permissions: [{ groups: ['a'], actions: ['constructor'] }] },
          'repository_permissions[0].actions[0]',
          /unknown action/,
        ],
      ];
      const file = join(dir.path, 'bad.json');
      for (const [content, field, problem] of cases) {
        dir.write('bad.json', content);
        assert.throws(
          () => loadRbacPolicy(file),
          (e: unknown) =>
            e instanceof ActorConfigError &&
            e.file === file &&
            e.field === field &&
            problem.test(e.problem) &&
            e.message.startsWith(`${file}: `),
          `${JSON.stringify(content)}`,
        );
      }
      const missing = join(dir.path, 'none.yaml');
      assert.throws(() => loadRbacPolicy(missing), { message: `${missing}: approval RBAC policy file not found` });
      assert.throws(() => loadRbacPolicy(dir.write('list.yaml', '- a\n')), /must contain an object/);
      assert.throws(
        () => loadRbacPolicy(dir.write('bad.yaml', 'a: [\n')),
        (e: unknown) => e instanceof ActorConfigError && /invalid YAML/.test(e.message),
      );
    });
  });

  it('group_mappings add their groups to the verified actor', async () => {
    const rbac = parseRbacPolicy(
      { approval_rbac: { group_mappings: { 'github-team:payments-owners': 'Payments Owners' } } },
      'inline',
    );
    assert.deepEqual((await actor(['github-team:payments-owners'], rbac)).groups, [
      'Payments Owners',
      'github-team:payments-owners',
    ]);
  });

  it('repositoryPermissionsForActor lists the permissions granted to the actor, in CAVRA shape', async () => {
    const rbac = parseRbacPolicy(
      {
        repository_permissions: [
          { repository: 'payments/api', approver_group: 'IAM', groups: ['Owners', 'Admins'], actions: ['deny', 'approve'] },
          { groups: ['Owners'], actions: ['expire'] },
          { groups: ['Others'] },
        ],
      },
      'inline',
    );
    assert.deepEqual(repositoryPermissionsForActor(await actor(['Owners'], rbac), rbac), [
      { repository: 'payments/api', approver_group: 'IAM', actions: ['approved', 'denied'], groups: ['Admins', 'Owners'] },
      { repository: '*', approver_group: '*', actions: ['expired'], groups: ['Owners'] },
    ]);
    assert.deepEqual(repositoryPermissionsForActor(await actor(['Owners']), null), []);
  });
});
