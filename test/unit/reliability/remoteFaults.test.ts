// A CAVRA server that misbehaves, through the CLI (`--backend remote`, a 1 s time limit per call): it
// stalls, resets the connection, drops it mid-body, answers 500 with an HTML page, answers broken JSON,
// sends a huge body (announced or chunked), or trickles. For every fault, a read and a mutation: the
// process ends within a bounded wait, exits 1 with a message that names the server, the endpoint and
// what went wrong (and, for a mutation whose outcome is unknown, says it may have been applied), the
// token is never printed, and nothing is written in the local workspace. The transport's own tests
// (test/unit/remote/remoteTransport.test.ts) pin each message; this runs the whole matrix as a user would.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Fault } from '../../server/faults';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { Figures } from './support/figures';
import { runCli } from './support/processes';

const TOKEN = 'tok_reliability-9c1e7a55d3';

/** Every file under `dir` with its size and mtime: the local workspace must not change. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${s.size} ${s.mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

const FAULTS: [string, Fault, RegExp][] = [
  ['stall', { kind: 'stall' }, /did not answer within|time limit|timed out/i],
  ['reset', { kind: 'reset' }, /closed the connection|reset|socket hang up/i],
  ['drop mid-body', { kind: 'drop' }, /truncated|closed|ended/i],
  ['500 with an HTML page', { kind: 'html500' }, /500.*Internal Server Error/s],
  ['200 with broken JSON', { kind: 'invalidJson' }, /not JSON|invalid JSON|JSON/i],
  ['huge body announced (64 MiB)', { kind: 'huge', bytes: 64 * 1024 * 1024 }, /too large|larger than|limit/i],
  ['huge body chunked (64 MiB)', { kind: 'huge', bytes: 64 * 1024 * 1024, declared: false }, /too large|larger than|limit/i],
  ['trickle (1 byte / 300 ms)', { kind: 'trickle', intervalMs: 300 }, /did not answer within|time limit|timed out/i],
];

describe('reliability: a misbehaving CAVRA server, through the CLI', function () {
  this.timeout(240_000);
  const figures = new Figures('Faults: a misbehaving CAVRA server (remote mode)', 'test/unit/reliability/remoteFaults.test.ts');
  let server: LocalCavraServer;
  let ws: string;
  let runs = 0;
  let longestWait = 0;
  before(async () => {
    server = await startLocalCavraServer({ packs: ['cavra-ai-agent-baseline'] });
    ws = mkdtempSync(join(tmpdir(), 'cavra-remote-faults-'));
    writeFileSync(join(ws, 'decision.json'), JSON.stringify({ decision_id: 'dec_remote', approver_group: 'Ops', reason: 'r' }));
  });
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(async () => {
    await server.close();
    rmSync(ws, { recursive: true, force: true });
    figures.add({
      what: 'faults × (a read, a mutation) through dist/cli.js --backend remote, 1 s limit per call',
      count: runs,
      unit: `CLI runs over ${FAULTS.length} fault kinds: ${FAULTS.map(([n]) => n).join(', ')}`,
      outcome: `all exit 1 with server, endpoint and cause; ${Math.ceil(longestWait / 1000)} s longest run (retries of reads included); token printed: 0; local files written: 0`,
    });
    figures.save();
  });

  const remote = () => ['--backend', 'remote', '--url', server.url, '--token-env', 'RELIABILITY_TOKEN', '--timeout-ms', '1000'];
  const commands: [string, string[], RegExp][] = [
    ['read: approval list', ['approval', 'list'], /GET \/approvals/],
    ['mutation: approval create', ['approval', 'create', 'decision.json'], /POST \/approvals/],
  ];

  for (const [name, fault, cause] of FAULTS) {
    for (const [what, args, endpoint] of commands) {
      it(`${name} — ${what}: exit 1 in bounded time, the cause in words, no local write`, async () => {
        server.server.clearFaults();
        server.server.fault({ fault, times: Infinity });
        const before = snapshot(ws);
        const started = Date.now();
        const r = await runCli([...args, ...remote()], { cwd: ws, env: { RELIABILITY_TOKEN: TOKEN }, waitMs: 30_000 });
        longestWait = Math.max(longestWait, Date.now() - started);
        server.server.clearFaults();
        runs++;
        assert.equal(r.timedOut, false, `${what} did not end within 30 s`);
        assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^cavra-policy: The (CAVRA )?server/, r.stderr);
        assert.match(r.stderr, endpoint);
        assert.match(r.stderr, cause);
        if (what.startsWith('mutation') && ['stall', 'reset', 'drop mid-body', 'trickle (1 byte / 300 ms)'].includes(name)) {
          assert.match(
            r.stderr,
            /may (or may not )?have been applied|may have been applied|check .* before retrying/i,
            'an unknown outcome is said to be unknown',
          );
        }
        assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the token was printed');
        assert.deepEqual(snapshot(ws), before, 'the local workspace changed');
      });
    }
  }
});
