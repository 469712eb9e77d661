// A sample action for a rule: what an agent would do that this entry names, so "What would CAVRA
// decide?" can be asked about a rule from its hover. Only `*` is special in CAVRA's patterns (SPEC 2.3),
// so replacing each run of stars by a word gives a target the pattern always matches; the decision
// then shows what CAVRA does with it, which may be another rule's (one checked first, or inherited).
import type { EvaluateAction } from './evaluate';

/**
 * The action type an agent performs for each list CAVRA's runtime reads (SPEC 2.4). A declarative list
 * (`commands.require_approval`) gets no sample: whatever CAVRA decides would come from other rules.
 */
const ACTION_OF: Record<string, EvaluateAction> = {
  'filesystem.block_read': 'read_file',
  'filesystem.block_write': 'write_file',
  'filesystem.require_approval_write': 'write_file',
  'commands.block': 'execute_command',
  'commands.allow': 'execute_command',
  'mcp.allowed_servers': 'mcp_tool_call',
  'mcp.blocked_servers': 'mcp_tool_call',
};

export interface SampleAction {
  action_type: EvaluateAction;
  target: string;
}

/** A sample action for an entry of a list, or undefined for a list no action is checked against. */
export function sampleAction(list: string, entry: string): SampleAction | undefined {
  const action_type = ACTION_OF[list];
  if (!action_type || !entry) return undefined;
  // An MCP entry names a server; CAVRA reads a tool call as `server:tool`.
  if (action_type === 'mcp_tool_call') return { action_type, target: `${entry}:sample_tool` };
  return { action_type, target: entry.replace(/\*+/g, 'sample') };
}
