// The local, file-based `Backend`: CAVRA-compatible stores in the workspace.
export { createLocalBackend, LocalBackend, resolvePaths } from './localBackend';
export type { LocalBackendOptions, ResolvedPaths } from './localBackend';
export { DECISION_TESTS_FILE, parseDecisionTests } from './decisionTests';
export { JOURNAL_FILE, POLICY_FILE, SIGNATURE_FILE, recoverPolicyPair } from './publishPair';
export type { PublishHooks, PublishStep } from './publishPair';
export { pyyamlSafeDump } from './pyyamlDump';
export { pyIsoformat, systemClock, systemRandomHex } from './pythonTime';
export type { Clock, RandomHex } from './pythonTime';
export { isSafePackId } from './policyRegistry';
export { packState, publishedUnder, signaturePathOf } from './packState';
export { SignatureStates, trustedPublicKeys } from './signatureStates';
