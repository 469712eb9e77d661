// Decisions — POST /decisions (the local backend evaluates without persisting).
import type { ActionType } from './vocabulary';

/** SPEC 4.8 decision (`ActionDecision.to_dict`), plus whatever else a producer added. */
export interface Decision {
  decision_id: string;
  session_id?: string;
  agent_id?: string;
  actor?: string;
  action_type?: string;
  target?: string;
  requested_operation?: string;
  policy_pack?: string;
  policy_id?: string;
  rule_id?: string;
  decision?: string;
  severity?: string;
  reason?: string | null;
  evidence_refs?: string[];
  approver_group?: string | null;
  timestamp?: string;
  correlation_id?: string | null;
  repository?: string;
  [field: string]: unknown;
}

export interface EvaluateRequest {
  action_type: ActionType | string;
  target?: string;
  /** Default "cavra-ai-agent-baseline". */
  policy_pack?: string;
  session_id?: string;
  agent_id?: string;
  actor?: string;
  repository?: string;
  /** git_operation; default "push". */
  operation?: string;
  /** mcp_tool_call; default "unknown" (the local backend also reads `server:tool` from `target`). */
  server?: string;
  tool?: string;
  capability?: string;
}
