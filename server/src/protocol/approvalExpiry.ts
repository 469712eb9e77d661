// When an approval's time is up is one rule for the server, the CLI and the client (the client shows an
// overdue pending approval as expired and keeps it out of the publish picker), so the contract carries
// the rule itself.
export { approvalTime, displayedState, isOverdue, overdueFor, type ApprovalTime } from '../policy/approvalExpiry';
