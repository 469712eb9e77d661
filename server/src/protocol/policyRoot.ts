// Where the packs are is one rule for the server, the CLI and the client (the client resolves it to
// claim files and watch packs before the server answers), so the contract carries the rule itself.
export { DEFAULT_POLICY_ROOT, resolvePolicyRoot } from '../policy/policyRoot';
