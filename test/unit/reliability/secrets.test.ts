// Secrets never leave where they belong. The HMAC signing key (flag and environment), an Ed25519
// private key, an OIDC actor token and the remote API token are used through every path that touches
// them, successful and failing, through the CLI and the stdio server; then everything those runs
// printed or logged, every error answered, and every file left in the workspace (stores, evidence,
// signatures, published policies) is searched for each secret and for the private key's body.
// The extension's settings hold no secret either: the token lives in SecretStorage (client side).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { CredentialsNotification, WorkflowRequests } from '../../../server/src/protocol';
import { LspClient } from '../../lsp/lspClient';
import { repoRoot } from '../../lsp/repoRoot';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { AUDIENCE, ISSUER, makeKey, sign } from '../actor/fixtures';
import { fixturesDir } from '../backend/backendFixtures';
import { Figures } from './support/figures';
import { runCli, type Finished } from './support/processes';

const HMAC = 'hmac-S3cret-reliability-5b2e9f71';
const FLAG_HMAC = 'flag-hmac-9d8c7b6a5f4e3d2c';
const API_TOKEN = 'tok_api-Reliability-0a1b2c3d4e5f';

const DRAFT = `metadata:
  id: cavra-secrets
  title: Secrets
  description: A pack published with every kind of key.
  version: "1"
commands:
  block: ["terraform apply*"]
`;

/** Every file under `dir` (except `skip`), as text. */
function filesUnder(dir: string, skip: (rel: string) => boolean): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!skip(relative(dir, p))) out.push([relative(dir, p), readFileSync(p, 'latin1')]);
    }
  };
  walk(dir);
  return out;
}

function assertAbsent(secrets: [string, string][], where: [string, string][]): void {
  for (const [name, secret] of secrets) {
    for (const [place, text] of where) assert.ok(!text.includes(secret), `the ${name} appears in ${place}`);
  }
}

describe('reliability: secrets never appear in output, logs, errors, evidence or stores', function () {
  this.timeout(120_000);
  const figures = new Figures('Security: secrets in outputs and files', 'test/unit/reliability/secrets.test.ts');
  let ws: string;
  let secrets: [string, string][];
  const seen: [string, string][] = [];
  const keep = (what: string, r: Finished) => {
    seen.push([`${what} stdout`, r.stdout], [`${what} stderr`, r.stderr]);
    return r;
  };

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'cavra-secrets-'));
    cpSync(join(fixturesDir(), 'policies', 'cavra-ai-agent-baseline'), join(ws, 'policies', 'cavra-ai-agent-baseline'), {
      recursive: true,
    });
    writeFileSync(join(ws, 'draft.yaml'), DRAFT);
    const key = await makeKey('k-secrets');
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(key, {
      email: 'iam-lead@example.com',
      groups: ['IAM', 'Platform Security'],
      iat: now,
      exp: now + 3600,
    });
    const expired = await sign(key, { email: 'iam-lead@example.com', groups: ['IAM'], iat: now - 7200, exp: now - 3600 });
    mkdirSync(join(ws, 'secrets'));
    writeFileSync(join(ws, 'secrets', 'good.jwt'), `${token}\n`);
    writeFileSync(join(ws, 'secrets', 'expired.jwt'), expired);
    writeFileSync(join(ws, 'secrets', 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }));
    writeFileSync(
      join(ws, 'secrets', 'oidc.json'),
      JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwks_path: 'jwks.json' }),
    );
    const gen = await runCli(['keygen', '--output', 'secrets', '--key-id', 'k1'], { cwd: ws });
    assert.equal(gen.status, 0, gen.stderr);
    const pem = readFileSync(join(ws, 'secrets', 'k1.private.pem'), 'utf8');
    const body = pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    // A broken private key whose body is a secret too: an error about it must not quote it.
    writeFileSync(
      join(ws, 'secrets', 'broken.private.pem'),
      `-----BEGIN PRIVATE KEY-----\n${Buffer.from('broken-key-material-77aa').toString('base64')}\n-----END PRIVATE KEY-----\n`,
    );
    secrets = [
      ['HMAC key (environment)', HMAC],
      ['HMAC key (--key)', FLAG_HMAC],
      ['Ed25519 private key body', body],
      ['broken private key body', Buffer.from('broken-key-material-77aa').toString('base64')],
      ['OIDC actor token', token],
      ['OIDC token signature', token.split('.')[2]],
      ['expired actor token signature', expired.split('.')[2]],
      ['remote API token', API_TOKEN],
    ];
  });
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => {
    rmSync(ws, { recursive: true, force: true });
    figures.save();
  });

  it('local: request, approve with an actor token, publish and sign with each key, and the failing variants', async () => {
    const env = { CAVRA_POLICY_SIGNING_KEY: HMAC };
    const cli = async (what: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
      keep(what, await runCli(args, { cwd: ws, env: { ...env, ...extra } }));
    const oidc = ['--oidc-config', 'secrets/oidc.json'];
    const requestAndApprove = async () => {
      const req = await cli('request', ['request', 'draft.yaml', '--json']);
      assert.equal(req.status, 0, req.stderr);
      const id = (JSON.parse(req.stdout) as { approval: { approval_id: string } }).approval.approval_id;
      const bad = await cli('approve with an expired token', [
        'approval',
        'approve',
        id,
        '--actor',
        'x',
        '--reason',
        'r',
        '--actor-token',
        'secrets/expired.jwt',
        ...oidc,
      ]);
      assert.equal(bad.status, 1);
      const ok = await cli('approve with a token', [
        'approval',
        'approve',
        id,
        '--actor',
        'x',
        '--reason',
        'r',
        '--actor-token',
        'secrets/good.jwt',
        ...oidc,
      ]);
      assert.equal(ok.status, 0, ok.stderr);
      return id;
    };
    let id = await requestAndApprove();
    assert.equal((await cli('publish HS256 from the environment', ['publish', 'draft.yaml', '--approval', id])).status, 0);
    writeFileSync(join(ws, 'draft.yaml'), DRAFT.replace('version: "1"', 'version: "2"'));
    id = await requestAndApprove();
    assert.equal(
      (
        await cli('publish with a wrong approval and --key', [
          'publish',
          'draft.yaml',
          '--approval',
          'apr_000000000000',
          '--key',
          FLAG_HMAC,
        ])
      ).status,
      1,
    );
    assert.equal(
      (
        await cli('publish with a broken private key', [
          'publish',
          'draft.yaml',
          '--approval',
          id,
          '--private-key',
          'secrets/broken.private.pem',
        ])
      ).status,
      1,
    );
    assert.equal((await cli('publish with --key', ['publish', 'draft.yaml', '--approval', id, '--key', FLAG_HMAC])).status, 0);
    writeFileSync(join(ws, 'draft.yaml'), DRAFT.replace('version: "1"', 'version: "3"'));
    id = await requestAndApprove();
    assert.equal(
      (
        await cli('publish Ed25519', [
          'publish',
          'draft.yaml',
          '--approval',
          id,
          '--private-key',
          'secrets/k1.private.pem',
          '--key-id',
          'k1',
        ])
      ).status,
      0,
    );
    const policy = 'policies/cavra-secrets/policy.yaml';
    assert.equal((await cli('verify with the wrong HMAC', ['verify', policy, '--key', FLAG_HMAC])).status, 1);
    assert.equal(
      (await cli('sign with a broken key', ['sign', policy, '--private-key', 'secrets/broken.private.pem'])).status,
      2,
    );
    assert.equal((await cli('sign HS256 --key', ['sign', policy, '--key', FLAG_HMAC, '--json'])).status, 0);
    assert.equal((await cli('verify HS256', ['verify', '--signature-only', policy, '--key', FLAG_HMAC, '--json'])).status, 0);
    assert.equal((await cli('evidence verify', ['evidence', 'verify', '--json'])).status, 0);

    const files = filesUnder(ws, (rel) => rel.startsWith('secrets/'));
    assert.ok(files.some(([rel]) => rel === '.cavra/evidence.jsonl') && files.some(([rel]) => rel === '.cavra/approvals.json'));
    assertAbsent(secrets, [...seen, ...files]);
    figures.add({
      what: 'CLI runs with an HMAC key (env and flag), an Ed25519 key, a broken key, OIDC actor tokens (valid and expired)',
      count: seen.length / 2,
      unit: `runs; searched with ${files.length} workspace files (stores, evidence, signatures, policies)`,
      outcome: `0 occurrences of ${secrets.length} secrets`,
    });
  });

  describe('remote and the stdio server', () => {
    let server: LocalCavraServer;
    beforeEach(async () => {
      server = await startLocalCavraServer({ packs: ['cavra-ai-agent-baseline'] });
    });
    afterEach(() => server.close());

    it('the API token: a server that echoes it in errors, HTML pages and 401s does not get it printed (CLI)', async () => {
      const remote = ['--backend', 'remote', '--url', server.url];
      const echo = (status: number) => ({
        fault: { kind: 'answer' as const, status, body: { detail: `bad credentials: Bearer ${API_TOKEN}` } },
        times: Infinity,
      });
      const runs: [string, string[]][] = [
        ['catalog', ['catalog']],
        ['list', ['approval', 'list']],
        ['plan', ['plan', 'draft.yaml']],
        ['evaluate', ['evaluate', 'read_file', '.env']],
        [
          'rollout',
          [
            'rollout',
            'apply',
            '--actor',
            'ci',
            '--repository',
            'a/b',
            '--policy-pack',
            'cavra-ai-agent-baseline',
            '--mode',
            'strict',
          ],
        ],
      ];
      for (const status of [400, 401, 403, 500]) {
        server.server.clearFaults();
        server.server.fault(echo(status));
        for (const [what, args] of runs) {
          const r = keep(
            `remote ${what} (${status} echo)`,
            await runCli([...args, ...remote], { cwd: ws, env: { CAVRA_TOKEN: API_TOKEN } }),
          );
          assert.equal(r.status, 1, `${what}: ${r.stderr}`);
        }
      }
      server.server.clearFaults();
      server.server.fault({
        fault: {
          kind: 'answer',
          status: 502,
          body: `<html><body>proxy saw Authorization: Bearer ${API_TOKEN}</body></html>`,
          contentType: 'text/html',
        },
        times: Infinity,
      });
      keep('remote catalog (HTML echo)', await runCli(['catalog', ...remote], { cwd: ws, env: { CAVRA_TOKEN: API_TOKEN } }));
      assert.ok(
        server.server.hits.some((h) => h.headers.authorization === `Bearer ${API_TOKEN}`),
        'the token was sent',
      );
      assertAbsent(secrets, seen);
    });

    it('the stdio server: the token from the client and the HMAC key stay out of log messages, error answers and stderr', async () => {
      const client = await LspClient.start({
        workspace: ws,
        env: { CAVRA_POLICY_SIGNING_KEY: HMAC },
        settings: { backend: 'remote', remote: { url: server.url, timeoutMs: 1000 } } as never,
      });
      const logs: string[] = [];
      client.connection.onNotification('window/logMessage', (p: { message: string }) => {
        logs.push(p.message);
      });
      const answers: string[] = [];
      try {
        await client.connection.sendNotification(CredentialsNotification, { token: API_TOKEN });
        const uri = pathToFileURL(join(ws, 'draft.yaml')).href;
        for (const status of [401, 500]) {
          server.server.clearFaults();
          server.server.fault({
            fault: { kind: 'answer', status, body: { detail: `rejected Bearer ${API_TOKEN}` } },
            times: Infinity,
          });
          for (const [method, params] of [
            ['catalog', {}],
            ['listApprovals', {}],
            ['publishPlan', { uri }],
            ['approve', { approval_id: 'apr_1', actor: 'a', reason: 'r' }],
          ] as const) {
            try {
              answers.push(
                JSON.stringify(await client.connection.sendRequest(WorkflowRequests[method] as never, params as never)),
              );
            } catch (e) {
              assert.ok(e instanceof ResponseError, String(e));
              answers.push(`${e.message} ${JSON.stringify(e.data)}`);
            }
          }
        }
        const info = await client.connection.sendRequest(WorkflowRequests.backendInfo, {});
        answers.push(JSON.stringify(info));
      } finally {
        await client.stop();
      }
      assert.ok(answers.length >= 9 && logs.length > 0, 'requests were answered and failures logged');
      assert.ok(
        server.server.hits.some((h) => h.headers.authorization === `Bearer ${API_TOKEN}`),
        "the server sent the client's token",
      );
      assertAbsent(secrets, [
        ...answers.map((a, i) => [`answer ${i}`, a] as [string, string]),
        ...logs.map((l, i) => [`log ${i}`, l] as [string, string]),
        ['server stderr', (client as unknown as { stderr: string }).stderr],
      ]);
      figures.add({
        what: 'remote token and HMAC key through the CLI and the stdio server, with a server echoing the token in 400/401/403/500 JSON and HTML',
        count: seen.length / 2 + answers.length,
        unit: `CLI runs and LSP answers (${logs.length} log messages searched)`,
        outcome: 'token sent as a Bearer header, 0 occurrences in output, logs, errors or files',
      });
    });
  });

  it('the stdio server, local mode with an OIDC config: actor tokens sent by the editor stay out of answers, logs, stderr and files', async () => {
    const good = readFileSync(join(ws, 'secrets', 'good.jwt'), 'utf8').trim();
    const expired = readFileSync(join(ws, 'secrets', 'expired.jwt'), 'utf8').trim();
    const client = await LspClient.start({ workspace: ws, settings: { auth: { oidcConfig: 'secrets/oidc.json' } } as never });
    const logs: string[] = [];
    client.connection.onNotification('window/logMessage', (p: { message: string }) => {
      logs.push(p.message);
    });
    const answers: string[] = [];
    const send = async (method: keyof typeof WorkflowRequests, params: object) => {
      try {
        const r = await client.connection.sendRequest(WorkflowRequests[method] as never, params as never);
        answers.push(JSON.stringify(r));
        return r as unknown;
      } catch (e) {
        assert.ok(e instanceof ResponseError, String(e));
        answers.push(`${e.message} ${JSON.stringify(e.data)}`);
        return undefined;
      }
    };
    try {
      const uri = pathToFileURL(join(ws, 'draft.yaml')).href;
      await send('actorAuth', {});
      await send('verifyActor', { actor_token: good });
      await send('verifyActor', { actor_token: expired });
      await send('verifyActor', { actor_token: `${good}x` });
      await send('publishRequest', { uri });
      const request = (await send('publishRequest', { uri, actor_token: good })) as { approval: { approval_id: string } };
      const approval_id = request.approval.approval_id;
      for (const actor_token of [expired, `${good.slice(0, -4)}AAAA`, 'not-a-jwt', undefined])
        await send('approve', { approval_id, actor: 'x', reason: 'r', actor_token });
      await send('approve', { approval_id, actor: 'x', reason: 'r', actor_token: good });
      await send('rolloutApply', { repository: 'a/b', policy_pack: 'cavra-secrets', actor_token: expired });
      await send('rolloutApply', { repository: 'a/b', policy_pack: 'cavra-secrets', actor_token: good });
      await send('listEvidence', {});
    } finally {
      await client.stop();
    }
    assert.ok(answers.length >= 14 && logs.length > 0, 'requests were answered and failures logged');
    assert.ok(
      answers.some((a) => a.includes('iam-lead@example.com')),
      'the token was used: its actor is in the answers',
    );
    const files = filesUnder(ws, (rel) => rel.startsWith('secrets/'));
    assertAbsent(secrets, [
      ...answers.map((a, i) => [`answer ${i}`, a] as [string, string]),
      ...logs.map((l, i) => [`log ${i}`, l] as [string, string]),
      ['server stderr', (client as unknown as { stderr: string }).stderr],
      ...files,
    ]);
    figures.add({
      what: 'OIDC actor tokens (valid, expired, tampered) sent by the editor over the stdio server in local mode',
      count: answers.length,
      unit: `LSP answers (${logs.length} log messages, ${files.length} workspace files searched)`,
      outcome: 'tokens verified and recorded as actors, 0 occurrences in answers, logs, stderr or files',
    });
  });

  it("the extension's settings hold no secret: the token is SecretStorage-only", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: { [k: string]: { description?: string; markdownDescription?: string } } } };
    };
    const names = Object.keys(manifest.contributes.configuration.properties);
    // Names of variables and files are fine (hmacKeyEnv, keyDirectory, keyId); values of secrets are not.
    assert.deepEqual(
      names.filter((n) => /token|secret|password|hmacKey$|privateKey$/i.test(n)),
      [],
    );
  });
});
