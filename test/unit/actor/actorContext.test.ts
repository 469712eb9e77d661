import assert from 'node:assert/strict';
import {
  actorContextFromVerifiedClaims,
  isVerifiedActorContext,
  loadOidcConfig,
  parseRbacPolicy,
  verifyActorToken,
  type OidcConfig,
  type VerifiedClaims,
} from '../../../server/src/backend/actor';
import * as actorApi from '../../../server/src/backend/actor';
import { NOW, TempDir, makeKey, sign, type TestKey } from './fixtures';
import type { JWTPayload } from 'jose';

describe('actor context from verified claims (SPEC 3.8)', () => {
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

  const verified = async (claims: JWTPayload) => verifyActorToken(await sign(key, claims), config, { now: NOW });
  const contextOf = async (claims: JWTPayload, rbac = parseRbacPolicy({}, 'inline')) =>
    actorContextFromVerifiedClaims(await verified(claims), rbac);

  it('builds {actor, subject, issuer, groups, repository}', async () => {
    const context = await contextOf({
      sub: 'u-1',
      email: 'ana@example.com',
      preferred_username: 'ana',
      groups: ['IAM', 'Cloud Security'],
      repository: 'payments/api',
    });
    assert.deepEqual(
      { ...context, groups: [...context.groups] },
      {
        actor: 'ana@example.com',
        subject: 'u-1',
        issuer: 'https://login.example',
        groups: ['Cloud Security', 'IAM'],
        repository: 'payments/api',
      },
    );
    assert.ok(Object.isFrozen(context) && Object.isFrozen(context.groups));
    assert.ok(isVerifiedActorContext(context));
    assert.ok(!isVerifiedActorContext({ ...context }));
  });

  it('actor = email ‖ preferred_username ‖ sub ‖ "unknown"', async () => {
    assert.equal((await contextOf({ preferred_username: 'ana', sub: 'u-1' })).actor, 'ana');
    assert.equal((await contextOf({ email: '', preferred_username: 'ana' })).actor, 'ana');
    assert.equal((await contextOf({ sub: 'u-1' })).actor, 'u-1');
    const anonymous = await contextOf({ sub: undefined });
    assert.equal(anonymous.actor, 'unknown');
    assert.equal(anonymous.subject, null);
  });

  it('groups = groups ‖ roles, a string being one group; empty groups fall back to roles', async () => {
    assert.deepEqual((await contextOf({ roles: 'approver' })).groups, ['approver']);
    assert.deepEqual((await contextOf({ roles: ['b', 'a'] })).groups, ['a', 'b']);
    assert.deepEqual((await contextOf({ groups: [], roles: ['r'] })).groups, ['r']);
    assert.deepEqual((await contextOf({ groups: 'g', roles: ['r'] })).groups, ['g']);
    assert.deepEqual((await contextOf({ groups: ['g', 'g'] })).groups, ['g']);
    assert.deepEqual((await contextOf({})).groups, []);
  });

  it('adds the group_mappings targets of the token groups (sorted, deduplicated)', async () => {
    const rbac = parseRbacPolicy(
      {
        approval_rbac: {
          group_mappings: {
            'github-team:payments-owners': 'Payments Owners',
            'okta:cab': ['Change Advisory Board', 'IAM'],
            unused: 'Nope',
          },
        },
      },
      'inline',
    );
    const context = await contextOf({ groups: ['github-team:payments-owners', 'okta:cab', 'IAM'] }, rbac);
    assert.deepEqual(context.groups, [
      'Change Advisory Board',
      'IAM',
      'Payments Owners',
      'github-team:payments-owners',
      'okta:cab',
    ]);
    // Mappings are applied to the token's groups only, not transitively.
    const chained = parseRbacPolicy({ group_mappings: { a: 'b', b: 'c' } }, 'inline');
    assert.deepEqual((await contextOf({ groups: ['a'] }, chained)).groups, ['a', 'b']);
  });

  it('repository = repository ‖ repo', async () => {
    assert.equal((await contextOf({ repo: 'org/one' })).repository, 'org/one');
    assert.equal((await contextOf({ repository: 'org/two', repo: 'org/one' })).repository, 'org/two');
    assert.equal((await contextOf({})).repository, null);
  });

  it('never builds a context from claims that were not verified', async () => {
    const raw = { iss: 'https://login.example', sub: 'mallory', groups: ['Change Advisory Board'] };
    assert.throws(() => actorContextFromVerifiedClaims(raw as unknown as VerifiedClaims), TypeError);
    const copy = { ...(await verified({ groups: ['IAM'] })) } as VerifiedClaims;
    assert.throws(() => actorContextFromVerifiedClaims(copy), TypeError);
    // The public API has no other way in.
    for (const name of Object.keys(actorApi)) assert.doesNotMatch(name, /fromClaims$|FromRawClaims|FromUnverified/i);
  });

  it('verified claims cannot be changed afterwards', async () => {
    const claims = await verified({ groups: ['Readers'] });
    assert.throws(() => {
      (claims as unknown as { groups: string[] }).groups.push('Change Advisory Board');
    }, TypeError);
    assert.deepEqual(actorContextFromVerifiedClaims(claims).groups, ['Readers']);
  });
});
