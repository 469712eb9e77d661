// The token as a CAVRA server sees it: `Authorization: Bearer <token>` verified against OIDC (SPEC 3.8
// step 3), the console session naming the caller, 401 leading to a refreshed token, and the token in
// no message and no log line.
import assert from 'node:assert/strict';
import { createActorVerifier } from '../../../server/src/backend/actor';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { NOW, NOW_SECONDS, TempDir, makeKey, sign, writeOidcConfig, type TestKey } from '../actor/fixtures';
import { everythingIn, rejection } from './remoteFixtures';
import { SPEC_DRAFT } from './parityScenarios';

describe('remote backend: the bearer token against a server with OIDC', function () {
  this.timeout(20_000);
  let keys: TempDir;
  let key: TestKey;
  let s: LocalCavraServer;
  let lead: string;
  let author: string;
  let expired: string;
  const log: string[] = [];
  const client = (token: string | undefined | (() => string | undefined)) =>
    new RemoteBackend({
      url: s.url,
      token,
      proxy: false,
      log: (line) => log.push(line),
      authHint: 'Run "CAVRA: Set Remote Token".',
    });

  before(async () => {
    keys = new TempDir();
    key = await makeKey('auth-key');
    const oidcConfigPath = writeOidcConfig(keys, [key.publicJwk]);
    s = await startLocalCavraServer({ actorVerifier: createActorVerifier({ oidcConfigPath, now: () => NOW }) });
    lead = await sign(key, { sub: 'u-lead', email: 'lead@example.com', groups: ['Platform Security'] });
    author = await sign(key, { sub: 'u-ana', email: 'ana@example.com', groups: ['Authors'] });
    expired = await sign(key, { sub: 'u-old', email: 'old@example.com', exp: NOW_SECONDS - 3600 });
  });
  after(async () => {
    await s.close();
    keys.remove();
  });

  it('the console session says who the token belongs to', async () => {
    const session = await client(lead).session();
    assert.equal(session.mode, 'authenticated');
    assert.equal(session.authenticated, true);
    assert.deepEqual(session.actor, {
      actor: 'lead@example.com',
      subject: 'u-lead',
      issuer: 'https://login.example',
      groups: ['Platform Security'],
      repository: null,
    });
    const anonymous = await client(undefined).session();
    assert.deepEqual([anonymous.mode, anonymous.authenticated, anonymous.auth_required], ['auth_required', false, true]);
    const caps = await client(undefined).capabilities();
    assert.deepEqual([caps.authRequired, caps.canPublish], [true, false]);
  });

  it('the verified actor from the header replaces requested_by, decided_by and published_by', async () => {
    const preq = await client(author).publishRequest({ draft: SPEC_DRAFT, requested_by: 'someone-else' });
    assert.equal(preq.approval.requested_by, 'ana@example.com');
    const approved = await client(lead).approve(preq.approval.approval_id, { actor: 'ignored', reason: 'reviewed' });
    assert.equal(approved.decided_by, 'lead@example.com');
    const published = await client(lead).publish({ draft: SPEC_DRAFT, approval_id: preq.approval.approval_id });
    assert.equal(published.published_by, 'lead@example.com');
    const hits = s.server.hits.filter((h) => h.method === 'POST');
    assert.deepEqual(
      hits.map((h) => h.headers.authorization),
      [`Bearer ${author}`, `Bearer ${lead}`, `Bearer ${lead}`],
    );
  });

  it('no token: 401 from the server, and the message says no token is configured and what to do', async () => {
    const e = await rejection(client(undefined).publishRequest({ draft: SPEC_DRAFT }));
    assert.equal(e.status, 401);
    assert.equal(e.detail, 'console action requires verified actor context');
    assert.match(
      e.message,
      /answered 401 to POST \/policy-packs\/publish-request: console action requires verified actor context — no token is configured\. Run "CAVRA: Set Remote Token"\.$/,
    );
  });

  it("an expired token: 401 with the verifier's words; after a refresh the same backend succeeds", async () => {
    let current = expired;
    const b = client(() => current);
    const e = await rejection(b.publishRequest({ draft: SPEC_DRAFT }));
    assert.equal(e.status, 401);
    assert.equal(e.detail, 'OIDC token is expired');
    assert.match(
      e.message,
      /OIDC token is expired — the token was not accepted \(expired, revoked or for another server\)\. Run "CAVRA: Set Remote Token"\.$/,
    );
    current = author;
    const preq = await b.publishRequest({ draft: SPEC_DRAFT });
    assert.equal(preq.approval.requested_by, 'ana@example.com');
  });

  it("an actor outside the approval group is refused with CAVRA's 400", async () => {
    const preq = await client(author).publishRequest({ draft: SPEC_DRAFT });
    const e = await rejection(client(author).approve(preq.approval.approval_id, { reason: 'self-approve' }));
    assert.equal(e.status, 400);
    assert.equal(e.detail, 'actor is not authorized for approval group');
  });

  it('a malformed token is a 401 whose message does not repeat it', async () => {
    const bogus = 'not-a-jwt-but-a-secret-value-123';
    const e = await rejection(client(bogus).approve('apr_000000000000', { reason: 'r' }));
    assert.equal(e.status, 401);
    assert.ok(!everythingIn(e).includes(bogus));
  });

  it('no tokens in any log line of this suite', () => {
    assert.ok(log.length > 5);
    for (const t of [lead, author, expired]) assert.ok(log.every((line) => !line.includes(t)));
    assert.ok(log.some((line) => line.startsWith('CAVRA POST /policy-packs/publish-request → 401')));
  });
});
