import assert from 'node:assert/strict';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { TOKEN, closedPort, everythingIn, recordingEngine, rejection, startHarness, type Harness } from './remoteFixtures';

const DRAFT = { id: 'cavra-x', title: 'X', description: 'D', version: '1' };

describe('remote backend: transport failures, time limits and retries', function () {
  this.timeout(10_000);
  let h: Harness;
  before(async () => {
    h = await startHarness(
      recordingEngine({
        catalog: () => ({ schema_version: 'cavra.policy_pack.catalog.v1', product: 'CAVRA', total: 0, items: [] }),
      }),
    );
  });
  after(() => h.server.close());
  beforeEach(() => {
    h.server.clearFaults();
    h.server.hits.length = 0;
    h.log.length = 0;
  });

  describe('no answer at all', () => {
    it('connection refused: status 0, says so, and a read gives up after its bounded retries', async () => {
      const port = await closedPort();
      const sleeps: number[] = [];
      const started = Date.now();
      const e = await rejection(
        new RemoteBackend({
          url: `http://127.0.0.1:${port}`,
          token: TOKEN,
          retries: 2,
          retryBaseMs: 10,
          sleep: async (ms) => void sleeps.push(ms),
        }).catalog(),
      );
      assert.ok(Date.now() - started < 2000);
      assert.equal(e.status, 0);
      assert.equal(e.kind, 'refused');
      assert.equal(e.code, 'ECONNREFUSED');
      assert.equal(e.attempts, 3);
      assert.equal(sleeps.length, 2);
      assert.equal(
        e.message,
        `Cannot reach the CAVRA server at http://127.0.0.1:${port} for GET /policy-pack-catalog: connection refused: nothing is listening on 127.0.0.1:${port} (after 3 attempts). Check that the server is running and that the server URL is right.`,
      );
    });

    it('connection refused on a mutation: one attempt, nothing was sent so no "may have been applied" note', async () => {
      const port = await closedPort();
      const e = await rejection(
        new RemoteBackend({ url: `http://127.0.0.1:${port}`, token: TOKEN, sleep: async () => assert.fail('no retry') }).publish({
          draft: DRAFT,
          approval_id: 'apr_1',
        }),
      );
      assert.equal(e.kind, 'refused');
      assert.equal(e.attempts, 1);
      assert.doesNotMatch(e.message, /may or may not/);
    });

    it('DNS failure: the host name does not resolve', async () => {
      const e = await rejection(
        new RemoteBackend({ url: 'http://cavra-does-not-exist.invalid:8000', retries: 0, proxy: false }).catalog(),
      );
      assert.equal(e.status, 0);
      assert.equal(e.kind, 'dns');
      assert.match(
        e.message,
        /^Cannot reach the CAVRA server at http:\/\/cavra-does-not-exist\.invalid:8000 for GET \/policy-pack-catalog: the host name "cavra-does-not-exist\.invalid" does not resolve \(ENOTFOUND\)\. Check the server URL, DNS and VPN\.$/,
      );
    });

    it('the server closes the connection without answering: reset, status 0', async () => {
      h.server.fault({ fault: { kind: 'reset' }, times: Infinity });
      const e = await rejection(h.client({ retries: 0 }).catalog());
      assert.equal(e.status, 0);
      assert.equal(e.kind, 'reset');
      assert.match(
        e.message,
        /closed the connection before answering GET \/policy-pack-catalog: the connection closed before an answer arrived \(ECONNRESET\)/,
      );
    });

    it('a reset mutation is not retried and says the change may or may not have been applied', async () => {
      h.server.fault({ fault: { kind: 'reset' }, times: Infinity });
      const e = await rejection(h.backend.publish({ draft: DRAFT, approval_id: 'apr_1' }));
      assert.equal(h.server.hitsFor('POST', '/policy-packs/publish').length, 1);
      assert.match(e.message, /It was not retried: the change may or may not have been applied on the server/);
    });
  });

  describe('time limits', () => {
    it('a stalled read ends at the time limit with 504 (and is retried, boundedly)', async () => {
      h.server.fault({ fault: { kind: 'stall' }, times: Infinity });
      const started = Date.now();
      const e = await rejection(h.client({ timeoutMs: 150, retries: 1 }).catalog());
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 300 && elapsed < 2000, `took ${elapsed} ms`);
      assert.equal(e.status, 504);
      assert.equal(e.kind, 'timeout');
      assert.equal(h.server.hits.length, 2);
      assert.match(
        e.message,
        /did not answer GET \/policy-pack-catalog in time: no complete answer within 0\.15 s; the request was sent, no answer came \(after 2 attempts\)\. The time limit is a setting/,
      );
    });

    it('a stalled mutation: one attempt, 504, and a warning that it may have been applied', async () => {
      h.server.fault({ fault: { kind: 'stall' }, times: Infinity });
      const e = await rejection(h.client({ timeoutMs: 150 }).approve('apr_1', { actor: 'a', reason: 'r' }));
      assert.equal(e.status, 504);
      assert.equal(h.server.hits.length, 1);
      assert.match(e.message, /may or may not have been applied/);
    });

    it('a slow trickle that outlasts the limit is a timeout that says how much arrived', async () => {
      h.server.fault({ fault: { kind: 'trickle', intervalMs: 40 } });
      const e = await rejection(h.client({ timeoutMs: 250, retries: 0 }).catalog());
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /no complete answer within 0\.25 s; \d+ bytes of the answer had arrived/);
    });

    it('a slow trickle that finishes within the limit is a normal answer', async () => {
      h.server.fault({ fault: { kind: 'trickle', intervalMs: 2, body: { items: [], total: 0 } } });
      assert.deepEqual(await h.client({ timeoutMs: 3000, retries: 0 }).listApprovals(), { items: [], total: 0 });
    });
  });

  describe('answers that cannot be used', () => {
    it('connection dropped mid-body: truncated, 502, with the byte count', async () => {
      h.server.fault({ fault: { kind: 'drop' } });
      const e = await rejection(h.client({ retries: 0 }).catalog());
      assert.equal(e.status, 502);
      assert.equal(e.kind, 'truncated');
      assert.match(
        e.message,
        /^The CAVRA server's answer to GET \/policy-pack-catalog was cut off: the connection closed after \d+ bytes of the answer/,
      );
    });

    it('a truncated read is retried and succeeds on the next attempt', async () => {
      h.server.fault({ fault: { kind: 'drop' } });
      const result = await h.backend.catalog();
      assert.equal(result.schema_version, 'cavra.policy_pack.catalog.v1');
      assert.equal(h.server.hits.length, 2);
      assert.ok(h.log.some((line) => /failed \(truncated\); retrying in \d+ ms \(attempt 2 of 3\)/.test(line)));
    });

    it("500 with an HTML page: the page's words without its tags, and the server's status", async () => {
      h.server.fault({ fault: { kind: 'html500' } });
      const e = await rejection(h.backend.catalog());
      assert.equal(e.status, 500);
      assert.equal(e.kind, 'not_json');
      assert.equal(h.server.hits.length, 1, '500 is not retried');
      assert.match(
        e.message,
        /with 500 Internal Server Error \(text\/html; charset=utf-8\) instead of CAVRA's JSON: "500 Internal Server Error Internal Server Error The server encountered/,
      );
      assert.doesNotMatch(e.message, /<|font-family/);
    });

    it('200 with broken JSON: 502, not JSON', async () => {
      h.server.fault({ fault: { kind: 'invalidJson' } });
      const e = await rejection(h.client({ retries: 0 }).catalog());
      assert.equal(e.status, 502);
      assert.equal(e.kind, 'not_json');
      assert.match(
        e.message,
        /answered GET \/policy-pack-catalog with 200 but the body is not JSON \(application\/json; .+\): "\{"schema_version/,
      );
    });

    it('200 with a JSON list or an empty body: 502', async () => {
      h.server.fault({ fault: { kind: 'answer', status: 200, body: [1, 2] } });
      const list = await rejection(h.backend.catalog());
      assert.equal(list.kind, 'bad_response');
      assert.match(list.message, /with a list where CAVRA sends a JSON object/);
      h.server.fault({ fault: { kind: 'answer', status: 200, body: '' } });
      const empty = await rejection(h.backend.catalog());
      assert.equal(empty.kind, 'not_json');
      assert.match(empty.message, /\(empty body\)/);
    });

    it('a huge answer announced by Content-Length is refused before reading it', async () => {
      h.server.fault({ fault: { kind: 'huge', bytes: 50 * 1024 * 1024 } });
      const e = await rejection(h.client({ maxResponseBytes: 1024 * 1024 }).catalog());
      assert.equal(e.status, 502);
      assert.equal(e.kind, 'too_large');
      assert.equal(
        e.message,
        "The CAVRA server's answer to GET /policy-pack-catalog is too large: the answer is 50 MiB, more than the 1 MiB limit (the response size limit is a setting).",
      );
    });

    it('a huge chunked answer stops being read at the cap', async () => {
      h.server.fault({ fault: { kind: 'huge', bytes: 50 * 1024 * 1024, declared: false } });
      const started = Date.now();
      const e = await rejection(h.client({ maxResponseBytes: 256 * 1024 }).catalog());
      assert.equal(e.kind, 'too_large');
      assert.match(e.message, /exceeded the 256 KiB limit; reading stopped/);
      assert.ok(Date.now() - started < 3000);
    });

    it('a redirect is not followed (it would carry the token elsewhere)', async () => {
      h.server.fault({
        fault: { kind: 'answer', status: 307, headers: { location: 'https://elsewhere.example/policy-pack-catalog' } },
      });
      const e = await rejection(h.backend.catalog());
      assert.equal(e.status, 502);
      assert.equal(e.kind, 'bad_response');
      assert.equal(h.server.hits.length, 1);
      assert.match(
        e.message,
        /redirected GET \/policy-pack-catalog \(307\) to https:\/\/elsewhere\.example\/policy-pack-catalog\. Redirects are not followed/,
      );
    });
  });

  describe('retries: reads only, bounded, with backoff', () => {
    it('a read that meets 503 twice is retried with growing delays and succeeds', async () => {
      h.server.fault({ fault: { kind: 'answer', status: 503, body: { detail: 'Service Unavailable' } }, times: 2 });
      const sleeps: number[] = [];
      const result = await h
        .client({ retries: 2, retryBaseMs: 100, retryMaxMs: 1000, sleep: async (ms) => void sleeps.push(ms) })
        .catalog();
      assert.equal(result.product, 'CAVRA');
      assert.equal(h.server.hitsFor('GET', '/policy-pack-catalog').length, 3);
      assert.equal(sleeps.length, 2);
      assert.ok(sleeps[0] >= 50 && sleeps[0] <= 100, `first delay ${sleeps[0]}`);
      assert.ok(sleeps[1] >= 100 && sleeps[1] <= 200, `second delay ${sleeps[1]}`);
    });

    it('delays are capped', () => {
      const b = new RemoteBackend({ url: 'http://127.0.0.1:1', retryBaseMs: 100, retryMaxMs: 300 });
      const transport = (b as unknown as { connection: { transport: { backoff(n: number): number } } }).connection.transport;
      for (let n = 1; n <= 10; n++) assert.ok(transport.backoff(n) <= 300);
      assert.ok(transport.backoff(10) >= 150);
    });

    it('a read that keeps failing stops after 1 + retries attempts', async () => {
      h.server.fault({
        fault: { kind: 'answer', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
        times: Infinity,
      });
      const e = await rejection(h.client({ retries: 3 }).catalog());
      assert.equal(h.server.hits.length, 4);
      assert.equal(e.status, 502);
      assert.equal(e.attempts, 4);
    });

    it('4xx reads are not retried', async () => {
      h.server.fault({ fault: { kind: 'answer', status: 404, body: { detail: 'approval not found' } }, times: Infinity });
      await rejection(h.backend.getApproval('apr_x'));
      assert.equal(h.server.hits.length, 1);
    });

    it('no mutation is ever retried: each POST endpoint reaches the server exactly once on 503', async () => {
      h.server.fault({ fault: { kind: 'answer', status: 503, body: { detail: 'Service Unavailable' } }, times: Infinity });
      const b = h.client({ retries: 5, sleep: async () => assert.fail('a mutation must not wait for a retry') });
      const mutations: [string, () => Promise<unknown>][] = [
        ['/policy-packs/draft', () => b.draft({ draft: DRAFT })],
        ['/policy-packs/publish-plan', () => b.publishPlan({ draft: DRAFT })],
        ['/policy-packs/publish-request', () => b.publishRequest({ draft: DRAFT })],
        ['/policy-packs/publish', () => b.publish({ draft: DRAFT, approval_id: 'apr_1' })],
        ['/approvals', () => b.createApproval({ decision: { decision_id: 'd' } })],
        ['/approvals/apr_1/approve', () => b.approve('apr_1', {})],
        ['/approvals/apr_1/deny', () => b.deny('apr_1', {})],
        ['/approvals/apr_1/expire', () => b.expire('apr_1')],
        ['/approvals/apr_1/attach-decision', () => b.attachDecision('apr_1', { decision_id: 'd' })],
        ['/approvals/break-glass', () => b.breakGlass({ decision: { decision_id: 'd' } })],
        ['/policy-rollouts/change-plan', () => b.rolloutChangePlan({ repository: 'r', policy_pack: 'p' })],
        ['/policy-rollouts/apply-change', () => b.rolloutApplyChange({ repository: 'r', policy_pack: 'p' })],
        ['/decisions', () => b.evaluate({ action_type: 'read_file', target: '.env' })],
      ];
      for (const [path, call] of mutations) {
        const e = await rejection(call());
        assert.equal(e.status, 503);
        assert.equal(h.server.hitsFor('POST', path).length, 1, path);
      }
    });
  });

  describe('configuration refused before anything is sent', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['not a URL', { url: 'cavra server' }, /the server URL "cavra server" is not a URL/],
      ['another scheme', { url: 'ftp://cavra.example' }, /must start with http:\/\/ or https:\/\/ \(got ftp:\)/],
      ['credentials in the URL', { url: `https://user:${TOKEN}@cavra.example` }, /must not contain credentials/],
      ['a query', { url: 'https://cavra.example/?token=x' }, /must not contain a query/],
      [
        'an unreadable CA file',
        { url: 'https://cavra.example', caFile: '/nonexistent/ca.pem' },
        /the CA file \/nonexistent\/ca\.pem cannot be read \(ENOENT\)/,
      ],
      ['CA text without a certificate', { url: 'https://cavra.example', ca: 'hello' }, /holds no PEM certificate/],
      [
        'a socks proxy',
        { url: 'https://cavra.example', proxy: 'socks5://127.0.0.1:1080' },
        /proxies with scheme "socks5" are not supported/,
      ],
    ];
    for (const [name, options, message] of bad) {
      it(name, () => {
        assert.throws(
          () => new RemoteBackend(options as never),
          (e: Error & { status: number; kind: string }) => {
            assert.equal(e.status, 0);
            assert.equal(e.kind, 'config');
            assert.match(e.message, message);
            assert.ok(!everythingIn(e).includes(TOKEN));
            return true;
          },
        );
      });
    }
  });
});
