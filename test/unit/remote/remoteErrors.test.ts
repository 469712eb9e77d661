import assert from 'node:assert/strict';
import * as http from 'node:http';
import { BackendError } from '../../../server/src/backend/backend';
import { RemoteBackendError } from '../../../server/src/backend/remote';
import { TOKEN, everythingIn, recordingEngine, refuse, rejection, startHarness, type Harness } from './remoteFixtures';

const DRAFT = { id: 'cavra-x', title: 'X', description: 'D', version: '1' };

/** Posts raw bytes to the test server (the remote client itself only ever sends valid JSON). */
function rawPost(url: string, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("remote backend: CAVRA's documented errors", () => {
  let h: Harness;
  const engine = recordingEngine({
    publish: refuse(400, 'approval does not match policy draft digest'),
    getApproval: refuse(404, 'approval not found'),
    breakGlass: refuse(403, 'actor is not authorized for break-glass'),
    approve: refuse(401, 'console action requires verified actor context'),
    deny: refuse(400, 'only pending approvals can be changed'),
    catalog: () => {
      throw new Error('handler crashed');
    },
  });
  before(async () => {
    h = await startHarness(engine);
  });
  after(() => h.server.close());

  it("400: BackendError with CAVRA's exact detail; the message adds status, endpoint and server", async () => {
    const e = await rejection(h.backend.publish({ draft: DRAFT, approval_id: 'apr_1' }));
    assert.ok(e instanceof RemoteBackendError && e instanceof BackendError);
    assert.equal(e.status, 400);
    assert.equal(e.detail, 'approval does not match policy draft digest');
    assert.equal(e.kind, 'http');
    assert.equal(e.endpoint, 'POST /policy-packs/publish');
    assert.equal(
      e.message,
      `CAVRA server ${h.server.url} answered 400 to POST /policy-packs/publish: approval does not match policy draft digest`,
    );
    assert.deepEqual(e.toJSON(), { detail: 'approval does not match policy draft digest' });
  });

  it("404 and 403 keep CAVRA's words and status", async () => {
    const notFound = await rejection(h.backend.getApproval('apr_missing'));
    assert.equal(notFound.status, 404);
    assert.equal(notFound.detail, 'approval not found');
    assert.match(notFound.message, /answered 404 to GET \/approvals\/apr_missing: approval not found$/);
    const forbidden = await rejection(h.backend.breakGlass({ decision: { decision_id: 'd' }, actor: 'a', reason: 'r' }));
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.message, /answered 403 to POST \/approvals\/break-glass: actor is not authorized for break-glass$/);
  });

  it('401 tells the user to set or refresh the token, and never shows it', async () => {
    const e = await rejection(h.backend.approve('apr_1', { actor: 'a', reason: 'r' }));
    assert.equal(e.status, 401);
    assert.equal(e.detail, 'console action requires verified actor context');
    assert.match(
      e.message,
      /answered 401 to POST \/approvals\/apr_1\/approve: console action requires verified actor context — the token was not accepted/,
    );
    assert.match(e.message, /Set or refresh the CAVRA API token/);
    assert.ok(!everythingIn(e).includes(TOKEN));
    const none = await rejection(h.client({ token: undefined, authHint: 'Run "CAVRA: Set Remote Token".' }).approve('apr_1', {}));
    assert.match(none.message, /— no token is configured\. Run "CAVRA: Set Remote Token"\.$/);
  });

  it('401 flow: a refreshed token is used on the next call without rebuilding the backend', async () => {
    let current = 'expired-token-0001';
    const guarded = recordingEngine({
      listApprovals: (() => {
        throw new BackendError(401, 'OIDC token is expired');
      }) as never,
      approve: ((_id: string, request: { authorization?: string }) => {
        if (request.authorization !== 'Bearer fresh-token-0002') throw new BackendError(401, 'OIDC token is expired');
        return { state: 'approved' };
      }) as never,
    });
    const g = await startHarness(guarded, {}, { token: () => current });
    try {
      const first = await rejection(g.backend.approve('apr_1', { reason: 'ok' }));
      assert.equal(first.status, 401);
      assert.match(first.message, /OIDC token is expired — the token was not accepted/);
      assert.ok(!everythingIn(first).includes('expired-token-0001'));
      current = 'fresh-token-0002';
      assert.deepEqual(await g.backend.approve('apr_1', { reason: 'ok' }), { state: 'approved' });
      assert.equal(g.server.hitsFor('POST', '/approvals/apr_1/approve').length, 2);
    } finally {
      await g.server.close();
    }
  });

  it("a crashed handler: 500 plain text becomes a clear not-JSON error with the server's status", async () => {
    const e = await rejection(h.client({ retries: 0 }).catalog());
    assert.equal(e.status, 500);
    assert.equal(e.kind, 'not_json');
    assert.match(
      e.message,
      /answered GET \/policy-pack-catalog with 500 Internal Server Error \(text\/plain; charset=utf-8\) instead of CAVRA's JSON: "Internal Server Error"/,
    );
  });

  it('unknown route: Starlette\'s 404 "Not Found"; wrong method: 405 "Method Not Allowed"', async () => {
    const nf = await rawPost(h.server.url, '/policy-packs/nope', '{}');
    assert.deepEqual(nf, { status: 404, body: '{"detail":"Not Found"}' });
    const na = await rawPost(h.server.url, '/policy-pack-catalog', '{}');
    assert.deepEqual(na, { status: 405, body: '{"detail":"Method Not Allowed"}' });
  });

  describe('422 as FastAPI sends it', () => {
    const cases: [string, string, unknown][] = [
      [
        'not json',
        '{"draft": ',
        [{ type: 'json_invalid', loc: ['body', 10], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }],
      ],
      [
        'bare word',
        'nope',
        [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }],
      ],
      [
        'unquoted key',
        '{id: 1}',
        [
          {
            type: 'json_invalid',
            loc: ['body', 1],
            msg: 'JSON decode error',
            input: {},
            ctx: { error: 'Expecting property name enclosed in double quotes' },
          },
        ],
      ],
      [
        'missing comma',
        '{"a": 1 "b": 2}',
        [
          {
            type: 'json_invalid',
            loc: ['body', 8],
            msg: 'JSON decode error',
            input: {},
            ctx: { error: "Expecting ',' delimiter" },
          },
        ],
      ],
      [
        'missing colon',
        '{"a" 1}',
        [
          {
            type: 'json_invalid',
            loc: ['body', 5],
            msg: 'JSON decode error',
            input: {},
            ctx: { error: "Expecting ':' delimiter" },
          },
        ],
      ],
      [
        'extra data',
        '{} {}',
        [{ type: 'json_invalid', loc: ['body', 3], msg: 'JSON decode error', input: {}, ctx: { error: 'Extra data' } }],
      ],
      [
        'unterminated string',
        '{"a": "b',
        [
          {
            type: 'json_invalid',
            loc: ['body', 6],
            msg: 'JSON decode error',
            input: {},
            ctx: { error: 'Unterminated string starting at' },
          },
        ],
      ],
      [
        'a list, not an object',
        '[1, 2]',
        [{ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: [1, 2] }],
      ],
      ['no body', '', [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]],
    ];
    for (const [name, body, detail] of cases) {
      it(`${name}: ${JSON.stringify(body)}`, async () => {
        const answer = await rawPost(h.server.url, '/policy-packs/draft', body);
        assert.equal(answer.status, 422);
        assert.deepEqual(JSON.parse(answer.body), { detail });
      });
    }

    it('expire takes an empty body (its body is optional in CAVRA)', async () => {
      const answer = await rawPost(h.server.url, '/approvals/apr_1/expire', '');
      assert.equal(answer.status, 200);
    });

    it('the client turns the list into one line and keeps the list', async () => {
      const list = [
        { type: 'json_invalid', loc: ['body', 10], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } },
      ];
      h.server.fault({ fault: { kind: 'answer', status: 422, body: { detail: list } } });
      const e = await rejection(h.backend.draft({ draft: DRAFT }));
      assert.equal(e.status, 422);
      assert.equal(e.detail, 'body.10: JSON decode error (Expecting value)');
      assert.deepEqual(e.validation, list);
      assert.equal(
        e.message,
        `CAVRA server ${h.server.url} answered 422 to POST /policy-packs/draft: body.10: JSON decode error (Expecting value)`,
      );
    });

    it("a non-integer limit is FastAPI's int_parsing 422", async () => {
      const e = await rejection(h.backend.listApprovals({ limit: 'ten' as unknown as number }));
      assert.equal(e.status, 422);
      assert.equal(e.detail, 'query.limit: Input should be a valid integer, unable to parse string as an integer');
    });
  });

  it('an error status with JSON but no detail still says status and endpoint', async () => {
    h.server.fault({ fault: { kind: 'answer', status: 409, body: { error: 'conflict' } } });
    const e = await rejection(h.backend.draft({ draft: DRAFT }));
    assert.equal(e.status, 409);
    assert.equal(e.detail, 'HTTP 409 Conflict');
    assert.match(e.message, /answered 409 to POST \/policy-packs\/draft without a detail message: \{"error":"conflict"\}/);
  });

  it('a server that echoes the token in its detail does not get it shown', async () => {
    h.server.fault({ fault: { kind: 'answer', status: 400, body: { detail: `bad header Bearer ${TOKEN}` } } });
    const e = await rejection(h.backend.draft({ draft: DRAFT }));
    assert.equal(e.detail, 'bad header ***');
    assert.ok(!everythingIn(e).includes(TOKEN));
  });

  it('no error and no log line of this suite contains the token', async () => {
    const errors: unknown[] = [];
    const calls: Promise<unknown>[] = [
      h.backend.publish({ draft: DRAFT, approval_id: 'apr_1' }),
      h.backend.getApproval('x'),
      h.backend.approve('apr_1', {}),
      h.backend.deny('apr_1', {}),
      h.client({ retries: 0 }).catalog(),
      h.backend.draft({ draft_yaml: ': : :' }),
    ];
    for (const call of calls) errors.push(await rejection(call));
    for (const e of errors) assert.ok(!everythingIn(e).includes(TOKEN), everythingIn(e));
    assert.ok(h.log.length > 0);
    assert.ok(h.log.every((line) => !line.includes(TOKEN)));
  });
});
