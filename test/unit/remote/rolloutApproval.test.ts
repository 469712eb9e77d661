// Rollouts that name their approval against a CAVRA server (the test server on 127.0.0.1): the approval
// is created through POST /approvals from the policy_rollout decision; CAVRA's apply-change takes no
// approval id, so the studio checks the match before sending and names the approval in its own result.
import assert from 'node:assert/strict';
import { BackendError, type RolloutChangeRequest } from '../../../server/src/backend/backend';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { requestRolloutApproval } from '../../../server/src/backend/rolloutApprovalRequest';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';

const change: RolloutChangeRequest = { repository: 'payments/api', policy_pack: 'cavra-p', mode: 'strict', state: 'active' };

describe('remote backend: rollout apply under an approval', function () {
  this.timeout(30_000);
  let s: LocalCavraServer;
  let remote: RemoteBackend;
  beforeEach(async () => {
    s = await startLocalCavraServer();
    remote = new RemoteBackend({ url: s.url, proxy: false, checkBeforeSending: true });
  });
  afterEach(() => s.close());

  it('request through POST /approvals, refuse before sending when it does not match, apply when it does', async () => {
    const { approval, change_digest } = await requestRolloutApproval(remote, { ...change, requested_by: 'dev' });
    assert.equal((await s.engine.getApproval(approval.approval_id)).decision.rollout_change_digest, change_digest);

    await assert.rejects(
      remote.rolloutApplyChange({ ...change, actor: 'ops', approval_id: approval.approval_id }),
      (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.equal(e.status, 409);
        assert.match(e.message, /nothing sent.*is pending/);
        return true;
      },
    );
    assert.equal((await s.engine.listRollouts()).total, 0, 'the refused apply never reached the server');

    await remote.approve(approval.approval_id, { actor: 'alice', reason: 'CHG-3' });
    await assert.rejects(
      remote.rolloutApplyChange({ ...change, owner: 'someone-else', actor: 'ops', approval_id: approval.approval_id }),
      /requested for another change/,
    );
    const result = await remote.rolloutApplyChange({ ...change, actor: 'ops', approval_id: approval.approval_id });
    assert.equal(result.approval?.approval_id, approval.approval_id);
    assert.match(result.approval && 'recorded_in' in result.approval ? result.approval.recorded_in : '', /studio's result only/);
    // CAVRA's own record does not name it: the server's apply-change never saw the id.
    assert.deepEqual((await s.engine.getRollout('payments/api:cavra-p')).evidence_refs, []);
  });

  it("without an approval the server applies it and the answer is CAVRA's own", async () => {
    const result = await remote.rolloutApplyChange({ ...change, actor: 'ops' });
    assert.equal(result.plan.approval_required, true);
    assert.equal('approval' in result, false);
    assert.equal((await s.engine.listRollouts()).total, 1);
  });
});
