// What a runtime policy mode does to a decision is one rule for the CLI, the server and the client (the
// editor's "What Would CAVRA Decide?" applies it to the server's decision), so the contract carries it.
export { applyPolicyMode, isPolicyMode, POLICY_MODES, type PolicyMode, type PolicyModeResult } from '../policy/policyModes';
