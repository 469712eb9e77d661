// The CLI against a CAVRA server (the test server under test/server, over a local engine in its own
// temp dir): the same commands and results as locally, the token sent as a Bearer header and never
// printed, the server's words with the HTTP status and endpoint on failure.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createLocalBackend } from '../../server/src/backend/local';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { CavraTestServer } from '../server/cavraTestServer';
import { cliAsync, type CliRun } from './cliProcess';
import { PACK_ID, cavraWorkspace } from './cavraWorkspace';

const TOKEN = 'cavra-test-token-7f3a9c2e51';
const ENV = { TEAM_CAVRA_TOKEN: TOKEN };

function json<T>(r: CliRun): T {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** Whatever the server or a library does, the token must not reach the terminal. */
function assertNoToken(r: CliRun): void {
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN), `the token was printed:\n${r.stdout}\n${r.stderr}`);
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('cavra-policy against a CAVRA server (--backend remote)', () => {
  let server: CavraTestServer;
  let serverSide: TempWorkspace;
  let client: TempWorkspace;
  let remote: string[];

  beforeEach(async () => {
    serverSide = cavraWorkspace();
    client = cavraWorkspace();
    server = await CavraTestServer.start({ engine: createLocalBackend({ root: serverSide.root }) });
    remote = ['--backend', 'remote', '--url', server.url, '--token-env', 'TEAM_CAVRA_TOKEN'];
  });
  afterEach(async () => {
    await server.close();
    serverSide.remove();
    client.remove();
  });

  const run = (args: string[], env: NodeJS.ProcessEnv = ENV) => cliAsync(client.root, args, env);

  it("catalog: CAVRA's answer, the token as a Bearer header, the server named in human output", async () => {
    const c = json<{ schema_version: string; items: { id: string }[] }>(await run(['catalog', '--json', ...remote]));
    assert.equal(c.schema_version, 'cavra.policy_pack.catalog.v1');
    assert.deepEqual(
      c.items.map((i) => i.id),
      ['cavra-ai-agent-baseline'],
    );
    const hit = server.hitsFor('GET', '/policy-pack-catalog')[0];
    assert.equal(hit.headers.authorization, `Bearer ${TOKEN}`);
    const human = await run(['catalog', ...remote]);
    assert.match(human.stdout, new RegExp(`\\(answered by CAVRA server ${server.url.replace(/[.]/g, '\\.')}\\)\\n$`));
    assertNoToken(human);
  });

  it('--url alone selects the remote backend; $CAVRA_TOKEN is the default token variable', async () => {
    json(await run(['catalog', '--json', '--url', server.url], { CAVRA_TOKEN: TOKEN }));
    assert.equal(server.hitsFor('GET', '/policy-pack-catalog')[0].headers.authorization, `Bearer ${TOKEN}`);
  });

  it("the digest binding holds remotely: approve A, publish B → exit 1 with the server's words, status and endpoint; nothing written anywhere", async () => {
    const req = json<{ approval: { approval_id: string } }>(await run(['request', 'drafts/a.yaml', '--json', ...remote]));
    const id = req.approval.approval_id;
    json(await run(['approval', 'approve', id, '--actor', 'alice', '--reason', 'ok', '--json', ...remote]));
    const wrong = await run(['publish', 'drafts/b.yaml', '--approval', id, ...remote]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /approval does not match policy draft digest/);
    assert.match(wrong.stderr, /400/);
    assert.match(wrong.stderr, /POST \/policy-packs\/publish/);
    assertNoToken(wrong);
    assert.ok(!existsSync(join(serverSide.root, 'policies', PACK_ID)));
    assert.ok(!existsSync(join(client.root, 'policies', PACK_ID)));

    const ok = json<{ status: string; signature_verified: boolean; approval: { approval_id: string } }>(
      await run(['publish', 'drafts/a.yaml', '--approval', id, '--json', ...remote]),
    );
    assert.deepEqual([ok.status, ok.signature_verified, ok.approval.approval_id], ['published', true, id]);
    assert.ok(existsSync(join(serverSide.root, 'policies', PACK_ID, 'policy.yaml.sig.json')), 'the server wrote the pair');
    assert.ok(!existsSync(join(client.root, 'policies', PACK_ID)), 'the local workspace is not written');
  });

  it('approvals, rollouts and evaluate go to the server', async () => {
    const decision = json<{ decision: string; decision_id: string }>(
      await run(['evaluate', 'write_file', 'iam/admin.json', '--json', ...remote]),
    );
    assert.equal(decision.decision, 'require_approval');
    client.write('decision.json', JSON.stringify(decision));
    const created = json<{ approval_id: string; approver_group: string }>(
      await run(['approval', 'create', 'decision.json', '--json', ...remote]),
    );
    assert.equal(created.approver_group, 'IAM');
    const listed = json<{ items: { approval_id: string }[] }>(
      await run(['approval', 'list', '--state', 'pending', '--json', ...remote]),
    );
    assert.deepEqual(
      listed.items.map((a) => a.approval_id),
      [created.approval_id],
    );
    assert.equal(server.hitsFor('GET', '/approvals')[0].query, '?state=pending');
    const bg = json<{ state: string }>(
      await run(['approval', 'break-glass', 'decision.json', '--actor', 'oncall', '--reason', 'outage', '--json', ...remote]),
    );
    assert.equal(bg.state, 'break_glass');

    const applied = json<{ rollout: { rollout_id: string } }>(
      await run([
        'rollout',
        'apply',
        '--actor',
        'release-bot',
        '--repository',
        'payments/api',
        '--policy-pack',
        'cavra-platform-baseline',
        '--json',
        ...remote,
      ]),
    );
    assert.equal(applied.rollout.rollout_id, 'payments/api:cavra-platform-baseline');
    const rollouts = json<{ total: number }>(await run(['rollout', 'list', '--json', ...remote]));
    assert.equal(rollouts.total, 1);
    assert.ok(!existsSync(join(client.root, '.cavra')), 'nothing was stored in the client workspace');
  });

  it('local and remote give the same plan for the same draft (time aside)', async () => {
    const local = json<Record<string, unknown>>(await run(['plan', 'drafts/a.yaml', '--json']));
    const viaServer = json<Record<string, unknown>>(await run(['plan', 'drafts/a.yaml', '--json', ...remote]));
    delete local.generated_at;
    delete viaServer.generated_at;
    assert.deepEqual(viaServer, local);
    assert.deepEqual(Object.keys(viaServer), Object.keys(local));
  });

  it('a 401 names the status and how to set the token, and never prints the token', async () => {
    server.fault({ fault: { kind: 'answer', status: 401, body: { detail: 'console action requires verified actor context' } } });
    const r = await run(['approval', 'list', ...remote]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /401/);
    assert.match(r.stderr, /console action requires verified actor context/);
    assert.match(r.stderr, /--token-env/);
    assertNoToken(r);
  });

  it('a server that echoes the token back in its error does not get it printed', async () => {
    server.fault({
      fault: { kind: 'answer', status: 400, body: { detail: `token ${TOKEN} is not valid here` } },
      method: 'POST',
    });
    const r = await run(['approval', 'approve', 'apr_000000000000', '--actor', 'a', '--reason', 'r', ...remote]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not valid here/);
    assertNoToken(r);
  });

  it('garbage from the server and a time limit each give their own message (exit 1)', async () => {
    server.fault({ fault: { kind: 'html500' }, times: Infinity });
    const html = await run(['catalog', ...remote]);
    assert.equal(html.status, 1);
    assert.match(html.stderr, /instead of CAVRA's JSON/);
    server.clearFaults();
    server.fault({ fault: { kind: 'stall' }, method: 'POST' });
    const slow = await run(['plan', 'drafts/a.yaml', '--timeout-ms', '300', ...remote]);
    assert.equal(slow.status, 1);
    assert.match(slow.stderr, /did not answer POST \/policy-packs\/publish-plan in time/);
  });

  it('a refused connection says the server cannot be reached', async () => {
    const port = await closedPort();
    const r = await run([
      'catalog',
      '--backend',
      'remote',
      '--url',
      `http://127.0.0.1:${port}`,
      '--token-env',
      'TEAM_CAVRA_TOKEN',
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Cannot reach the CAVRA server at http:\/\/127\.0\.0\.1:\d+ for GET \/policy-pack-catalog/);
    assertNoToken(r);
  });

  it('workspace-only commands and local-only flags are usage errors with --backend remote (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['test', ...remote], /test works on the local workspace only/],
      [['evidence', 'verify', ...remote], /evidence verify works on the local workspace only/],
      [
        ['approval', 'list', '--store', 'x.json', ...remote],
        /--store is for the local backend, but --backend remote selects a CAVRA server, which keeps its own files: drop one of them/,
      ],
      [
        ['approval', 'list', '--store', 'x.json', '--url', server.url],
        /--store is for the local backend, but --url selects a CAVRA server/,
      ],
      [
        ['rollout', 'list', '--backend', 'local', '--url', server.url],
        /--url is for a CAVRA server, but --backend local selects the local backend: drop one of them/,
      ],
      [['catalog', '--backend', 'remote'], /--backend remote needs the server: --url URL \(or \$CAVRA_URL\)/],
      [
        ['catalog', '--url', server.url, '--token-env', 'NOT_SET_ANYWHERE'],
        /the environment variable NOT_SET_ANYWHERE named by --token-env is empty or not set/,
      ],
      [
        ['catalog', '--url', server.url, '--token-env', TOKEN.replace(/-/g, '.')],
        /--token-env takes the name of an environment variable/,
      ],
      [['catalog', '--token-env', 'TEAM_CAVRA_TOKEN'], /--token-env is for a CAVRA server: add --url URL \(or set \$CAVRA_URL\)/],
      [['catalog', '--url', server.url, '--timeout-ms', '0'], /--timeout-ms must be at least 1, got 0/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assertNoToken(r);
      assert.ok(!r.stderr.includes(TOKEN.replace(/-/g, '.')), 'a mistaken token value was echoed');
    }
  });
});
