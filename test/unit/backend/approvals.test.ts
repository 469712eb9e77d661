// Approvals as CAVRA's API handles them: routing of the approver group, listing, the only-pending
// rule, actor and reason, expiry defaults, break-glass, attach-decision, and verified actors.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, type ActorContext, type ActorVerifier, type Decision } from '../../../server/src/backend/backend';
import { workspace, type Workspace } from './backendFixtures';

async function rejects(promise: Promise<unknown>, status: number, detail: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BackendError, String(error));
    assert.deepEqual([error.status, error.detail], [status, detail]);
    return true;
  });
}

function decision(fields: Partial<Decision> = {}): Decision {
  return {
    decision_id: 'dec_0123456789ab',
    session_id: 'sess-1',
    agent_id: 'claude',
    actor: 'ai-agent',
    action_type: 'write_file',
    target: 'infra/iam/role.tf',
    rule_id: 'filesystem.write.require_approval',
    decision: 'require_approval',
    severity: 'high',
    reason: 'Matched approval-required path policy: **/iam/**',
    evidence_refs: ['evidence://sess-1/dec_0123456789ab'],
    approver_group: 'Platform Security',
    ...fields,
  };
}

describe('local backend: approvals', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  describe('create', () => {
    it("builds CAVRA's record: fields in CAVRA's order, apr_ id, 24 h expiry, requested history", async () => {
      const a = await ws.backend.createApproval({ decision: decision() });
      assert.deepEqual(Object.keys(a), [
        'schema_version',
        'product',
        'approval_id',
        'decision_id',
        'session_id',
        'correlation_id',
        'state',
        'approver_group',
        'requested_by',
        'requested_at',
        'expires_at',
        'decision',
        'history',
        'evidence_refs',
      ]);
      assert.match(a.approval_id, /^apr_[0-9a-f]{12}$/);
      assert.deepEqual([a.state, a.requested_by, a.session_id, a.correlation_id], ['pending', 'ai-agent', 'sess-1', null]);
      assert.equal(Date.parse(a.expires_at) - Date.parse(a.requested_at), 24 * 3_600_000);
      assert.deepEqual(a.history, [
        {
          event: 'requested',
          actor: 'ai-agent',
          timestamp: a.requested_at,
          reason: 'Matched approval-required path policy: **/iam/**',
        },
      ]);
      assert.deepEqual(a.evidence_refs, [`approval://${a.approval_id}`, 'evidence://sess-1/dec_0123456789ab']);
    });

    it("routes by CAVRA's default rules before the decision's own group; an explicit group wins", async () => {
      assert.equal((await ws.backend.createApproval({ decision: decision() })).approver_group, 'IAM');
      assert.equal(
        (await ws.backend.createApproval({ decision: decision({ target: '.github/workflows/ci.yml' }) })).approver_group,
        'Platform Security',
      );
      assert.equal(
        (
          await ws.backend.createApproval({
            decision: decision({ rule_id: 'commands.default.require_approval', severity: 'medium', target: 'make' }),
          })
        ).approver_group,
        'Repository Owners',
      );
      assert.equal(
        (await ws.backend.createApproval({ decision: decision({ rule_id: 'commands.block', target: 'terraform apply' }) }))
          .approver_group,
        'Cloud Security',
      );
      assert.equal(
        (await ws.backend.createApproval({ decision: decision({ rule_id: 'mcp.server.trust.block_unknown', target: 'x:y' }) }))
          .approver_group,
        'AI Governance',
      );
      assert.equal(
        (await ws.backend.createApproval({ decision: decision({ target: 'docs/readme.md' }) })).approver_group,
        'Platform Security',
      );
      assert.equal(
        (await ws.backend.createApproval({ decision: decision(), approver_group: 'Change Advisory Board' })).approver_group,
        'Change Advisory Board',
      );
    });

    it('routes by a routing file (JSON, `approval_routing`) when one is configured', async () => {
      const file = join(ws.root, 'routing.json');
      writeFileSync(
        file,
        JSON.stringify({
          approval_routing: [{ rule_id_prefix: 'filesystem.write', target_contains: 'iam/', approver_group: 'Cloud IAM Owners' }],
        }),
      );
      const routed = ws.make({ routingFile: 'routing.json' });
      assert.equal((await routed.createApproval({ decision: decision() })).approver_group, 'Cloud IAM Owners');
      writeFileSync(file, JSON.stringify({ approval_routing: [{ rule_id_prefix: 'x' }] }));
      await rejects(
        routed.createApproval({ decision: decision() }),
        400,
        `each approval routing rule must include approver_group (${file})`,
      );
    });

    it('refuses a decision without id, and one that routes nowhere', async () => {
      await rejects(
        ws.backend.createApproval({ decision: decision({ decision_id: '' }) }),
        400,
        'decision must include decision_id',
      );
      await rejects(
        ws.backend.createApproval({ decision: decision({ approver_group: null, target: 'x', rule_id: 'other' }) }),
        400,
        'approval request must include approver_group',
      );
    });

    it('TTL: at least one hour', async () => {
      const a = await ws.backend.createApproval({ decision: decision(), ttl_hours: 0 });
      assert.equal(Date.parse(a.expires_at) - Date.parse(a.requested_at), 3_600_000);
    });
  });

  describe('list and get', () => {
    it('filters by state and group, sorts newest first, clamps limit and offset', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (
            await ws.backend.createApproval({
              decision: decision({ decision_id: `dec_${i}` }),
              approver_group: i % 2 ? 'A' : 'B',
            })
          ).approval_id,
        );
      await ws.backend.deny(ids[0], { actor: 'x', reason: 'no' });
      const all = await ws.backend.listApprovals();
      assert.deepEqual(
        all.items.map((a) => a.approval_id),
        [...ids].reverse(),
      );
      assert.deepEqual([all.total, all.limit, all.offset], [5, 50, 0]);
      assert.deepEqual(
        (await ws.backend.listApprovals({ state: 'denied' })).items.map((a) => a.approval_id),
        [ids[0]],
      );
      assert.deepEqual(
        (await ws.backend.listApprovals({ approver_group: 'A' })).items.map((a) => a.approval_id),
        [ids[3], ids[1]],
      );
      const page = await ws.backend.listApprovals({ limit: 0, offset: -3 });
      assert.deepEqual([page.items.length, page.limit, page.offset], [1, 1, 0]);
      assert.equal((await ws.backend.listApprovals({ limit: 9999 })).limit, 500);
      assert.deepEqual(
        (await ws.backend.listApprovals({ limit: 2, offset: 4 })).items.map((a) => a.approval_id),
        [ids[0]],
      );
    });

    it('get answers 404 "approval not found" for an unknown id', async () => {
      await rejects(ws.backend.getApproval('apr_ffffffffffff'), 404, 'approval not found');
    });
  });

  describe('approve, deny, expire', () => {
    it('approve records decided_by/at, decision_reason, external_ref and a history entry', async () => {
      const { approval_id } = await ws.backend.createApproval({ decision: decision() });
      const a = await ws.backend.approve(approval_id, { actor: 'alice', reason: 'change CHG-1 reviewed', external_ref: 'CHG-1' });
      assert.deepEqual(
        [a.state, a.decided_by, a.decision_reason, a.external_ref],
        ['approved', 'alice', 'change CHG-1 reviewed', 'CHG-1'],
      );
      assert.deepEqual(a.history[1], {
        event: 'approved',
        actor: 'alice',
        timestamp: a.decided_at,
        reason: 'change CHG-1 reviewed',
        external_ref: 'CHG-1',
      });
      assert.deepEqual(await ws.backend.getApproval(approval_id), JSON.parse(JSON.stringify(a)));
    });

    it("only pending approvals change; actor and reason are required (CAVRA's messages)", async () => {
      const { approval_id } = await ws.backend.createApproval({ decision: decision() });
      await rejects(ws.backend.approve(approval_id, { reason: 'r' }), 400, 'actor is required');
      await rejects(ws.backend.deny(approval_id, { actor: 'a' }), 400, 'reason is required');
      await rejects(ws.backend.approve('apr_000000000000', { actor: 'a', reason: 'r' }), 404, 'approval not found');
      await ws.backend.deny(approval_id, { actor: 'a', reason: 'r' });
      for (const op of [
        () => ws.backend.approve(approval_id, { actor: 'a', reason: 'r' }),
        () => ws.backend.deny(approval_id, { actor: 'a', reason: 'r' }),
        () => ws.backend.expire(approval_id),
      ])
        await rejects(op(), 400, 'only pending approvals can be changed');
    });

    it('expire defaults to actor "system" and reason "approval expired"', async () => {
      const { approval_id } = await ws.backend.createApproval({ decision: decision() });
      const a = await ws.backend.expire(approval_id);
      assert.deepEqual(
        [a.state, a.decided_by, a.decision_reason, a.history[1].event],
        ['expired', 'system', 'approval expired', 'expired'],
      );
    });
  });

  describe('break-glass', () => {
    it('is recorded as state break_glass with requested → approved → break_glass history and a 4 h expiry', async () => {
      const d = decision();
      const a = await ws.backend.breakGlass({ decision: d, actor: 'oncall', reason: 'prod outage', external_ref: 'INC-777' });
      assert.deepEqual(
        [a.state, a.approver_group, a.break_glass, a.break_glass_reason, a.external_ref, a.requested_by, a.decided_by],
        ['break_glass', 'Change Advisory Board', true, 'prod outage', 'INC-777', 'oncall', 'oncall'],
      );
      assert.deepEqual(
        a.history.map((h) => h.event),
        ['requested', 'approved', 'break_glass'],
      );
      assert.deepEqual(
        a.history.slice(1).map((h) => h.external_ref),
        ['INC-777', 'INC-777'],
      );
      assert.equal(Math.round((Date.parse(a.expires_at) - Date.parse(a.requested_at)) / 3_600_000), 4);
      assert.deepEqual(Object.keys(a).slice(-6), [
        'decided_by',
        'decided_at',
        'decision_reason',
        'external_ref',
        'break_glass',
        'break_glass_reason',
      ]);
      const custom = await ws.backend.breakGlass({
        decision: d,
        actor: 'o',
        reason: 'r',
        approver_group: 'SRE Leads',
        ttl_hours: 2,
      });
      assert.equal(custom.approver_group, 'SRE Leads');
      assert.equal(Math.round((Date.parse(custom.expires_at) - Date.parse(custom.requested_at)) / 3_600_000), 2);
    });

    it("needs an actor, a reason and a decision id (CAVRA's messages); nothing is stored otherwise", async () => {
      await rejects(ws.backend.breakGlass({ decision: decision(), reason: 'r' }), 400, 'actor is required');
      await rejects(
        ws.backend.breakGlass({ decision: decision(), actor: 'a', reason: '' }),
        400,
        'break-glass reason is required',
      );
      await rejects(
        ws.backend.breakGlass({ decision: decision({ decision_id: '' }), actor: 'a', reason: 'r' }),
        400,
        'decision must include decision_id',
      );
      assert.equal((await ws.backend.listApprovals()).total, 0);
    });
  });

  it('attach-decision returns the decision with the approval summary and merged evidence refs', async () => {
    const a = await ws.backend.approve((await ws.backend.createApproval({ decision: decision() })).approval_id, {
      actor: 'a',
      reason: 'r',
    });
    const attached = await ws.backend.attachDecision(a.approval_id, decision());
    assert.deepEqual(Object.keys(attached.approval), [
      'approval_id',
      'decision_id',
      'session_id',
      'state',
      'approver_group',
      'requested_by',
      'requested_at',
      'expires_at',
      'decided_by',
      'decided_at',
      'external_ref',
      'break_glass',
      'evidence_refs',
    ]);
    assert.deepEqual(
      [attached.approval.state, attached.approval.break_glass, attached.approval.external_ref],
      ['approved', false, null],
    );
    assert.deepEqual(attached.evidence_refs, ['evidence://sess-1/dec_0123456789ab', `approval://${a.approval_id}`]);
    await rejects(ws.backend.attachDecision('apr_000000000000', decision()), 404, 'approval not found');
  });

  it('writes non-ASCII as Python does (\\uXXXX) and keeps other top-level keys of the store', async () => {
    const file = join(ws.root, '.cavra', 'approvals.json');
    await ws.backend.createApproval({ decision: decision({ reason: 'Zugriff auf Schlüssel — prüfen 🔑' }) });
    const store = JSON.parse(readFileSync(file, 'utf8'));
    store.note = 'kept';
    writeFileSync(file, JSON.stringify(store));
    await ws.backend.createApproval({ decision: decision() });
    const text = readFileSync(file, 'utf8');
    assert.match(text, /"reason": "Zugriff auf Schl\\u00fcssel \\u2014 pr\\u00fcfen \\ud83d\\udd11"/);
    assert.equal(JSON.parse(text).note, 'kept');
    assert.ok(text.endsWith('}\n'));
  });

  describe('verified actors (OIDC/RBAC configured)', () => {
    function verifier(
      contexts: { [token: string]: ActorContext },
      permissions: ActorVerifier['repositoryPermissions'] = [],
    ): ActorVerifier {
      return {
        required: true,
        repositoryPermissions: permissions,
        async verify(c) {
          if (c.actor_token === undefined) return null;
          const ctx = contexts[c.actor_token];
          if (!ctx) throw Object.assign(new Error('OIDC token is expired'), { status: 401, detail: 'OIDC token is expired' });
          return ctx;
        },
      };
    }
    const ctx = (actor: string, groups: string[], repository: string | null = null): ActorContext => ({
      actor,
      subject: actor,
      issuer: 'https://login.example',
      groups,
      repository,
    });

    it('refuses a mutation without a verified actor, and one whose token does not verify', async () => {
      const b = ws.make({ actorVerifier: verifier({}) });
      const { approval_id } = await b.createApproval({ decision: decision() });
      await rejects(
        b.approve(approval_id, { actor: 'alice', reason: 'r' }),
        401,
        'console action requires verified actor context',
      );
      await rejects(b.approve(approval_id, { actor_token: 'forged', reason: 'r' }), 401, 'OIDC token is expired');
      await rejects(
        b.breakGlass({ decision: decision(), actor: 'x', reason: 'r' }),
        401,
        'console action requires verified actor context',
      );
      await rejects(
        b.rolloutApplyChange({ repository: 'r', policy_pack: 'p' }),
        401,
        'console action requires verified actor context',
      );
      await rejects(
        b.publishRequest({ draft: { id: 'cavra-x', title: 't', description: 'd' } }),
        401,
        'console action requires verified actor context',
      );
    });

    it("the verified actor is recorded, not the body's; outside the approver group it is refused (400, CAVRA's message)", async () => {
      const b = ws.make({
        actorVerifier: verifier({ alice: ctx('alice@example.com', ['IAM']), bob: ctx('bob@example.com', ['Developers']) }),
      });
      const { approval_id } = await b.createApproval({ decision: decision() });
      await rejects(
        b.approve(approval_id, { actor_token: 'bob', actor: 'alice', reason: 'r' }),
        400,
        'actor is not authorized for approval group',
      );
      const a = await b.approve(approval_id, { actor_token: 'alice', actor: 'someone-else', reason: 'ok' });
      assert.equal(a.decided_by, 'alice@example.com');
    });

    it('repository permissions (RBAC) let a mapped group decide for its repository only', async () => {
      const perms = [{ repository: 'payments/api', approver_group: 'IAM', groups: ['Payments Owners'], actions: ['approve'] }];
      const b = ws.make({ actorVerifier: verifier({ p: ctx('pat@example.com', ['Payments Owners']) }, perms) });
      const own = await b.createApproval({ decision: decision({ repository: 'payments/api' }) });
      const other = await b.createApproval({ decision: decision({ repository: 'billing/api', decision_id: 'dec_2' }) });
      assert.equal((await b.approve(own.approval_id, { actor_token: 'p', reason: 'ok' })).state, 'approved');
      await rejects(
        b.approve(other.approval_id, { actor_token: 'p', reason: 'ok' }),
        400,
        'actor is not authorized for approval group',
      );
    });

    it("break-glass needs Change Advisory Board (403); publish needs the approval's group (403); expire by group system", async () => {
      const b = ws.make({
        actorVerifier: verifier({
          cab: ctx('cab@example.com', ['Change Advisory Board']),
          dev: ctx('dev@example.com', ['Developers']),
          sys: ctx('cron', ['system']),
        }),
      });
      await rejects(
        b.breakGlass({ decision: decision(), actor_token: 'dev', reason: 'r' }),
        403,
        'actor is not authorized for break-glass',
      );
      const bg = await b.breakGlass({ decision: decision(), actor_token: 'cab', actor: 'ignored', reason: 'outage' });
      assert.equal(bg.decided_by, 'cab@example.com');
      await rejects(
        b.publish({ draft: { id: 'cavra-x', title: 't', description: 'd' }, approval_id: bg.approval_id, actor_token: 'dev' }),
        403,
        'actor is not authorized to publish this policy',
      );
      const { approval_id } = await b.createApproval({ decision: decision() });
      assert.equal((await b.expire(approval_id, { actor_token: 'sys' })).decided_by, 'cron');
    });

    it('without a verifier, presented claims are ignored (never trusted unverified)', async () => {
      const { approval_id } = await ws.backend.createApproval({ decision: decision() });
      const a = await ws.backend.approve(approval_id, {
        actor: 'alice',
        reason: 'r',
        actor_claims: { email: 'mallory@example.com', groups: ['IAM'] },
      });
      assert.equal(a.decided_by, 'alice');
    });
  });
});
