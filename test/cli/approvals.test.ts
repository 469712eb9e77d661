// approval list/get/create/approve/deny/expire/break-glass/attach-decision through the CLI process:
// CAVRA's records and messages, usage errors, verified actors, and concurrent writers.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempWorkspace } from '../lsp/tempWorkspace';
import { AUDIENCE, ISSUER, makeKey, sign } from '../unit/actor/fixtures';
import { cli, cliAsync, cliJson } from './cliProcess';
import { cavraWorkspace } from './cavraWorkspace';
import { approvalRecords } from '../unit/backend/approvalRecords';

interface Approval {
  approval_id: string;
  state: string;
  approver_group: string;
  requested_by: string;
  requested_at: string;
  expires_at: string;
  decided_by?: string;
  decision_reason?: string;
  external_ref?: string;
  break_glass?: boolean;
  break_glass_reason?: string;
  history: { event: string; actor: string; reason: string | null; external_ref?: string | null }[];
  decision: { decision_id: string };
}
interface ApprovalList {
  items: Approval[];
  total: number;
  limit: number;
  offset: number;
}

// Like CAVRA, requested_at and expires_at come from two clock reads microseconds apart: compare to the second.
const hours = (a: Approval) => Math.round((Date.parse(a.expires_at) - Date.parse(a.requested_at)) / 1000) / 3600;

describe('cavra-policy approval: expiry on the clock', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
    const decision = cli(ws.root, ['evaluate', 'write_file', 'iam/admin.json', '--json']);
    assert.equal(decision.status, 0, decision.stderr);
    ws.write('decision.json', decision.stdout);
  });
  afterEach(() => ws.remove());

  /** Creates an approval, then moves its expires_at to `minutesAgo` before now (data relative to now). */
  function overdue(minutesAgo: number): Approval {
    const a = cliJson<Approval>(ws.root, ['approval', 'create', 'decision.json']);
    const file = join(ws.root, '.cavra', 'approvals.json');
    const store = JSON.parse(readFileSync(file, 'utf8')) as { items: Approval[] };
    const expires = new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('Z', '+00:00');
    for (const item of store.items) if (item.approval_id === a.approval_id) item.expires_at = expires;
    ws.write('.cavra/approvals.json', `${JSON.stringify(store, null, 2)}\n`);
    return { ...a, expires_at: expires };
  }

  it('list shows a pending approval past its time as expired* with a footnote; --json keeps the stored record', () => {
    const a = overdue(90);
    const text = cli(ws.root, ['approval', 'list']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`${a.approval_id}\\s+expired\\*`));
    assert.match(
      text.stdout,
      /\* past its expires_at: the store still says pending until it is expired \(cavra-policy approval expire-overdue\)/,
    );
    const json = cliJson<ApprovalList>(ws.root, ['approval', 'list']);
    assert.equal(json.items[0].state, 'pending');
    const get = cli(ws.root, ['approval', 'get', a.approval_id]);
    assert.match(
      get.stdout,
      new RegExp(
        `Approval ${a.approval_id}: expired\n  past its time: expired at .*, 1 h 30 min ago; the record still says pending`,
      ),
    );
  });

  it("approve exits 1 saying when it expired; the store then says expired (actor system), as CAVRA's CLI will read it", () => {
    const a = overdue(5);
    const r = cli(ws.root, ['approval', 'approve', a.approval_id, '--actor', 'iam-owner', '--reason', 'ok']);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `approval ${a.approval_id} expired at .* \\(5 min ago by this machine's clock\\); it is now recorded as expired and can no longer be approved`,
      ),
    );
    const stored = cliJson<Approval>(ws.root, ['approval', 'get', a.approval_id]);
    assert.equal(stored.state, 'expired');
    assert.deepEqual([stored.history.at(-1)!.event, stored.history.at(-1)!.actor], ['expired', 'system']);
  });

  it('$CAVRA_APPROVAL_CLOCK_SKEW_SECONDS tolerates that much; a bad value is an input error naming it', () => {
    const a = overdue(5);
    const ok = cli(ws.root, ['approval', 'approve', a.approval_id, '--actor', 'iam-owner', '--reason', 'ok'], {
      CAVRA_APPROVAL_CLOCK_SKEW_SECONDS: '600',
    });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = cli(ws.root, ['approval', 'list'], { CAVRA_APPROVAL_CLOCK_SKEW_SECONDS: 'soon' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /\$CAVRA_APPROVAL_CLOCK_SKEW_SECONDS must be a number of seconds/);
  });

  it('expire-overdue expires every overdue pending approval and says which; a second run finds none', () => {
    // Created first: creating an approval is itself a change, which expires overdue ones.
    const current = cliJson<Approval>(ws.root, ['approval', 'create', 'decision.json']);
    const a = overdue(30);
    const r = cli(ws.root, ['approval', 'expire-overdue']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`Expired 1 overdue approval \\(CAVRA's expire action, actor system\\):\\n  ${a.approval_id}  expired at `),
    );
    assert.equal(cliJson<Approval>(ws.root, ['approval', 'get', current.approval_id]).state, 'pending');
    assert.match(cli(ws.root, ['approval', 'expire-overdue']).stdout, /No pending approval is past its expires_at\./);
  });
});

describe('cavra-policy approval', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
    const decision = cli(ws.root, ['evaluate', 'write_file', 'iam/admin.json', '--json']);
    assert.equal(decision.status, 0, decision.stderr);
    ws.write('decision.json', decision.stdout);
  });
  afterEach(() => ws.remove());

  const create = (...extra: string[]) => cliJson<Approval>(ws.root, ['approval', 'create', 'decision.json', ...extra]);

  it('create takes `evaluate --json` output; the approver group is routed as CAVRA does (iam/ → IAM)', () => {
    const a = create();
    assert.match(a.approval_id, /^apr_[0-9a-f]{12}$/);
    assert.equal(a.state, 'pending');
    assert.equal(a.approver_group, 'IAM');
    assert.equal(a.requested_by, 'ai-agent');
    assert.equal(hours(a), 24);
    assert.equal(a.decision.decision_id, JSON.parse(readFileSync(join(ws.root, 'decision.json'), 'utf8')).decision_id);
    const custom = create('--approver-group', 'Cloud IAM Owners', '--requested-by', 'carol', '--ttl-hours', '2');
    assert.deepEqual([custom.approver_group, custom.requested_by, hours(custom)], ['Cloud IAM Owners', 'carol', 2]);
  });

  it('create follows a routing file given with --routing-file', () => {
    ws.write(
      'routing.json',
      JSON.stringify({
        approval_routing: [{ rule_id_prefix: 'filesystem.write', target_contains: 'iam/', approver_group: 'Cloud IAM Owners' }],
      }),
    );
    assert.equal(create('--routing-file', 'routing.json').approver_group, 'Cloud IAM Owners');
  });

  it("create errors: no decision_id is CAVRA's 400 (exit 1); broken JSON and a missing file exit 2", () => {
    ws.write('no-id.json', '{"action_type": "write_file"}');
    const noId = cli(ws.root, ['approval', 'create', 'no-id.json']);
    assert.equal(noId.status, 1);
    assert.equal(noId.stderr, 'cavra-policy: decision must include decision_id\n');
    ws.write('broken.json', '{\n  "decision_id": "dec_1",\n}');
    const broken = cli(ws.root, ['approval', 'create', 'broken.json']);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /broken\.json: not valid JSON \(a CAVRA decision\): .* line 3, column 1/);
    const missing = cli(ws.root, ['approval', 'create', 'none.json']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read none\.json: ENOENT/);
  });

  it('list: newest first, filters, paging, a table for people', () => {
    const first = create();
    const second = create('--approver-group', 'Platform Security');
    cliJson(ws.root, ['approval', 'deny', second.approval_id, '--actor', 'dave', '--reason', 'no']);
    const all = cliJson<ApprovalList>(ws.root, ['approval', 'list']);
    assert.deepEqual(
      all.items.map((a) => a.approval_id),
      [second.approval_id, first.approval_id],
    );
    assert.deepEqual([all.total, all.limit, all.offset], [2, 50, 0]);
    assert.deepEqual(
      cliJson<ApprovalList>(ws.root, ['approval', 'list', '--state', 'pending']).items.map((a) => a.approval_id),
      [first.approval_id],
    );
    assert.deepEqual(
      cliJson<ApprovalList>(ws.root, ['approval', 'list', '--approver-group', 'Platform Security']).items.map(
        (a) => a.approval_id,
      ),
      [second.approval_id],
    );
    const page = cliJson<ApprovalList>(ws.root, ['approval', 'list', '--limit', '1', '--offset', '1']);
    assert.deepEqual([page.items.map((a) => a.approval_id), page.total, page.limit, page.offset], [[first.approval_id], 2, 1, 1]);

    const human = cli(ws.root, ['approval', 'list']);
    assert.equal(human.status, 0);
    const lines = human.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ID\s+STATE\s+APPROVER GROUP\s+REQUESTED BY\s+REQUESTED\s+EXPIRES\s+DECISION$/);
    assert.match(
      lines[1],
      new RegExp(`^${second.approval_id}\\s+denied\\s+Platform Security\\s+ai-agent\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ`),
    );
    assert.equal(lines[lines.length - 1], '1-2 of 2');
    assert.equal(cli(ws.root, ['approval', 'list', '--state', 'approved']).stdout, 'No approvals.\n');
  });

  it('list usage errors exit 2: a bad number, an unknown state, an unknown flag', () => {
    const cases: [string[], RegExp][] = [
      [['--limit', 'ten'], /--limit must be a whole number, got "ten"/],
      [['--offset', '-1'], /--offset must be at least 0, got -1/],
      [['--state', 'done'], /--state must be one of: pending, approved, denied, expired, break_glass \(got "done"\)/],
      [['--stat', 'pending'], /unknown option --stat for approval list \(did you mean --state\?\)/],
      [['--limit'], /--limit needs a value \(N\)/],
      [['--limit', '5', '--limit', '6'], /--limit is given more than once/],
    ];
    for (const [args, message] of cases) {
      const r = cli(ws.root, ['approval', 'list', ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('get shows the record; an unknown id is CAVRA\'s 404 "approval not found" (exit 1)', () => {
    const a = create();
    assert.deepEqual(cliJson<Approval>(ws.root, ['approval', 'get', a.approval_id]), a);
    const human = cli(ws.root, ['approval', 'get', a.approval_id]);
    assert.match(human.stdout, new RegExp(`^Approval ${a.approval_id}: pending\n`));
    assert.match(human.stdout, /History:\n {2}\S+ {2}requested {3}ai-agent/);
    const unknown = cli(ws.root, ['approval', 'get', 'apr_ffffffffffff']);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr, 'cavra-policy: approval not found\n');
    const none = cli(ws.root, ['approval', 'get']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /approval get needs an approval id/);
  });

  it('approve and deny record actor, reason and external reference; only pending approvals change', () => {
    const a = create();
    const approved = cliJson<Approval>(ws.root, [
      'approval',
      'approve',
      a.approval_id,
      '--actor',
      'alice',
      '--reason',
      'change CHG-9 reviewed',
      '--external-ref',
      'CHG-9',
    ]);
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decided_by, 'alice');
    assert.equal(approved.decision_reason, 'change CHG-9 reviewed');
    assert.equal(approved.external_ref, 'CHG-9');
    assert.deepEqual(
      approved.history.map((h) => h.event),
      ['requested', 'approved'],
    );
    const again = cli(ws.root, ['approval', 'deny', a.approval_id, '--actor', 'bob', '--reason', 'late']);
    assert.equal(again.status, 1);
    assert.equal(again.stderr, 'cavra-policy: only pending approvals can be changed\n');

    const b = create();
    const denied = cliJson<Approval>(ws.root, ['approval', 'deny', b.approval_id, '--actor', 'bob', '--reason', 'too broad']);
    assert.deepEqual([denied.state, denied.decided_by], ['denied', 'bob']);
  });

  it('approve and deny need --reason and who acts, --actor or --actor-token (exit 2, nothing changed)', () => {
    const a = create();
    const noReason = cli(ws.root, ['approval', 'approve', a.approval_id, '--actor', 'alice']);
    assert.equal(noReason.status, 2);
    assert.match(noReason.stderr, /approval approve needs --reason TEXT/);
    const noActor = cli(ws.root, ['approval', 'deny', a.approval_id, '--reason', 'x']);
    assert.equal(noActor.status, 2);
    assert.match(
      noActor.stderr,
      /approval deny needs who acts: --actor NAME, or a verified actor with --actor-token PATH \(an OIDC token checked against --oidc-config PATH\)/,
    );
    const blank = cli(ws.root, ['approval', 'approve', a.approval_id, '--actor', 'alice', '--reason', '']);
    assert.equal(blank.status, 2);
    assert.match(blank.stderr, /--reason needs a non-empty value/);
    assert.equal(cliJson<Approval>(ws.root, ['approval', 'get', a.approval_id]).state, 'pending');
  });

  it('expire defaults to actor "system" and reason "approval expired"', () => {
    const a = create();
    const expired = cliJson<Approval>(ws.root, ['approval', 'expire', a.approval_id]);
    assert.equal(expired.state, 'expired');
    const last = expired.history[expired.history.length - 1];
    assert.deepEqual([last.event, last.actor, last.reason], ['expired', 'system', 'approval expired']);
  });

  it('break-glass: state break_glass, Change Advisory Board, 4 h, three history events; actor and reason are required', () => {
    const bg = cliJson<Approval>(ws.root, [
      'approval',
      'break-glass',
      'decision.json',
      '--actor',
      'oncall',
      '--reason',
      'prod outage',
      '--external-ref',
      'INC-777',
    ]);
    assert.equal(bg.state, 'break_glass');
    assert.equal(bg.break_glass, true);
    assert.equal(bg.approver_group, 'Change Advisory Board');
    assert.equal(bg.break_glass_reason, 'prod outage');
    assert.equal(bg.external_ref, 'INC-777');
    assert.deepEqual(
      bg.history.map((h) => h.event),
      ['requested', 'approved', 'break_glass'],
    );
    assert.ok(Math.abs(hours(bg) - 4) < 0.01, `${bg.requested_at} → ${bg.expires_at}`);
    const custom = cliJson<Approval>(ws.root, [
      'approval',
      'break-glass',
      'decision.json',
      '--actor',
      'oncall',
      '--reason',
      'r',
      '--approver-group',
      'SRE Leads',
      '--ttl-hours',
      '1',
    ]);
    assert.equal(custom.approver_group, 'SRE Leads');
    assert.ok(Math.abs(hours(custom) - 1) < 0.01);
    const noReason = cli(ws.root, ['approval', 'break-glass', 'decision.json', '--actor', 'oncall']);
    assert.equal(noReason.status, 2);
    assert.match(noReason.stderr, /approval break-glass needs --reason TEXT/);
    const human = cli(ws.root, ['approval', 'break-glass', 'decision.json', '--actor', 'oncall', '--reason', 'r']);
    assert.match(human.stdout, /^Break-glass override recorded as apr_[0-9a-f]{12}; it is in the evidence log and expires /);
  });

  it('attach-decision returns the decision with the approval summary and merged evidence', () => {
    const a = create();
    const r = cliJson<{ decision_id: string; approval: { approval_id: string; state: string }; evidence_refs: string[] }>(
      ws.root,
      ['approval', 'attach-decision', a.approval_id, 'decision.json'],
    );
    assert.equal(r.approval.approval_id, a.approval_id);
    assert.equal(r.approval.state, 'pending');
    assert.ok(r.evidence_refs.includes(`approval://${a.approval_id}`), JSON.stringify(r.evidence_refs));
    const usage = cli(ws.root, ['approval', 'attach-decision', a.approval_id]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /approval attach-decision needs an approval id and a decision file/);
  });

  it('unknown subcommands and a bare `approval` exit 2 listing the subcommands', () => {
    const unknown = cli(ws.root, ['approval', 'accept', 'apr_1']);
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /unknown approval subcommand accept; expected one of: list, get, create, approve, deny, expire, expire-overdue, break-glass, attach-decision/,
    );
    const bare = cli(ws.root, ['approval']);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /approval needs a subcommand/);
    const help = cli(ws.root, ['approval', '--help']);
    assert.equal(help.status, 0);
    assert.match(
      help.stdout,
      /^Usage: cavra-policy approval <list\|get\|create\|approve\|deny\|expire\|expire-overdue\|break-glass\|attach-decision>/,
    );
  });

  it('a corrupt store is refused, named with the place of the error, and left untouched', () => {
    const corrupt = '{"items": [\n  {"approval_id": "apr_1",}\n]}\n';
    const store = ws.write('.cavra/approvals.json', corrupt);
    for (const args of [
      ['approval', 'list'],
      ['approval', 'create', 'decision.json'],
    ]) {
      const r = cli(ws.root, args);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /approvals\.json: the store is not valid JSON: .* at line 2, column 27; .*it was not changed/);
    }
    assert.equal(readFileSync(store, 'utf8'), corrupt);
  });

  it('concurrent processes creating and approving: every approval recorded, every decision kept', async () => {
    const n = 8;
    const created = await Promise.all(
      Array.from({ length: n }, () => cliAsync(ws.root, ['approval', 'create', 'decision.json', '--json'])),
    );
    for (const r of created) assert.equal(r.status, 0, r.stderr);
    const ids = created.map((r) => (JSON.parse(r.stdout) as Approval).approval_id);
    assert.equal(new Set(ids).size, n);
    const decided = await Promise.all(
      ids.map((id, i) =>
        cliAsync(ws.root, ['approval', i % 2 ? 'deny' : 'approve', id, '--actor', `actor-${i}`, '--reason', 'parallel']),
      ),
    );
    for (const r of decided) assert.equal(r.status, 0, r.stderr);
    const list = cliJson<ApprovalList>(ws.root, ['approval', 'list']);
    assert.equal(list.total, n);
    for (const [i, id] of ids.entries()) {
      const a = list.items.find((x) => x.approval_id === id)!;
      assert.deepEqual([a.state, a.decided_by], [i % 2 ? 'denied' : 'approved', `actor-${i}`]);
    }
  });
});

describe('cavra-policy approval with a verified actor (OIDC)', () => {
  let ws: TempWorkspace;
  let approvalId: string;
  let goodToken: string;
  let key: Awaited<ReturnType<typeof makeKey>>;
  const now = Math.floor(Date.now() / 1000);

  before(async () => {
    key = await makeKey('k1');
    goodToken = await sign(key, { email: 'iam-lead@example.com', groups: ['IAM'], iat: now, exp: now + 3600 });
  });
  beforeEach(() => {
    ws = cavraWorkspace();
    ws.write('.cavra/jwks.json', JSON.stringify({ keys: [key.publicJwk] }));
    ws.write('.cavra/oidc.json', JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwks_path: 'jwks.json' }));
    ws.write('good.jwt', `${goodToken}\n`);
    ws.write('decision.json', cli(ws.root, ['evaluate', 'write_file', 'iam/admin.json', '--json']).stdout);
    approvalId = cliJson<Approval>(ws.root, ['approval', 'create', 'decision.json']).approval_id;
  });
  afterEach(() => ws.remove());

  const oidc = ['--oidc-config', '.cavra/oidc.json'];

  it('without a token a mutation is refused: "console action requires verified actor context"', () => {
    const r = cli(ws.root, ['approval', 'approve', approvalId, '--actor', 'alice', '--reason', 'ok', ...oidc]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      'cavra-policy: console action requires verified actor context\n' +
        'Supply a verified actor: --actor-token PATH (a file holding an RS256 OIDC token), checked against --oidc-config PATH (or $CAVRA_APPROVAL_OIDC_CONFIG).\n',
    );
  });

  it('a valid --actor-token file approves; $CAVRA_APPROVAL_OIDC_CONFIG works like --oidc-config', () => {
    const r = cliJson<Approval>(
      ws.root,
      ['approval', 'approve', approvalId, '--actor', 'alice', '--reason', 'ok', '--actor-token', 'good.jwt'],
      { CAVRA_APPROVAL_OIDC_CONFIG: join(ws.root, '.cavra/oidc.json') },
    );
    assert.equal(r.state, 'approved');
  });

  it('a token for another issuer is refused, and no token ever appears in the output', async () => {
    const bad = await sign(key, { iss: 'https://evil.example', groups: ['IAM'], iat: now, exp: now + 3600 });
    ws.write('bad.jwt', bad);
    const r = cli(ws.root, [
      'approval',
      'approve',
      approvalId,
      '--actor',
      'alice',
      '--reason',
      'ok',
      '--actor-token',
      'bad.jwt',
      ...oidc,
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^cavra-policy: .*issuer/i);
    for (const token of [bad, goodToken]) {
      for (const part of token.split('.')) assert.ok(!(r.stdout + r.stderr).includes(part), 'a token part was printed');
    }
  });

  it('an actor outside the approver group is refused', async () => {
    const other = await sign(key, { email: 'dev@example.com', groups: ['Developers'], iat: now, exp: now + 3600 });
    ws.write('other.jwt', other);
    const r = cli(ws.root, [
      'approval',
      'approve',
      approvalId,
      '--actor',
      'dev',
      '--reason',
      'ok',
      '--actor-token',
      'other.jwt',
      ...oidc,
    ]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'cavra-policy: actor is not authorized for approval group\n');
  });

  it('a broken OIDC config file is unreadable input (exit 2) naming the file', () => {
    ws.write('.cavra/oidc.json', '{"issuer": "x"}');
    const r = cli(ws.root, [
      'approval',
      'approve',
      approvalId,
      '--actor',
      'a',
      '--reason',
      'r',
      '--actor-token',
      'good.jwt',
      ...oidc,
    ]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /oidc\.json/);
  });
});

describe('cavra-policy approval list: filters that scale', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = cavraWorkspace();
    // 1,200 records relative to now, past CAVRA's 500-item page.
    mkdirSync(join(ws.root, '.cavra'), { recursive: true });
    writeFileSync(join(ws.root, '.cavra', 'approvals.json'), JSON.stringify({ items: approvalRecords(1200) }));
  });
  afterEach(() => ws.remove());

  it('--text finds the one approval past the first page, and says the studio filtered it', () => {
    const r = cli(ws.root, ['approval', 'list', '--text', 'admin-role']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dec_1111/);
    assert.match(r.stdout, /1-1 of 1 matching text "admin-role"/);
    assert.match(
      r.stdout,
      /applied by the studio to the 1200 approvals fetched in 3 pages: CAVRA's API filters only state and approver_group/,
    );
  });

  it('--requested-by with --state, --limit and --offset over the filtered list (JSON)', () => {
    const result = cliJson<{ items: { requested_by: string; state: string }[]; total: number; offset: number; fetched: number }>(
      ws.root,
      ['approval', 'list', '--requested-by', 'bot', '--state', 'approved', '--limit', '30', '--offset', '80'],
    );
    assert.deepEqual([result.total, result.items.length, result.offset, result.fetched], [100, 20, 80, 400]);
    assert.ok(result.items.every((a) => a.requested_by === 'bot' && a.state === 'approved'));
  });
});
