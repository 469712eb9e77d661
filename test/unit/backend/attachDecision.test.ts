// Attach Decision (issue 16): only a decision of the approval's own request is attached (the same
// decision id, or the same action and target), the rule that matched is said, the decision is kept
// with the approval and in the evidence log; against a CAVRA server the studio checks before sending.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BackendError, type Decision } from '../../../server/src/backend/backend';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { decisionMatchesApproval } from '../../../server/src/policy/decisionMatch';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { workspace, type Workspace } from './backendFixtures';

const decision = (fields: Partial<Decision> = {}): Decision => ({
  decision_id: 'dec_0123456789ab',
  action_type: 'write_file',
  target: 'infra/iam/role.tf',
  rule_id: 'filesystem.write.require_approval',
  decision: 'require_approval',
  severity: 'high',
  approver_group: 'Platform Security',
  evidence_refs: ['evidence://local/dec_0123456789ab'],
  ...fields,
});

describe('attach decision: the rule', () => {
  const approval = { approval_id: 'apr_1', decision_id: 'dec_a', decision: { action_type: 'write_file', target: 'a.tf' } };
  it('same decision id; else same action and target; else refused naming both requests', () => {
    assert.equal(decisionMatchesApproval({ decision_id: 'dec_a', action_type: 'x' }, approval).matches, true);
    const again = decisionMatchesApproval({ decision_id: 'dec_b', action_type: 'write_file', target: 'a.tf' }, approval);
    assert.deepEqual([again.matches, again.matches && again.by], [true, 'action_and_target']);
    const other = decisionMatchesApproval({ decision_id: 'dec_c', action_type: 'write_file', target: 'b.tf' }, approval);
    assert.equal(other.matches, false);
    assert.match(
      other.why,
      /decision dec_c \(write_file b\.tf\) is not the request of approval apr_1 \(decision dec_a, write_file a\.tf\)/,
    );
  });
});

describe('attach decision: the local store', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  it("keeps a later evaluation of the same request with the approval, in CAVRA's answer shape, and records why", async () => {
    const a = await ws.backend.createApproval({ decision: decision() });
    const later = decision({ decision_id: 'dec_fedcba987654', decision: 'allow', evidence_refs: [] });
    const answer = await ws.backend.attachDecision(a.approval_id, later);
    assert.equal(answer.decision_id, 'dec_fedcba987654');
    assert.equal(answer.approval.approval_id, a.approval_id);
    const stored = await ws.backend.getApproval(a.approval_id);
    assert.equal(stored.attached_decisions?.length, 1);
    assert.deepEqual(
      [stored.attached_decisions![0].decision_id, stored.attached_decisions![0].matched_by],
      ['dec_fedcba987654', 'action_and_target'],
    );
    assert.equal(stored.state, 'pending', 'attaching changes nothing else');
    const log = readFileSync(`${ws.root}/.cavra/evidence.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const entry = log.find((e: { event: string }) => e.event === 'attach_decision') as { details: Record<string, unknown> };
    assert.equal(entry.details.matched_by, 'action_and_target');
    // Attaching the same decision again replaces it rather than piling up copies.
    await ws.backend.attachDecision(a.approval_id, later);
    assert.equal((await ws.backend.getApproval(a.approval_id)).attached_decisions?.length, 1);
  });

  it('refuses a decision of another request (400, why) and writes nothing', async () => {
    const a = await ws.backend.createApproval({ decision: decision() });
    const before = readFileSync(`${ws.root}/.cavra/approvals.json`, 'utf8');
    await assert.rejects(
      ws.backend.attachDecision(a.approval_id, decision({ decision_id: 'dec_999999999999', target: 'README.md' })),
      (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.equal(e.status, 400);
        assert.match(e.detail, /is not the request of approval/);
        return true;
      },
    );
    assert.equal(readFileSync(`${ws.root}/.cavra/approvals.json`, 'utf8'), before);
  });
});

describe('attach decision: against a CAVRA server', () => {
  let cavra: LocalCavraServer;
  beforeEach(async () => {
    cavra = await startLocalCavraServer();
  });
  afterEach(() => cavra.close());

  it('a decision of another request is refused before sending; the same request is sent', async () => {
    const client = new RemoteBackend({ url: cavra.url, proxy: false, checkBeforeSending: true });
    const a = await client.createApproval({ decision: decision() });
    const path = `/approvals/${a.approval_id}/attach-decision`;
    await assert.rejects(
      client.attachDecision(a.approval_id, decision({ decision_id: 'dec_999999999999', target: 'README.md' })),
      /the studio did not send it \(CAVRA would accept any decision\)/,
    );
    assert.equal(cavra.server.hitsFor('POST', path).length, 0);
    await client.attachDecision(a.approval_id, decision());
    assert.equal(cavra.server.hitsFor('POST', path).length, 1);
  });
});
