import assert from 'node:assert/strict';
import { BackendError, type ActorVerifier as BackendActorVerifier } from '../../../server/src/backend/backend';
import {
  ACTOR_MESSAGES,
  ActorConfigError,
  ActorContextError,
  bearerToken,
  createActorVerifier,
} from '../../../server/src/backend/actor';
import { CHANGE_ADVISORY_BOARD } from '../../../server/src/policy/approvalRouting';
import { NOW, NOW_SECONDS, TempDir, makeKey, sign, writeOidcConfig, type TestKey } from './fixtures';

function actorError(status: number, detail: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ActorContextError, String(error));
    assert.equal(error.status, status);
    if (typeof detail === 'string') assert.equal(error.detail, detail);
    else assert.match(error.detail, detail);
    assert.equal(error.message, error.detail);
    return true;
  };
}

describe('createActorVerifier: CAVRA console actor context', () => {
  let dir: TempDir;
  let key: TestKey;
  let oidcConfigPath: string;
  let rbacPath: string;
  const now = () => NOW;

  before(async () => {
    dir = new TempDir();
    key = await makeKey('key-1');
    oidcConfigPath = writeOidcConfig(dir, [key.publicJwk]);
    rbacPath = dir.write(
      '.cavra/rbac.yaml',
      'approval_rbac:\n  group_mappings:\n    okta:cab: Change Advisory Board\n    okta:iam: IAM\n',
    );
  });
  after(() => dir.remove());

  it('nothing configured: no token → null (no actor context needed)', async () => {
    const verifier = createActorVerifier({ now });
    assert.equal(verifier.configured, false);
    assert.equal(await verifier.verify(), null);
    assert.equal(await verifier.verify(''), null);
    assert.equal(await verifier.verify(null), null);
  });

  it('a token but no OIDC config → 400 "console OIDC config is not configured"', async () => {
    const token = await sign(key);
    await assert.rejects(createActorVerifier({ now }).verify(token), actorError(400, 'console OIDC config is not configured'));
    await assert.rejects(createActorVerifier({ rbacPath, now }).verify(token), actorError(400, ACTOR_MESSAGES.oidcNotConfigured));
  });

  it('OIDC or RBAC configured and no token → 401 "console action requires verified actor context"', async () => {
    for (const options of [{ oidcConfigPath }, { rbacPath }, { oidcConfigPath, rbacPath }]) {
      const verifier = createActorVerifier({ ...options, now });
      assert.equal(verifier.configured, true);
      await assert.rejects(verifier.verify(), actorError(401, 'console action requires verified actor context'));
      await assert.rejects(verifier.verify('   '), actorError(401, ACTOR_MESSAGES.required));
    }
  });

  it('a valid token → the verified actor context, with RBAC group mappings', async () => {
    const verifier = createActorVerifier({ oidcConfigPath, rbacPath, now });
    const context = await verifier.verify(
      await sign(key, { email: 'ana@example.com', groups: ['okta:cab'], repo: 'payments/api' }),
    );
    assert.deepEqual(context && { ...context, groups: [...context.groups] }, {
      actor: 'ana@example.com',
      subject: 'user-1',
      issuer: 'https://login.example',
      groups: ['Change Advisory Board', 'okta:cab'],
      repository: 'payments/api',
    });
  });

  it('an invalid token → 401 with the validation message', async () => {
    const verifier = createActorVerifier({ oidcConfigPath, rbacPath, now });
    await assert.rejects(verifier.verify(await sign(key, { exp: NOW_SECONDS - 61 })), actorError(401, 'OIDC token is expired'));
    await assert.rejects(
      verifier.verify(await sign(key, { iss: 'https://other' })),
      actorError(401, 'OIDC token issuer is not trusted'),
    );
    await assert.rejects(verifier.verify('not-a-jwt'), actorError(401, 'OIDC token must be a compact JWT'));
    const stranger = await makeKey('key-9');
    await assert.rejects(verifier.verify(await sign(stranger)), actorError(401, 'OIDC token signing key was not found in JWKS'));
  });

  it('the injected clock decides expiry', async () => {
    const token = await sign(key, { exp: NOW_SECONDS + 100 });
    assert.ok(await createActorVerifier({ oidcConfigPath, now: () => new Date((NOW_SECONDS + 160) * 1000) }).verify(token));
    await assert.rejects(
      createActorVerifier({ oidcConfigPath, now: () => new Date((NOW_SECONDS + 161) * 1000) }).verify(token),
      actorError(401, /expired/),
    );
  });

  it('assertCanDecide → 400 "actor is not authorized for approval group"; assertCanBreakGlass → 403', async () => {
    const verifier = createActorVerifier({ oidcConfigPath, rbacPath, now });
    const iam = (await verifier.verify(await sign(key, { groups: ['okta:iam'] })))!;
    const cab = (await verifier.verify(await sign(key, { groups: ['okta:cab'] })))!;
    verifier.assertCanDecide({ approver_group: 'IAM' }, iam, 'approve');
    assert.throws(
      () => verifier.assertCanDecide({ approver_group: 'Cloud Security' }, iam, 'deny'),
      actorError(400, 'actor is not authorized for approval group'),
    );
    assert.throws(
      () => verifier.assertCanDecide({ approver_group: 'IAM', break_glass: true }, iam, 'approve'),
      actorError(400, ACTOR_MESSAGES.notAuthorizedForGroup),
    );
    verifier.assertCanBreakGlass({}, cab);
    verifier.assertCanBreakGlass({ approver_group: CHANGE_ADVISORY_BOARD }, cab);
    assert.throws(() => verifier.assertCanBreakGlass({}, iam), actorError(403, 'actor is not authorized for break-glass'));
  });

  it('refuses an actor context that did not come from a verified token', async () => {
    const verifier = createActorVerifier({ oidcConfigPath, rbacPath, now });
    const forged = {
      actor: 'mallory',
      subject: null,
      issuer: null,
      groups: ['IAM', 'system', CHANGE_ADVISORY_BOARD],
      repository: null,
    };
    assert.throws(() => verifier.assertCanDecide({ approver_group: 'IAM' }, forged, 'approve'), TypeError);
    assert.throws(() => verifier.assertCanBreakGlass({}, forged), TypeError);
    const copied = { ...(await verifier.verify(await sign(key, { groups: ['okta:iam'] })))! };
    assert.throws(() => verifier.assertCanDecide({ approver_group: 'IAM' }, copied, 'approve'), TypeError);
  });

  it('a configured file that is missing or invalid fails at creation, naming the file', () => {
    const missing = `${dir.path}/absent-oidc.json`;
    assert.throws(
      () => createActorVerifier({ oidcConfigPath: missing }),
      (e: unknown) => e instanceof ActorConfigError && e.file === missing,
    );
    const badRbac = dir.write('bad-rbac.json', { repository_permissions: [{ groups: 'x' }] });
    assert.throws(
      () => createActorVerifier({ rbacPath: badRbac }),
      (e: unknown) => e instanceof ActorConfigError && e.file === badRbac && e.field === 'repository_permissions[0].groups',
    );
  });

  describe('request credentials (backend.ts ActorVerifier)', () => {
    it('is a backend.ts ActorVerifier, and its errors are BackendErrors', async () => {
      const verifier: BackendActorVerifier = createActorVerifier({ oidcConfigPath, rbacPath, now });
      assert.equal(verifier.required, true);
      assert.equal(createActorVerifier().required, false);
      await assert.rejects(
        verifier.verify({}),
        (e: unknown) => e instanceof BackendError && e.status === 401 && e.toJSON().detail === ACTOR_MESSAGES.required,
      );
    });

    it('actor_token: verified; without OIDC config → 400 "approval OIDC config is not configured"', async () => {
      const token = await sign(key, { groups: ['okta:iam'] });
      const context = await createActorVerifier({ oidcConfigPath, rbacPath, now }).verify({ actor_token: token });
      assert.deepEqual(context?.groups, ['IAM', 'okta:iam']);
      await assert.rejects(
        createActorVerifier({ rbacPath, now }).verify({ actor_token: token }),
        actorError(400, 'approval OIDC config is not configured'),
      );
      await assert.rejects(
        createActorVerifier({ oidcConfigPath, now }).verify({ actor_token: '' }),
        actorError(401, 'OIDC token must be a compact JWT'),
      );
    });

    it('authorization header: Bearer token verified; other schemes 401; without OIDC config → 400 console message', async () => {
      const token = await sign(key, { email: 'ana@example.com' });
      const verifier = createActorVerifier({ oidcConfigPath, now });
      assert.equal((await verifier.verify({ authorization: `Bearer ${token}` }))?.actor, 'ana@example.com');
      await assert.rejects(
        verifier.verify({ authorization: `Token ${token}` }),
        actorError(401, 'authorization header must use Bearer token'),
      );
      await assert.rejects(
        createActorVerifier({ now }).verify({ authorization: `Bearer ${token}` }),
        actorError(400, 'console OIDC config is not configured'),
      );
      assert.equal(await createActorVerifier({ now }).verify({ authorization: '' }), null);
    });

    it('actor_token wins over the header', async () => {
      const verifier = createActorVerifier({ oidcConfigPath, now });
      const context = await verifier.verify({
        actor_token: await sign(key, { email: 'body@example.com' }),
        authorization: `Bearer ${await sign(key, { email: 'header@example.com' })}`,
      });
      assert.equal(context?.actor, 'body@example.com');
    });

    it('actor_claims are never trusted: ignored when a token is present, 401 when configured, null otherwise', async () => {
      const actor_claims = { email: 'mallory@example.com', groups: ['Change Advisory Board', 'system'] };
      await assert.rejects(
        createActorVerifier({ oidcConfigPath, now }).verify({ actor_claims }),
        actorError(401, ACTOR_MESSAGES.required),
      );
      await assert.rejects(
        createActorVerifier({ rbacPath, now }).verify({ actor_claims }),
        actorError(401, ACTOR_MESSAGES.required),
      );
      assert.equal(await createActorVerifier({ now }).verify({ actor_claims }), null);
      const context = await createActorVerifier({ oidcConfigPath, now }).verify({
        actor_claims,
        actor_token: await sign(key, { email: 'ana@example.com', groups: ['Readers'] }),
      });
      assert.equal(context?.actor, 'ana@example.com');
      assert.deepEqual(context?.groups, ['Readers']);
    });

    it('repositoryPermissions in CAVRA field names', () => {
      const path = dir.write('rbac-perms.json', {
        repositories: [
          { repository: 'payments/api', approver_group: 'IAM', groups: ['Owners'] },
          { groups: ['Ops'], actions: ['expire'] },
        ],
      });
      assert.deepEqual(createActorVerifier({ rbacPath: path }).repositoryPermissions, [
        { repository: 'payments/api', approver_group: 'IAM', groups: ['Owners'], actions: ['approved', 'denied'] },
        { groups: ['Ops'], actions: ['expired'] },
      ]);
      assert.deepEqual(createActorVerifier().repositoryPermissions, []);
    });
  });

  it('bearerToken reads an Authorization header', () => {
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken(null), undefined);
    assert.equal(bearerToken(''), undefined);
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('bearer  abc.def.ghi '), 'abc.def.ghi');
    // As CAVRA: what follows the scheme is the token; "a b" then fails verification as a compact JWT.
    assert.equal(bearerToken('Bearer a b'), 'a b');
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer   ', 'abc.def.ghi', ' Bearer abc']) {
      assert.throws(() => bearerToken(header), actorError(401, 'authorization header must use Bearer token'));
    }
  });
});
