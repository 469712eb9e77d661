// How a change is written entry by entry (`+ list: entry`, `~ path: a → b`): the CLI's plan and the
// editor's approval review write the same lines, so the rule crosses the contract as is.
export { entryDiffLines } from '../policy/policyEntryDiff';
