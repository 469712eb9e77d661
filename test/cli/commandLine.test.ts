// Issue 11 §3, "one command line, not twenty", proven through `node dist/cli.js` as a process: the
// common options on every command, the backend precedence with $CAVRA_URL (against the real test
// server), --version, exit 2 and one JSON error shape for failures, verified actors, and what publish
// says about key ids and weaker signatures.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createLocalBackend } from '../../server/src/backend/local';
import { repoRoot } from '../lsp/repoRoot';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { CavraTestServer } from '../server/cavraTestServer';
import { AUDIENCE, ISSUER, makeKey, sign } from '../unit/actor/fixtures';
import { cli, cliAsync, cliJson, type CliRun } from './cliProcess';
import { DRAFT_A, PACK_ID, cavraWorkspace, requestAndApprove, snapshot } from './cavraWorkspace';

const ALL_COMMON = [
  '--root',
  '.',
  '--policy-dir',
  'policies',
  '--store',
  's.json',
  '--inventory',
  'i.json',
  '--oidc-config',
  'o.json',
  '--rbac-file',
  'r.json',
  '--backend',
  'local',
  '--url',
  'http://127.0.0.1:9',
  '--token-env',
  'CAVRA_TOKEN',
  '--timeout-ms',
  '100',
];

interface JsonError {
  error: {
    kind: string;
    exit_code: number;
    status: number | null;
    message: string;
    detail: string | null;
    command: string | null;
  };
}

function jsonError(r: CliRun): JsonError['error'] {
  assert.notEqual(r.stdout, '', 'with --json a failure is never an empty stdout');
  const parsed = JSON.parse(r.stdout) as JsonError;
  assert.deepEqual(Object.keys(parsed), ['error']);
  assert.deepEqual(Object.keys(parsed.error), ['kind', 'exit_code', 'status', 'message', 'detail', 'command']);
  assert.equal(parsed.error.exit_code, r.status);
  return parsed.error;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('cavra-policy: one command line', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace({ 'p/policy.yaml': DRAFT_A });
  });
  afterEach(() => ws.remove());

  it('--version prints the package version (text and --json); exit 0', () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const text = cli(ws.root, ['--version']);
    assert.deepEqual([text.status, text.stdout, text.stderr], [0, `cavra-policy ${version}\n`, '']);
    const json = cli(ws.root, ['--version', '--json']);
    assert.equal(json.status, 0);
    assert.deepEqual(JSON.parse(json.stdout), { name: 'cavra-policy', version });
  });

  it('the commands that refused common options accept every one of them, warning on stderr about those they do not use', function () {
    this.timeout(120_000);
    const key = cliJson<{ private_key_path: string }>(ws.root, [
      'keygen',
      '--output',
      'keys',
      '--key-id',
      'k',
      '--root',
      '.',
      '--store',
      's.json',
    ]);
    const runs: [string[], string[]][] = [
      [
        ['validate', 'p/policy.yaml'],
        ['--store', '--inventory', '--oidc-config', '--rbac-file', '--backend', '--url', '--token-env', '--timeout-ms'],
      ],
      [
        ['summary', 'p/policy.yaml'],
        [
          '--root',
          '--policy-dir',
          '--store',
          '--inventory',
          '--oidc-config',
          '--rbac-file',
          '--backend',
          '--url',
          '--token-env',
          '--timeout-ms',
        ],
      ],
      [
        ['digest', 'p/policy.yaml'],
        [
          '--root',
          '--policy-dir',
          '--store',
          '--inventory',
          '--oidc-config',
          '--rbac-file',
          '--backend',
          '--url',
          '--token-env',
          '--timeout-ms',
        ],
      ],
      [
        ['keygen', '--output', 'keys', '--key-id', 'k2'],
        [
          '--root',
          '--policy-dir',
          '--store',
          '--inventory',
          '--oidc-config',
          '--rbac-file',
          '--backend',
          '--url',
          '--token-env',
          '--timeout-ms',
        ],
      ],
      [
        ['sign', 'p/policy.yaml', '--private-key', key.private_key_path],
        ['--store', '--inventory', '--oidc-config', '--rbac-file', '--backend', '--url', '--token-env', '--timeout-ms'],
      ],
      [
        ['verify', 'p/policy.yaml', '--key-dir', 'keys'],
        ['--inventory', '--backend', '--url', '--token-env', '--timeout-ms'],
      ],
    ];
    for (const [args, ignored] of runs) {
      const r = cli(ws.root, [...args, ...ALL_COMMON]);
      assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
      const warnings = r.stderr.split('\n').filter(Boolean);
      assert.deepEqual(
        warnings,
        ignored.map((flag) => `cavra-policy: warning: ${flag} does not apply to ${args[0]}; ignored`),
        args[0],
      );
      const json = cli(ws.root, ['--json', ...ALL_COMMON, ...args.map((a) => a.replace(/^k2$/, 'k3'))]);
      assert.equal(json.status, 0, json.stderr);
      JSON.parse(json.stdout);
    }
  });

  it('a used common option that contradicts another stays refused, saying why (exit 2)', () => {
    const cases: [string[], RegExp][] = [
      [
        ['approval', 'list', '--store', 's.json', '--backend', 'remote', '--url', 'http://127.0.0.1:9'],
        /--store is for the local backend, but --backend remote selects a CAVRA server, which keeps its own files: drop one of them/,
      ],
      [
        ['catalog', '--backend', 'local', '--url', 'http://127.0.0.1:9'],
        /--url is for a CAVRA server, but --backend local selects the local backend: drop one of them/,
      ],
      [
        ['test', '--backend', 'remote'],
        /test works on the local workspace only \(CAVRA's API has no such endpoint\): drop --backend remote/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = cli(ws.root, [...args, '--json']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      const e = jsonError(r);
      assert.equal(e.kind, 'usage');
      assert.match(e.message, message);
    }
  });

  it('usage errors exit 2 everywhere, and with --json print {"error": {...}} on stdout', function () {
    this.timeout(180_000); // two processes per case
    const cases: [string[], string, RegExp][] = [
      [
        ['rollout', 'plan', '--repository', 'r', '--policy-pack', 'p', '--mode', 'strict_regulated'],
        'rollout plan',
        /^--mode must be one of: audit_only, break_glass, enforce, strict \(got "strict_regulated"\)$/,
      ],
      [['approval', 'list', '--limit', '0'], 'approval list', /^--limit must be at least 1, got 0$/],
      [['approval', 'list', '--limit', '501'], 'approval list', /^--limit must be at most 500, got 501$/],
      [['approval', 'create', 'd.json', '--ttl-hours', '0'], 'approval create', /^--ttl-hours must be at least 1, got 0$/],
      [['request', 'drafts/a.yaml', '--ttl-hours', '0'], 'request', /^--ttl-hours must be at least 1, got 0$/],
      [
        ['approval', 'approve', 'apr_1', '--reason', 'r'],
        'approval approve',
        /^approval approve needs who acts: --actor NAME, or a verified actor with --actor-token PATH/,
      ],
      [
        ['approval', 'approve', 'apr_1', '--reason', 'r', '--actor-token', 't.jwt'],
        'approval approve',
        /^--actor-token needs an OIDC config to check it: --oidc-config PATH \(or \$CAVRA_APPROVAL_OIDC_CONFIG\)$/,
      ],
      [['approval', 'break-glass', 'd.json', '--reason', 'r'], 'approval break-glass', /^approval break-glass needs who acts/],
      [['rollout', 'apply', '--repository', 'r', '--policy-pack', 'p'], 'rollout apply', /^rollout apply needs who acts/],
      [['catalog', '--bogus'], 'catalog', /^unknown option --bogus for catalog$/],
      [
        ['verify', 'p/policy.yaml', '--key-dri', 'k'],
        'verify',
        /^unknown option --key-dri for verify \(did you mean --key-dir\?\)$/,
      ],
      [['aproval', 'list'], '', /^unknown command aproval \(did you mean approval\?\)$/],
    ];
    for (const [args, command, message] of cases) {
      const r = cli(ws.root, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', 'without --json, errors go to stderr only');
      const j = cli(ws.root, [...args, '--json']);
      assert.equal(j.status, 2, args.join(' '));
      const e = jsonError(j);
      assert.deepEqual([e.kind, e.status, e.detail, e.command], ['usage', null, null, command || null], args.join(' '));
      assert.match(e.message, message, args.join(' '));
      assert.ok(j.stderr.includes(e.message), 'stderr says the same');
    }
  });

  it("input errors (exit 2), backend refusals (exit 1, with CAVRA's status) and failed operations (exit 1) have the same JSON shape", () => {
    const input = jsonError(cli(ws.root, ['digest', 'missing.yaml', '--json']));
    assert.deepEqual([input.kind, input.exit_code, input.status], ['input', 2, null]);
    assert.match(input.message, /^cannot read missing\.yaml: ENOENT/);
    const notFound = jsonError(cli(ws.root, ['approval', 'get', 'apr_nope', '--json']));
    assert.deepEqual(
      [notFound.kind, notFound.exit_code, notFound.status, notFound.message, notFound.detail, notFound.command],
      ['backend', 1, 404, 'approval not found', 'approval not found', 'approval get'],
    );
    cli(ws.root, ['keygen', '--output', 'keys', '--key-id', 'twice']);
    const again = jsonError(cli(ws.root, ['keygen', '--output', 'keys', '--key-id', 'twice', '--json']));
    assert.deepEqual([again.kind, again.exit_code, again.status], ['failed', 1, null]);
    assert.match(again.message, /refusing to overwrite/);
  });

  it('with a verified actor token --actor is not demanded, and the output says which actor was recorded', async function () {
    this.timeout(120_000);
    const key = await makeKey('k1');
    const now = Math.floor(Date.now() / 1000);
    ws.write('.cavra/jwks.json', JSON.stringify({ keys: [key.publicJwk] }));
    ws.write('.cavra/oidc.json', JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwks_path: 'jwks.json' }));
    ws.write(
      'lead.jwt',
      await sign(key, {
        email: 'iam-lead@example.com',
        groups: ['IAM', 'Change Advisory Board', 'Platform Security'],
        iat: now,
        exp: now + 3600,
      }),
    );
    ws.write('decision.json', cli(ws.root, ['evaluate', 'write_file', 'iam/admin.json', '--json']).stdout);
    const oidc = ['--oidc-config', '.cavra/oidc.json', '--actor-token', 'lead.jwt'];
    const id = cliJson<{ approval_id: string }>(ws.root, ['approval', 'create', 'decision.json']).approval_id;

    const approved = cli(ws.root, ['approval', 'approve', id, '--reason', 'reviewed', ...oidc]);
    assert.equal(approved.status, 0, approved.stderr);
    assert.match(
      approved.stdout,
      /^Recorded actor: iam-lead@example\.com \(verified from --actor-token\)\nApproval apr_\w+: approved\n/,
    );
    const named = cli(ws.root, [
      'approval',
      'break-glass',
      'decision.json',
      '--reason',
      'incident',
      '--actor',
      'someone-else',
      ...oidc,
    ]);
    assert.equal(named.status, 0, named.stderr);
    assert.match(
      named.stdout,
      /Recorded actor: iam-lead@example\.com \(verified from --actor-token; --actor someone-else was not used\)/,
    );

    const applied = cliJson<{ actor: { actor: string }; applied_by: string }>(ws.root, [
      'rollout',
      'apply',
      '--repository',
      'payments/api',
      '--policy-pack',
      PACK_ID,
      ...oidc,
    ]);
    assert.equal(applied.actor.actor, 'iam-lead@example.com');
    assert.equal(applied.applied_by, 'iam-lead@example.com');

    const refused = cli(ws.root, [
      'approval',
      'deny',
      id,
      '--actor',
      'alice',
      '--reason',
      'r',
      '--oidc-config',
      '.cavra/oidc.json',
    ]);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /console action requires verified actor context\nSupply a verified actor: --actor-token PATH .*--oidc-config PATH/,
    );
    const evidence = readFileSync(join(ws.root, '.cavra', 'evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; actor: unknown });
    assert.ok(
      evidence.every((e) => e.event !== 'rollout_apply' || e.actor === 'iam-lead@example.com'),
      'the applied change names its actor',
    );
  });

  it('publish says which key_id it wrote (CAVRA: --key-id, else the signer) and refuses to replace an Ed25519 signature with a weaker one unless asked', function () {
    this.timeout(120_000);
    const key = cliJson<{ private_key_path: string }>(ws.root, [
      'keygen',
      '--output',
      '.cavra/policy-signing',
      '--key-id',
      'release',
    ]);
    const first = requestAndApprove(ws, 'drafts/a.yaml');
    const signed = cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', first, '--private-key', key.private_key_path]);
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(
      signed.stdout,
      /\n {2}key_id +policy-authoring-api \(the signer, as no --key-id was given; the key file is release\.private\.pem: pass --key-id release to record its name\)\n/,
    );
    const sigPath = join(ws.root, 'policies', PACK_ID, 'policy.yaml.sig.json');
    assert.equal(JSON.parse(readFileSync(sigPath, 'utf8')).key_id, 'policy-authoring-api');
    assert.equal(cli(ws.root, ['verify', `policies/${PACK_ID}/policy.yaml`]).status, 0, 'the key directory is trusted');

    const before = snapshot(join(ws.root, 'policies'));
    const second = requestAndApprove(ws, 'drafts/b.yaml');
    const weaker = cli(ws.root, ['publish', 'drafts/b.yaml', '--approval', second, '--json']);
    assert.equal(weaker.status, 1);
    assert.match(
      weaker.stderr,
      /refusing to publish: the published pack is signed with Ed25519, and this publish would replace that with a digest-only SHA256 signature, which anyone can recompute; .* \(--allow-weaker-signature\)/,
    );
    assert.equal(jsonError(weaker).status, 409);
    assert.deepEqual(snapshot(join(ws.root, 'policies')), before, 'nothing written');

    const allowed = cli(ws.root, ['publish', 'drafts/b.yaml', '--approval', second, '--allow-weaker-signature']);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(
      allowed.stdout,
      /note: no key given: this digest-only SHA256 signature only detects accidental changes; anyone can recompute it\./,
    );

    const third = requestAndApprove(ws, 'drafts/a.yaml');
    const named = cli(ws.root, [
      'publish',
      'drafts/a.yaml',
      '--approval',
      third,
      '--private-key',
      key.private_key_path,
      '--key-id',
      'release',
    ]);
    assert.equal(named.status, 0, named.stderr);
    assert.match(named.stdout, /\n {2}key_id +release \(from --key-id\)\n/);
  });
});

describe('cavra-policy: $CAVRA_URL and the backend precedence (real test server)', () => {
  let server: CavraTestServer;
  let serverSide: TempWorkspace;
  let client: TempWorkspace;
  beforeEach(async () => {
    serverSide = cavraWorkspace();
    client = cavraWorkspace();
    server = await CavraTestServer.start({ engine: createLocalBackend({ root: serverSide.root }) });
  });
  afterEach(async () => {
    await server.close();
    serverSide.remove();
    client.remove();
  });

  it('with only $CAVRA_URL set, the server answers and the output says so', async () => {
    const human = await cliAsync(client.root, ['catalog'], { CAVRA_URL: server.url });
    assert.equal(human.status, 0, human.stderr);
    assert.equal(server.hitsFor('GET', '/policy-pack-catalog').length, 1);
    assert.match(
      human.stdout,
      new RegExp(`\\(answered by CAVRA server ${server.url.replace(/[.]/g, '\\.')}, from \\$CAVRA_URL\\)\\n$`),
    );
    const json = await cliAsync(client.root, ['rollout', 'list', '--json'], { CAVRA_URL: server.url });
    assert.equal(json.status, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).total, 0);
    assert.match(json.stderr, /answered by CAVRA server .*, from \$CAVRA_URL/);
  });

  it('a dead $CAVRA_URL is honoured (the failure names it); --backend local or a local-only option wins over it', async function () {
    this.timeout(120_000);
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const refused = await cliAsync(client.root, ['catalog', '--json', '--timeout-ms', '2000'], { CAVRA_URL: dead });
    assert.equal(refused.status, 1);
    assert.ok(refused.stderr.includes(dead.replace('http://', '')), refused.stderr);
    const e = (JSON.parse(refused.stdout) as JsonError).error;
    assert.deepEqual([e.kind, e.status], ['backend', null]);

    const local = await cliAsync(client.root, ['catalog', '--backend', 'local'], { CAVRA_URL: dead });
    assert.equal(local.status, 0, local.stderr);
    assert.match(
      local.stdout,
      /\(answered by the local workspace .* \(--backend local selects it; \$CAVRA_URL is not used\)\)\n$/,
    );
    const store = await cliAsync(client.root, ['approval', 'list', '--store', 'mine.json'], { CAVRA_URL: dead });
    assert.equal(store.status, 0, store.stderr);
    assert.match(
      store.stdout,
      /^No approvals\.\n\(answered by the local workspace .* \(--store selects it; \$CAVRA_URL is not used\)\)\n$/,
    );
    const tests = await cliAsync(client.root, ['test'], { CAVRA_URL: dead });
    assert.equal(tests.status, 0, tests.stderr);
    assert.match(tests.stdout, /\$CAVRA_URL is not used by this command/);
    const explicit = await cliAsync(client.root, ['catalog', '--url', server.url, '--json'], { CAVRA_URL: dead });
    assert.equal(explicit.status, 0, explicit.stderr);
  });
});
