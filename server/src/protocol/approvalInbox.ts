// The approver's inbox (waiting for me, new since the last look, the poll schedule) is the client's
// Approvals view and its notifications; the rule lives in policy/ and crosses the contract as is.
export {
  DEFAULT_POLL_SECONDS,
  MIN_POLL_SECONDS,
  myApproverGroups,
  newSinceLastLook,
  nextPollAt,
  pollDelaySeconds,
  pollSeconds,
  waitingForMe,
  type InboxApproval,
  type InboxLook,
} from '../policy/approvalInbox';
