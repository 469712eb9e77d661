// The refusals the stdio tests (test/workflows/actorAuth.test.ts) cannot reach cheaply: every CAVRA
// detail of the actor layer maps to its reason and fix, other failures to none. Details are CAVRA's
// messages (src/cavra/api.py, src/cavra/approvals.py validate_oidc_token), as SPEC 3.8 quotes them.
import assert from 'node:assert/strict';
import { actorRefusal } from '../../../server/src/policy/actorRefusal';

describe('policy/actorRefusal: why an actor was refused, and the fix', () => {
  const context = { issuer: 'https://login.example', audience: 'cavra-approvals' };

  it('maps each token failure to its reason, with the issuer or audience named', () => {
    const cases: [number, string, string, RegExp][] = [
      [401, 'OIDC token is not yet valid', 'not_yet_valid', /not valid yet .* clock/],
      [401, 'OIDC token issuer is not trusted', 'wrong_issuer', /trusts only tokens from https:\/\/login\.example/],
      [401, 'OIDC token signature is invalid', 'invalid', /not accepted \(OIDC token signature is invalid\)/],
      [401, 'OIDC token must be a compact JWT', 'invalid', /signed by a key in the configured JWKS/],
      [403, 'actor is not authorized for break-glass', 'not_break_glass', /Change Advisory Board/],
      [400, 'approval OIDC config is not configured', 'no_oidc_config', /cavra\.auth\.oidcConfig/],
    ];
    for (const [status, detail, reason, words] of cases) {
      const r = actorRefusal(status, detail, context);
      assert.equal(r?.reason, reason, detail);
      assert.match(r.explanation, words, detail);
      assert.equal(r.fix, reason === 'no_oidc_config' ? 'configure_oidc' : 'set_actor_token');
    }
  });

  it('a missing actor where only an RBAC file is configured is fixed by the OIDC config, not a token', () => {
    assert.equal(actorRefusal(401, 'console action requires verified actor context', context)?.fix, 'set_actor_token');
    const rbacOnly = actorRefusal(401, 'console action requires verified actor context', { oidcConfigured: false });
    assert.deepEqual([rbacOnly?.reason, rbacOnly?.fix], ['no_oidc_config', 'configure_oidc']);
  });

  it('failures that are not about the actor get none', () => {
    assert.equal(actorRefusal(400, 'only pending approvals can be changed'), null);
    assert.equal(actorRefusal(404, 'approval not found'), null);
    assert.equal(actorRefusal(500, 'OIDC token is expired'), null, 'a 500 is not a refusal');
  });
});
