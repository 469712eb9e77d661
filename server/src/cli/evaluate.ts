// evaluate and test: what CAVRA would decide for an action (SPEC 2.3, 4.8), and the decision test
// cases kept next to packs, run like a test suite.
import type { ActionType, DecisionTestReport } from '../backend/backend';
import { applyPolicyMode, isPolicyMode, POLICY_MODES, type PolicyMode } from '../policy/policyModes';
import { UsageError } from './args';
import { REMOTE_OPTIONS, type CommandContext, type CommandDef } from './command';
import { openBackend, requireWorkspaceOperation } from './backendFactory';
import { fields, print, show } from './output';

/** CAVRA's action types; any other exits 2, as `cavra evaluate` does. */
export const ACTION_TYPES: readonly ActionType[] = [
  'read_file',
  'write_file',
  'execute_command',
  'git_operation',
  'mcp_tool_call',
];

async function evaluate(ctx: CommandContext): Promise<number> {
  const [action, target] = ctx.opts.positionals;
  if (!ACTION_TYPES.includes(action as ActionType)) {
    throw new UsageError(`unknown action type ${JSON.stringify(action)}; expected one of: ${ACTION_TYPES.join(', ')}`);
  }
  const mode = ctx.opts.str('--policy-mode') as PolicyMode | undefined;
  const claim = { actor: ctx.opts.str('--break-glass-actor'), reason: ctx.opts.str('--break-glass-reason') };
  if ((claim.actor !== undefined || claim.reason !== undefined) && mode !== 'break_glass') {
    throw new UsageError('--break-glass-actor and --break-glass-reason apply to --policy-mode break_glass only');
  }
  const { backend } = await openBackend(ctx);
  const d = await backend.evaluate({
    action_type: action,
    target,
    policy_pack: ctx.opts.str('--policy-pack'),
    session_id: ctx.opts.str('--session-id'),
    agent_id: ctx.opts.str('--agent-id'),
    actor: ctx.opts.str('--actor'),
    repository: ctx.opts.str('--repository'),
    operation: ctx.opts.str('--operation'),
    server: ctx.opts.str('--server'),
    tool: ctx.opts.str('--tool'),
  });
  const applied = mode && isPolicyMode(mode) ? applyPolicyMode(String(d.decision), mode, claim) : undefined;
  // With a mode, --json wraps the decision (`approval create` reads the wrapper) beside what the mode does.
  print(ctx, applied ? { decision: d, policy_mode: applied } : d, () => [
    ...(applied
      ? [
          `${applied.effective_decision.toUpperCase()}  ${action} ${target}  (mode ${applied.mode}; the rules say ${show(d.decision)})`,
          `  mode: ${applied.mode_reason}${applied.evidence_required ? '; evidence required' : ''}`,
        ]
      : [`${show(d.decision).toUpperCase()}  ${action} ${target}`]),
    ...fields([
      ['rule', d.rule_id],
      ['severity', d.severity],
      ['reason', d.reason],
      ['approver group', d.approver_group ?? undefined],
      ['policy pack', d.policy_pack],
      ['decision id', d.decision_id],
    ]).map((l) => `  ${l}`),
    ...((applied?.effective_decision ?? d.decision) === 'require_approval'
      ? ['', 'To ask for approval: save this with --json and run cavra-policy approval create FILE']
      : []),
  ]);
  return 0;
}

function reportLines(reports: DecisionTestReport[]): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.policy_pack} (${r.file})`);
    for (const c of r.cases) {
      const where = c.line ? ` [${r.file}:${c.line}]` : '';
      lines.push(c.passed ? `  ok    ${c.name}` : `  FAIL  ${c.name}${where}`);
      if (!c.passed && c.message) lines.push(`        ${c.message}`);
    }
  }
  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  lines.push('', `${passed} passed, ${failed} failed${reports.length !== 1 ? ` in ${reports.length} packs` : ''}`);
  return lines;
}

async function runTests(ctx: CommandContext): Promise<number> {
  const opened = await openBackend(ctx, 'test');
  const run = requireWorkspaceOperation(opened, 'runDecisionTests', 'test');
  const reports = await run({ policy_pack: ctx.opts.positionals[0] });
  print(ctx, reports, () => (reports.length ? reportLines(reports) : 'No decision test files found next to the packs.'));
  return reports.some((r) => r.failed > 0) ? 1 : 0;
}

/** The decision test file format, for `test --help` (the README's Command line section says the same). */
export const DECISION_TESTS_FORMAT = `Cases live in policies/<pack-id>/policy.tests.yaml (local workspace only):

  cases:
    - name: secrets are never read          # optional; default "<action> <target>"
      action: read_file                     # ${ACTION_TYPES.join(' | ')}
      target: .env                          # mcp_tool_call: server:tool; git_operation: the ref
      expect:                               # at least one of decision / rule_id
        decision: block                     # allow | block | require_approval
        rule_id: filesystem.read.block
        severity: high                      # optional
        approver_group: Platform Security   # optional (null for none)
    - action: git_operation
      operation: push                       # optional (default push); also server, tool for MCP
      target: origin/main
      expect: {decision: block, rule_id: git.protected_branch.block_direct_push}

A bare list of cases (without "cases:") is accepted too. Each case is evaluated as evaluate does,
with the pack's inheritance merged.`;

export const evaluateCommands: CommandDef[] = [
  {
    name: 'evaluate',
    synopsis: 'ACTION TARGET [--policy-pack PACK] [--policy-mode MODE]',
    summary: "What CAVRA would decide for an action on a target, with the pack's inheritance merged.",
    details:
      `ACTION is one of: ${ACTION_TYPES.join(', ')}. For mcp_tool_call, TARGET is server:tool.\n` +
      "With --json the decision is printed in CAVRA's shape, ready for approval create or break-glass.",
    positionals: {
      names: ['ACTION', 'TARGET'],
      min: 2,
      max: 2,
      missing: 'evaluate needs an action and a target, e.g. evaluate write_file iam/admin.json',
      extra: 'evaluate takes an action and one target (quote a target with spaces)',
    },
    flags: [
      {
        name: '--policy-pack',
        kind: 'string',
        value: 'PACK',
        help: 'Pack to evaluate against (default: cavra-ai-agent-baseline)',
      },
      { name: '--session-id', kind: 'string', value: 'ID', help: 'Session recorded in the decision (default: local)' },
      { name: '--agent-id', kind: 'string', value: 'ID', help: 'Agent recorded in the decision (default: unknown-agent)' },
      { name: '--actor', kind: 'string', value: 'NAME', help: 'Actor recorded in the decision (default: ai-agent)' },
      { name: '--repository', kind: 'string', value: 'REPO', help: 'Repository recorded in the decision' },
      { name: '--operation', kind: 'string', value: 'OP', help: 'git_operation: the git operation (default: push)' },
      { name: '--server', kind: 'string', value: 'NAME', help: 'mcp_tool_call: the MCP server (default: from TARGET)' },
      { name: '--tool', kind: 'string', value: 'NAME', help: 'mcp_tool_call: the tool (default: from TARGET)' },
      {
        name: '--policy-mode',
        kind: 'choice',
        value: 'MODE',
        choices: POLICY_MODES,
        help: "Apply a runtime mode to the decision (CAVRA's evaluate --policy-mode): audit_only records without blocking, enforce keeps it, strict gates allowed actions behind approval, break_glass blocks unless an actor and a reason are given",
      },
      { name: '--break-glass-actor', kind: 'string', value: 'NAME', help: 'break_glass mode: who takes responsibility' },
      { name: '--break-glass-reason', kind: 'string', value: 'TEXT', help: 'break_glass mode: why' },
    ],
    common: ['--root', '--policy-dir', ...REMOTE_OPTIONS],
    run: evaluate,
  },
  {
    name: 'test',
    synopsis: '[PACK]',
    summary: 'Run the decision test cases kept next to the packs (all packs, or PACK); exit 1 when any fails.',
    details: DECISION_TESTS_FORMAT,
    positionals: { names: ['[PACK]'], min: 0, max: 1, missing: '', extra: 'test takes at most one pack id' },
    flags: [],
    common: ['--root', '--policy-dir', '--backend'],
    run: runTests,
  },
];
