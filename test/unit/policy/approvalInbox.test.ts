// The approver's inbox rules: whose approvals wait for me, what is new since the last look, and the
// remote poll schedule (never faster than the interval, backing off on failure). Times are built
// relative to now, so the tests pass on any day.
import assert from 'node:assert/strict';
import {
  MAX_BACKOFF_SECONDS,
  myApproverGroups,
  newSinceLastLook,
  nextPollAt,
  pollDelaySeconds,
  pollSeconds,
  waitingForMe,
} from '../../../server/src/policy/approvalInbox';

const now = Date.now();
const inHours = (h: number) => new Date(now + h * 3_600_000).toISOString();

const approval = (id: string, group: string, state = 'pending', expires = inHours(24)) => ({
  approval_id: id,
  approver_group: group,
  state,
  expires_at: expires,
});

describe('approvalInbox', () => {
  describe('myApproverGroups', () => {
    it('joins the list setting and the single one, trimmed, each once', () => {
      assert.deepEqual(myApproverGroups(['IAM', ' Cloud Security ', ''], 'IAM'), ['IAM', 'Cloud Security']);
      assert.deepEqual(myApproverGroups(undefined, 'Platform Security'), ['Platform Security']);
      assert.deepEqual(myApproverGroups(undefined, undefined), []);
    });

    it("takes a verified token's groups over the settings", () => {
      assert.deepEqual(myApproverGroups(['IAM'], 'IAM', ['AI Governance']), ['AI Governance']);
      assert.deepEqual(myApproverGroups(['IAM'], undefined, []), ['IAM']);
    });

    it('says what is wrong and where in a bad setting', () => {
      assert.throws(() => myApproverGroups('IAM', undefined), /cavra\.approvals\.myApproverGroups must be a list.*"IAM"/);
      assert.throws(
        () => myApproverGroups(['IAM', 3], undefined),
        /cavra\.approvals\.myApproverGroups\[1\] must be a group name.*3/,
      );
    });
  });

  describe('waitingForMe', () => {
    it('keeps pending, current approvals of my groups only', () => {
      const list = [
        approval('a1', 'IAM'),
        approval('a2', 'Cloud Security'),
        approval('a3', 'IAM', 'approved'),
        approval('a4', 'IAM', 'pending', inHours(-1)),
        approval('a5', 'iam'),
        approval('a6', 'IAM', 'pending', 'not a time'),
      ];
      assert.deepEqual(
        waitingForMe(list, ['IAM'], now).map((a) => a.approval_id),
        ['a1'],
      );
    });

    it('honours the clock skew tolerance', () => {
      const justPast = [approval('a1', 'IAM', 'pending', new Date(now - 5_000).toISOString())];
      assert.equal(waitingForMe(justPast, ['IAM'], now).length, 0);
      assert.equal(waitingForMe(justPast, ['IAM'], now, 30_000).length, 1);
    });
  });

  describe('newSinceLastLook', () => {
    it('announces nothing on the first look, then only approvals not waiting before', () => {
      const first = newSinceLastLook([approval('a1', 'IAM')], undefined);
      assert.deepEqual(first.fresh, []);
      const second = newSinceLastLook([approval('a1', 'IAM'), approval('a2', 'IAM')], first.seen);
      assert.deepEqual(
        second.fresh.map((a) => a.approval_id),
        ['a2'],
      );
      const third = newSinceLastLook([approval('a2', 'IAM')], second.seen);
      assert.deepEqual(third.fresh, []);
      // a1 was decided and left; one that waits again is announced again.
      assert.deepEqual(
        newSinceLastLook([approval('a1', 'IAM'), approval('a2', 'IAM')], third.seen).fresh.map((a) => a.approval_id),
        ['a1'],
      );
    });
  });

  describe('the poll schedule', () => {
    it('reads the interval: default 60, floor 15, a non-number refused', () => {
      assert.equal(pollSeconds(undefined), 60);
      assert.equal(pollSeconds(5), 15);
      assert.equal(pollSeconds(120), 120);
      assert.throws(() => pollSeconds('60'), /cavra\.approvals\.pollSeconds must be a number.*"60"/);
    });

    it('doubles the delay per failure, capped, and never goes below the interval', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 4, 10, 1000].map((f) => pollDelaySeconds(60, f)),
        [60, 120, 240, 480, 900, 900, 900],
      );
      assert.equal(MAX_BACKOFF_SECONDS, 900);
      assert.equal(pollDelaySeconds(3600, 3), 3600);
      assert.equal(pollDelaySeconds(1, 0), 15);
    });

    it('polls at once the first time, else not before the last poll plus its delay', () => {
      assert.equal(nextPollAt(undefined, 60, 0), 0);
      assert.equal(nextPollAt(now, 60, 0), now + 60_000);
      assert.equal(nextPollAt(now, 60, 2), now + 240_000);
    });
  });
});
