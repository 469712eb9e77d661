// How the command line is read, whatever the command: shared flags before the command, `--`, help per
// command and family, suggestions, and every usage mistake exiting 2 with a message naming it.
import { strict as assert } from 'node:assert';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { cavraWorkspace } from './cavraWorkspace';

describe('cavra-policy command line', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = cavraWorkspace();
  });
  after(() => ws.remove());

  it('shared flags may come before the command; --flag=value works like --flag value', () => {
    const elsewhere = cavraWorkspace();
    try {
      const before = cliJson<{ total: number }>(elsewhere.root, ['--root', ws.root, 'catalog']);
      const inline = cliJson<{ total: number }>(elsewhere.root, ['catalog', `--root=${ws.root}`]);
      assert.deepEqual(before, inline);
      const r = cli(ws.root, ['--json', 'approval', 'list', '--limit=3']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).limit, 3);
    } finally {
      elsewhere.remove();
    }
  });

  it('the top-level help lists every command and the shared options', () => {
    const r = cli(ws.root, ['--help']);
    assert.equal(r.status, 0);
    for (const command of [
      'validate',
      'catalog',
      'draft',
      'plan',
      'request',
      'publish',
      'approval list',
      'approval break-glass',
      'keygen',
      'sign',
      'verify',
      'rollout plan',
      'rollout apply',
      'rollout list',
      'evaluate',
      'test',
      'evidence verify',
    ]) {
      assert.match(r.stdout, new RegExp(`\\n {2}${command} `), command);
    }
    for (const flag of [
      '--root DIR',
      '--policy-dir DIR',
      '--store PATH',
      '--inventory PATH',
      '--backend local|remote',
      '--url URL',
      '--token-env NAME',
      '--timeout-ms MS',
    ]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });

  it("--help after any command shows that command's usage and options, even next to other mistakes", () => {
    const r = cli(ws.root, ['rollout', 'apply', '--coverage-percent', 'lots', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: cavra-policy rollout apply \(--actor NAME \| --actor-token PATH\) \[--rollout-id ID\]/);
    assert.match(r.stdout, /--coverage-percent N +Share of the repository covered/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 errors found or operation failed, 2 bad usage or unreadable input\.$/m);
    const family = cli(ws.root, ['rollout', '-h']);
    assert.equal(family.status, 0);
    assert.match(family.stdout, /^Usage: cavra-policy rollout <plan\|apply\|request-approval\|list\|get> \[options\]/);
  });

  it("usage mistakes exit 2 with a message naming the mistake and the command's usage", () => {
    const cases: [string[], RegExp][] = [
      [['aproval', 'list'], /unknown command aproval \(did you mean approval\?\)/],
      [['--state', 'pending', 'approval', 'list'], /unknown option --state before the command \(command options go after it\)/],
      [['catalog', '--json=yes'], /--json takes no value/],
      [['catalog', 'extra'], /catalog takes no arguments, got 1/],
      [['catalog', '--backend', 'cloud'], /--backend must be one of: local, remote \(got "cloud"\)/],
      [['request', 'drafts/a.yaml', '--ttl-hours', '1.5'], /--ttl-hours must be a whole number, got "1\.5"/],
      [['request', 'drafts/a.yaml', '--requested-by', '--ttl-hours', '2'], /--requested-by needs a value \(NAME\)/],
      [['request'], /request needs a policy draft file \(YAML or JSON\)/],
      [['evidence'], /evidence needs a subcommand/],
      [['keygen', 'extra', '--output', 'k', '--key-id', 'x'], /keygen takes no arguments: use --output DIR --key-id ID/],
    ];
    for (const [args, message] of cases) {
      const r = cli(ws.root, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '', 'usage errors go to stderr');
    }
    const withUsage = cli(ws.root, ['approval', 'get', 'a', 'b']);
    assert.match(
      withUsage.stderr,
      /^cavra-policy: approval get takes one approval id\n\nUsage: cavra-policy approval get ID\nSee: cavra-policy approval get --help\n$/,
    );
  });

  it('a secret flag value never appears in a usage error', () => {
    const secret = 'hmac-value-that-is-secret';
    const r = cli(ws.root, ['sign', 'drafts/a.yaml', `--key=${secret}`, '--private-key', 'x.pem']);
    assert.equal(r.status, 2);
    assert.ok(!r.stderr.includes(secret));
    const unknown = cli(ws.root, ['sign', 'drafts/a.yaml', `--hmac=${secret}`]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option --hmac for sign/);
    assert.ok(!unknown.stderr.includes(secret));
  });
});
