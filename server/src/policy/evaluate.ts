// What CAVRA's RuntimeGuard decides for one action (SPEC 2.3, 4.8; runtime.py), against a policy
// already resolved with its inheritance. Same evaluation order, rule ids, severities, reasons and
// approver groups; the decision object has ActionDecision.to_dict's keys in its order.
import { globMatches } from './glob';
import { isMapping, pyStr, pyTruthy, type PyValue } from './pythonValues';

export const EVALUATE_ACTIONS = ['read_file', 'write_file', 'execute_command', 'git_operation', 'mcp_tool_call'] as const;
export type EvaluateAction = (typeof EVALUATE_ACTIONS)[number];

export interface EvaluateInput {
  action_type: string;
  target?: string;
  /** The pack id the decision names (policy_pack and policy_id). */
  policy_pack: string;
  session_id?: string;
  agent_id?: string;
  actor?: string;
  /** git_operation; default "push". */
  operation?: string;
  /** mcp_tool_call; when absent, read from a `server:tool` target. */
  server?: string;
  tool?: string;
  capability?: string;
}

export interface EvaluateContext {
  /** Python isoformat of now. */
  timestamp: string;
  /** 12 lowercase hex characters, fresh for each call. */
  randomHex12: () => string;
}

export interface RuntimeDecision {
  decision_id: string;
  session_id: string;
  agent_id: string;
  actor: string;
  action_type: string;
  target: string;
  requested_operation: string;
  policy_pack: string;
  policy_id: string;
  rule_id: string;
  decision: string;
  severity: string;
  reason: string;
  evidence_refs: string[];
  approver_group: string | null;
  timestamp: string;
  correlation_id: string;
}

/**
 * CAVRA's pattern match: re.fullmatch of the escaped pattern with `*`/`**` as `.*`. Python's `.` does
 * not match a newline, so neither does a wildcard here.
 */
export function cavraPatternMatches(pattern: string, value: string): boolean {
  return globMatches(pattern, value);
}

/** Python `str(Path(target))` on POSIX: repeated slashes and `.` parts removed, no trailing slash. */
export function pythonPathStr(target: string): string {
  if (target === '') return '.';
  let root = '';
  if (target.startsWith('/')) root = target.startsWith('//') && !target.startsWith('///') ? '//' : '/';
  const parts = target.split('/').filter((p) => p !== '' && p !== '.');
  const joined = root + parts.join('/');
  return joined === '' ? '.' : joined;
}

const PY_WHITESPACE =
  ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python `str.strip()`. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PY_WHITESPACE.includes(s[start])) start++;
  while (end > start && PY_WHITESPACE.includes(s[end - 1])) end--;
  return s.slice(start, end);
}

/** RuntimeGuard._patterns: `policy[section][key]` as strings, or nothing when it is not a list. */
export function policyPatterns(policy: { [key: string]: PyValue }, section: string, key: string): string[] {
  const s = policy[section];
  const items = isMapping(s) ? s[key] : undefined;
  if (!Array.isArray(items)) return [];
  return items.filter((item) => item !== null).map((item) => pyStr(item));
}

function mcpServerAndTool(input: EvaluateInput): { server: string; tool: string } {
  if (input.server !== undefined || input.tool !== undefined)
    return { server: input.server ?? 'unknown', tool: input.tool ?? 'unknown' };
  const target = input.target ?? '';
  if (!target) return { server: 'unknown', tool: 'unknown' };
  const colon = target.indexOf(':');
  return colon < 0 ? { server: target, tool: 'unknown' } : { server: target.slice(0, colon), tool: target.slice(colon + 1) };
}

/**
 * The first pattern of `policy[section][key]` that matches `value`, in list order. Evaluation asks this
 * for each list in CAVRA's order; impact replay passes an indexed one (same answers, fewer comparisons).
 */
export type PatternScan = (policy: { [key: string]: PyValue }, section: string, key: string, value: string) => string | undefined;

export const scanPatterns: PatternScan = (policy, section, key, value) =>
  policyPatterns(policy, section, key).find((pattern) => cavraPatternMatches(pattern, value));

export function isEvaluateAction(action: string): action is EvaluateAction {
  return (EVALUATE_ACTIONS as readonly string[]).includes(action);
}

/** What the rules decide for an action: the part of CAVRA's record that depends on the policy. */
export type RuleDecision = Pick<
  RuntimeDecision,
  'decision' | 'reason' | 'action_type' | 'target' | 'requested_operation' | 'rule_id' | 'severity' | 'approver_group'
>;

/** Evaluates one action. Unknown action types are MCP calls, as in CAVRA's POST /decisions. */
export function evaluateAction(
  policy: { [key: string]: PyValue },
  input: EvaluateInput,
  ctx: EvaluateContext,
  scan: PatternScan = scanPatterns,
): RuntimeDecision {
  const d = decideAction(policy, input, scan);
  const sessionId = input.session_id ?? 'local';
  const decisionId = `dec_${ctx.randomHex12()}`;
  return {
    decision_id: decisionId,
    session_id: sessionId,
    agent_id: input.agent_id ?? 'unknown-agent',
    actor: input.actor ?? 'ai-agent',
    action_type: d.action_type,
    target: d.target,
    requested_operation: d.requested_operation,
    policy_pack: input.policy_pack,
    policy_id: input.policy_pack,
    rule_id: d.rule_id,
    decision: d.decision,
    severity: d.severity,
    reason: d.reason,
    evidence_refs: [`evidence://${sessionId}/${decisionId}`],
    approver_group: d.approver_group,
    timestamp: ctx.timestamp,
    correlation_id: `corr_${ctx.randomHex12()}`,
  };
}

/**
 * The rules' decision alone, in CAVRA's order (block before allow): what evaluateAction wraps into CAVRA's
 * record. Impact replay asks this a hundred thousand times and needs no ids, evidence or timestamps.
 */
export function decideAction(
  policy: { [key: string]: PyValue },
  input: EvaluateInput,
  scan: PatternScan = scanPatterns,
): RuleDecision {
  const make = (
    decision: string,
    reason: string,
    f: {
      action_type: string;
      target: string;
      requested_operation: string;
      rule_id: string;
      severity?: string;
      approver_group?: string | null;
    },
  ): RuleDecision => ({
    decision,
    reason,
    action_type: f.action_type,
    target: f.target,
    requested_operation: f.requested_operation,
    rule_id: f.rule_id,
    severity: f.severity ?? 'low',
    approver_group: f.approver_group ?? null,
  });

  const action = input.action_type;
  if (action === 'read_file' || action === 'write_file') {
    const mode = action === 'read_file' ? 'read' : 'write';
    const target = pythonPathStr(input.target ?? '');
    const base = { action_type: `${mode}_file`, target, requested_operation: mode };
    const blocked = scan(policy, 'filesystem', mode === 'read' ? 'block_read' : 'block_write', target);
    if (blocked !== undefined) {
      return make('block', `Matched sensitive path policy: ${blocked}`, {
        ...base,
        rule_id: `filesystem.${mode}.block`,
        severity: 'high',
      });
    }
    const gated = mode === 'write' ? scan(policy, 'filesystem', 'require_approval_write', target) : undefined;
    if (gated !== undefined) {
      return make('require_approval', `Matched approval-required path policy: ${gated}`, {
        ...base,
        rule_id: 'filesystem.write.require_approval',
        severity: 'high',
        approver_group: 'Platform Security',
      });
    }
    return make('allow', 'No sensitive path policy matched.', { ...base, rule_id: `filesystem.${mode}.allow` });
  }
  if (action === 'execute_command') {
    const cleaned = pyStrip(input.target ?? '');
    const base = { action_type: 'execute_command', target: cleaned, requested_operation: cleaned };
    const blocked = scan(policy, 'commands', 'block', cleaned);
    if (blocked !== undefined) {
      const severity = cleaned.includes('apply') || cleaned.includes('delete') ? 'critical' : 'high';
      return make('block', `Matched blocked command policy: ${blocked}`, { ...base, rule_id: 'commands.block', severity });
    }
    const allowed = scan(policy, 'commands', 'allow', cleaned);
    if (allowed !== undefined) {
      return make('allow', `Matched allowed command policy: ${allowed}`, { ...base, rule_id: 'commands.allow' });
    }
    return make('require_approval', 'No allow rule matched; review required.', {
      ...base,
      rule_id: 'commands.default.require_approval',
      severity: 'medium',
      approver_group: 'Repository Owners',
    });
  }
  if (action === 'git_operation') {
    const operation = input.operation ?? 'push';
    const target = input.target ?? '';
    if (operation === 'push' && target && (target.endsWith('main') || target.endsWith('master'))) {
      return make('block', 'Direct push to protected branch is prohibited.', {
        action_type: 'git_operation',
        target,
        requested_operation: operation,
        rule_id: 'git.protected_branch.block_direct_push',
        severity: 'high',
      });
    }
    return make('allow', 'Git operation is allowed by policy.', {
      action_type: 'git_operation',
      target: target || operation,
      requested_operation: operation,
      rule_id: 'git.allow',
    });
  }
  const { server, tool } = mcpServerAndTool(input);
  const mcp = isMapping(policy.mcp) ? policy.mcp : {};
  const list = (v: PyValue | undefined) => (Array.isArray(v) ? v : []);
  const allowed = list(mcp.allowed_servers);
  const blocked = list(mcp.blocked_servers);
  // `mcp.get("block_unknown_servers", True)`: only a present, falsy value turns it off.
  const blockUnknown = 'block_unknown_servers' in mcp ? pyTruthy(mcp.block_unknown_servers) : true;
  const base = { action_type: 'mcp_tool_call', target: `${server}:${tool}`, requested_operation: input.capability || tool };
  if (blocked.includes(server) || (blockUnknown && !allowed.includes(server))) {
    return make('block', 'Untrusted MCP server with filesystem/tool capability is not approved.', {
      ...base,
      rule_id: 'mcp.server.trust.block_unknown',
      severity: 'high',
    });
  }
  return make('allow', 'MCP server is trusted for this tool call.', { ...base, rule_id: 'mcp.server.trust.allow' });
}
