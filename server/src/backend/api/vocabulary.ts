// Words and shapes every part of CAVRA's API shares: risk, decisions, states, the policy pack and its summary.

export type Risk = 'low' | 'medium' | 'high' | 'critical';
export type Severity = Risk;
export type DecisionValue = 'allow' | 'block' | 'require_approval' | 'warn' | 'audit_only' | 'allow_with_attestation';
export type ActionType = 'read_file' | 'write_file' | 'execute_command' | 'git_operation' | 'mcp_tool_call';
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'break_glass';
export type RolloutMode = 'audit_only' | 'enforce' | 'strict' | 'break_glass';
export type RolloutState = 'planned' | 'active' | 'paused' | 'retired';

/** A draft as CAVRA's authoring API takes it (SPEC 3.2): metadata fields top level or under `metadata`. */
export type DraftPayload = { [key: string]: unknown };

/** The normalized policy (`policy_pack`): metadata {id,title,description,version[,inherits][,mode]} + sections. */
export type PolicyPackContent = { metadata: { [key: string]: unknown } } & { [section: string]: unknown };

/** SPEC 3.1 policy summary. */
export interface PolicySummary {
  policy_id: unknown;
  title: unknown;
  version: unknown;
  inherits: unknown;
  mode: unknown;
  rule_counts: {
    filesystem: number;
    commands: number;
    git: number;
    mcp: number;
    approvals: number;
    evidence: number;
    compliance: number;
  };
}

export interface PolicyDiffPaths {
  added: string[];
  removed: string[];
  changed: string[];
}
