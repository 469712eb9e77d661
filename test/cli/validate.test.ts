import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../lsp/tempWorkspace';
import { CLI } from './cliProcess';
import { fixture, FIXTURE_POLICIES, runCli } from './runCli';

const POLICY_DIR = ['--policy-dir', FIXTURE_POLICIES];

describe('cavra-policy validate', () => {
  it('prints file:line:col: severity code: message, 1-based, and exits 1 on errors', () => {
    const r = runCli(['validate', fixture('cavra-bad-unknown-key'), ...POLICY_DIR]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stdout,
      'test/fixtures/policies/cavra-bad-unknown-key/policy.yaml:8:3: error unknown-key: `filesystem` does not allow `allow_read`; allowed keys: block_read, block_write, require_approval_write.\n',
    );
    assert.equal(r.stderr, '');
  });

  it('--json prints an array of {file, line, column, endLine, endColumn, severity, code, message}', () => {
    const r = runCli(['validate', '--json', fixture('cavra-bad-duplicate-entry'), ...POLICY_DIR]);
    assert.equal(r.status, 1);
    assert.deepEqual(JSON.parse(r.stdout), [
      {
        file: 'test/fixtures/policies/cavra-bad-duplicate-entry/policy.yaml',
        line: 10,
        column: 7,
        endLine: 10,
        endColumn: 13,
        severity: 'error',
        code: 'duplicate-entry',
        message: '`filesystem.block_read` lists ".env" twice (first on line 9); entries must be unique.',
      },
    ]);
  });

  it('exits 0 for a valid pack with a one-line summary, so a clean run is not silent', () => {
    const r = runCli(['validate', fixture('cavra-studio-minimal'), ...POLICY_DIR]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'OK: 1 file checked, no errors\n');
    const two = runCli(['validate', fixture('cavra-studio-minimal'), fixture('cavra-bad-unreachable-rule'), ...POLICY_DIR]);
    assert.equal(two.status, 0);
    assert.match(two.stdout, /: warning unreachable-rule: .*\nOK: 2 files checked, no errors, 1 warning\n$/);
  });

  it("a missing version: CAVRA's schema requires it, and the message says a draft would fill in a dated one that changes the digest daily", () => {
    const ws = tempWorkspace({ 'p.yaml': 'metadata:\n  id: cavra-no-version\n  title: T\n  description: D\n' });
    try {
      const r = runCli(['validate', 'p.yaml'], { cwd: ws.root });
      assert.equal(r.status, 1);
      assert.equal(
        r.stdout,
        "p.yaml:1:1: error missing-field: `metadata` is missing the required field `version`. A CAVRA draft would fill in today's date as the version (YYYY.MM.DD), so the pack's digest would change from day to day; set `version` yourself.\n",
      );
    } finally {
      ws.remove();
    }
  });

  it('exits 0 when there are warnings but no errors', () => {
    const r = runCli(['validate', '--json', fixture('cavra-bad-unreachable-rule'), ...POLICY_DIR]);
    assert.equal(r.status, 0);
    assert.deepEqual(
      JSON.parse(r.stdout).map((d: { severity: string; code: string }) => `${d.severity} ${d.code}`),
      ['warning unreachable-rule'],
    );
  });

  it('reports every file it is given and exits 1 when any has an error', () => {
    const r = runCli(['validate', '--json', fixture('cavra-studio-minimal'), fixture('cavra-bad-missing-field'), ...POLICY_DIR]);
    assert.equal(r.status, 1);
    const rows = JSON.parse(r.stdout) as { file: string; code: string }[];
    assert.deepEqual(
      rows.map((d) => `${d.file} ${d.code}`),
      ['test/fixtures/policies/cavra-bad-missing-field/policy.yaml missing-field'],
    );
  });

  it('a reader that stops early (`validate … | head`) ends it quietly, with its own exit code', async () => {
    // 3,000 repeats of one entry: over 300 KB of findings, several times what a pipe holds.
    const ws = tempWorkspace({
      'policies/cavra-many/policy.yaml': [
        'metadata:',
        '  id: cavra-many',
        '  title: Many findings',
        '  description: d',
        '  version: "1.0.0"',
        'filesystem:',
        '  block_read:',
        ...Array.from({ length: 3001 }, () => '    - ".env"'),
        '',
      ].join('\n'),
    });
    try {
      const child = spawn(process.execPath, [CLI, 'validate', 'policies/cavra-many/policy.yaml'], { cwd: ws.root });
      let stdout = '';
      let stderr = '';
      child.stdout.once('data', (d: Buffer) => {
        stdout = d.toString('utf8');
        child.stdout.destroy();
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.match(stdout, /^policies\/cavra-many\/policy\.yaml:9:7: error duplicate-entry: /);
      assert.equal(stderr, '', 'no EPIPE, no stack trace');
      assert.equal(status, 1, 'the findings still decide the exit code');
    } finally {
      ws.remove();
    }
  });

  it('waits for a slow reader instead of queueing its output in memory', async () => {
    // 40 packs of 400 repeated entries: about 1.7 MB of findings, 40 KB per file, far more than a pipe holds.
    const packs: Record<string, string> = {};
    const files: string[] = [];
    for (let p = 0; p < 40; p++) {
      const id = `cavra-many-${p}`;
      files.push(`policies/${id}/policy.yaml`);
      packs[files[p]] = [
        'metadata:',
        `  id: ${id}`,
        '  title: Many findings',
        '  description: d',
        '  version: "1.0.0"',
        'filesystem:',
        '  block_read:',
        ...Array.from({ length: 401 }, () => '    - ".env"'),
        '',
      ].join('\n');
    }
    // What the CLI queues in its stdout stream, read after each write by a module loaded before it.
    packs['watch-stdout.cjs'] = [
      'const write = process.stdout.write.bind(process.stdout);',
      'let most = 0;',
      'process.stdout.write = (...a) => { const r = write(...a); most = Math.max(most, process.stdout.writableLength); return r; };',
      "process.on('exit', () => require('fs').writeSync(2, `queued at most ${most}\\n`));",
    ].join('\n');
    const ws = tempWorkspace(packs);
    try {
      const child = spawn(process.execPath, ['-r', './watch-stdout.cjs', CLI, 'validate', ...files], { cwd: ws.root });
      // Nothing read for a while: a writer that does not wait queues everything it prints meanwhile.
      child.stdout.pause();
      const chunks: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      setTimeout(() => child.stdout.resume(), 1500);
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const stdout = Buffer.concat(chunks).toString('utf8');
      assert.equal(status, 1);
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines.length, 40 * 400, 'every finding printed once');
      assert.equal(lines.filter((l) => l.includes('error duplicate-entry')).length, 40 * 400);
      const queued = Number(/queued at most (\d+)/.exec(stderr)?.[1]);
      const perFile = stdout.length / 40;
      assert.ok(queued <= 2 * perFile, `queued ${queued} bytes; one file prints ${Math.round(perFile)}`);
    } finally {
      ws.remove();
    }
  });

  it('an empty --json result is an empty array', () => {
    const r = runCli(['validate', '--json', fixture('cavra-studio-minimal'), ...POLICY_DIR]);
    assert.equal(r.status, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('resolves inherits against CAVRA_POLICY_DIR when no --policy-dir is given', () => {
    const withEnv = runCli(['validate', '--json', fixture('cavra-agentic-delivery')], {
      env: { CAVRA_POLICY_DIR: FIXTURE_POLICIES },
    });
    const without = runCli(['validate', '--json', fixture('cavra-agentic-delivery')], { cwd: '/' });
    const codes = (r: { stdout: string }) => (JSON.parse(r.stdout) as { code: string }[]).map((d) => d.code);
    assert.ok(!codes(withEnv).includes('unknown-inherits'), withEnv.stdout);
    assert.equal(without.status, 2, 'a relative file from another folder is unreadable');
  });

  it('reports an inherits parent missing from the policy root', () => {
    const r = runCli(['validate', '--json', fixture('cavra-agentic-delivery'), '--policy-dir', 'test/fixtures/cavra-recorded']);
    const missing = (JSON.parse(r.stdout) as { code: string; message: string }[]).filter((d) => d.code === 'unknown-inherits');
    assert.equal(missing.length, 2);
    assert.equal(r.status, 0, 'a missing parent is a warning');
  });

  it('counts lines and columns in CRLF and BOM files as in an LF file', () => {
    // missing-field sits on line 1, where a byte-order mark would shift the column.
    const lf = readFileSync(join(FIXTURE_POLICIES, 'cavra-bad-wrong-type', 'policy.yaml'), 'utf8').replace(
      '  title: Wrong type\n',
      '',
    );
    const ws = tempWorkspace({
      'lf.yaml': lf.replace(/^# .*\n/, ''),
      'crlf.yaml': lf.replace(/^# .*\n/, '').replace(/\n/g, '\r\n'),
      'bom.yaml': `\ufeff${lf.replace(/^# .*\n/, '')}`,
    });
    try {
      const rows = (name: string) =>
        (JSON.parse(runCli(['validate', '--json', name], { cwd: ws.root }).stdout) as Record<string, unknown>[]).map(
          ({ file: _file, ...rest }) => rest,
        );
      assert.deepEqual(
        rows('lf.yaml').map((r) => `${r.line}:${r.column} ${r.code}`),
        ['1:1 missing-field', '4:12 wrong-type', '6:10 wrong-type'],
      );
      assert.deepEqual(rows('crlf.yaml'), rows('lf.yaml'));
      assert.deepEqual(rows('bom.yaml'), rows('lf.yaml'));
    } finally {
      ws.remove();
    }
  });
});

describe('cavra-policy usage errors exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no arguments', [], /Usage: cavra-policy/],
    ['an unknown command', ['lint', fixture('cavra-studio-minimal')], /unknown command lint/],
    ['an unknown option', ['validate', '--fast', fixture('cavra-studio-minimal')], /unknown option --fast/],
    ['validate without files', ['validate'], /validate needs at least one file/],
    ['a file that does not exist', ['validate', 'no/such/policy.yaml'], /cannot read no\/such\/policy\.yaml: ENOENT/],
    ['--policy-dir without a value', ['validate', fixture('cavra-studio-minimal'), '--policy-dir'], /--policy-dir needs a value/],
    [
      'summary with two files',
      ['summary', fixture('cavra-studio-minimal'), fixture('cavra-studio-complete')],
      /summary needs exactly one file/,
    ],
    ['digest of a missing file', ['digest', 'missing.yaml'], /cannot read missing\.yaml/],
  ];
  for (const [name, args, stderr] of cases) {
    it(name, () => {
      const r = runCli(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr + r.stdout, stderr);
    });
  }

  it('--help exits 0 and prints the usage on stdout', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: cavra-policy <command>/);
  });
});
