// evidence verify through the CLI process: every mutation leaves a record; an edited or removed record
// exits 1 naming the first bad one.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';
import { cavraWorkspace, requestAndApprove } from './cavraWorkspace';

describe('cavra-policy evidence verify', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
    const id = requestAndApprove(ws, 'drafts/a.yaml');
    assert.equal(cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', id]).status, 0);
    cliJson(ws.root, [
      'rollout',
      'apply',
      '--actor',
      'release-bot',
      '--repository',
      'payments/api',
      '--policy-pack',
      'cavra-platform-baseline',
    ]);
  });
  afterEach(() => ws.remove());
  const log = () => join(ws.root, '.cavra', 'evidence.jsonl');

  it('an intact chain exits 0 and counts the records of request, approve, publish and rollout apply', () => {
    const r = cliJson<{ ok: boolean; records: number; file: string }>(ws.root, ['evidence', 'verify']);
    assert.equal(r.ok, true);
    assert.equal(r.records, 4);
    assert.equal(r.file, log());
    const events = readFileSync(log(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    assert.equal(events.length, 4);
    const human = cli(ws.root, ['evidence', 'verify']);
    assert.equal(human.stdout, `OK ${log()}: 4 records, chain intact\n`);
  });

  it('an edited record exits 1 naming its line', () => {
    const lines = readFileSync(log(), 'utf8').split('\n');
    const second = JSON.parse(lines[1]);
    second.actor = 'mallory';
    lines[1] = JSON.stringify(second);
    writeFileSync(log(), lines.join('\n'));
    const r = cli(ws.root, ['evidence', 'verify']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^cavra-policy: evidence chain broken in .*evidence\.jsonl at line 2 \(seq \d+\): /);
    const json = cli(ws.root, ['evidence', 'verify', '--json']);
    assert.equal(json.status, 1);
    assert.deepEqual([JSON.parse(json.stdout).ok, JSON.parse(json.stdout).first_bad_line], [false, 2]);
  });

  it('a removed record exits 1', () => {
    const lines = readFileSync(log(), 'utf8').split('\n');
    lines.splice(1, 1);
    writeFileSync(log(), lines.join('\n'));
    const r = cli(ws.root, ['evidence', 'verify']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /evidence chain broken .* at line 2/);
  });
});
