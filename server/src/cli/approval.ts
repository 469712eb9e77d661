// approval list|get|create|approve|deny|expire|expire-overdue|break-glass|attach-decision: CAVRA's approvals API
// (SPEC 4) with the flags of CAVRA's `cavra approval` commands.
import { impactSummaryLines, impactSummaryOf } from '../policy/impactSummary';
import type { ApprovalRecord, Decision } from '../backend/backend';
import { InputError, type FlagSpec } from './args';
import { ACTOR_OPTIONS, REMOTE_OPTIONS, type CommandContext, type CommandDef, type CommonOption } from './command';
import { approvalTime, displayedState, overdueFor } from '../policy/approvalExpiry';
import { describeApprovalFilter, filtersAfterFetching } from '../policy/approvalFilter';
import { listFilteredApprovals } from '../backend/approvalPages';
import { actorTokenFlag, clockSkewOf, credentialsFrom, openBackend, recordedActorLine, requireActor } from './backendFactory';
import { readJsonFile } from './input';
import { fields, print, shortTime, show, table } from './output';

const STATES = ['pending', 'approved', 'denied', 'expired', 'break_glass'] as const;

/**
 * A decision file: CAVRA's decision object (what `evaluate --json` prints), or a `POST /approvals`
 * body that wraps one under `decision`.
 */
export function readDecision(file: string, cwd: string): Decision {
  const value = readJsonFile(file, cwd, 'a CAVRA decision');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${file}: a decision must be a JSON object (as printed by cavra-policy evaluate --json)`);
  }
  const object = value as Record<string, unknown>;
  const wrapped = object.decision;
  if (!('decision_id' in object) && typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped))
    return wrapped as Decision;
  return object as Decision;
}

/** What the text output says of an approval's time: nothing while current. */
function overdueLine(a: ApprovalRecord, nowMs: number, skewMs: number): string | undefined {
  const t = approvalTime(a, nowMs, skewMs);
  if (t.kind === 'current') return undefined;
  const when =
    t.kind === 'overdue' ? `expired at ${t.expiresAt}, ${overdueFor(t.overdueMs)} ago` : 'its expires_at cannot be read';
  const record = a.state === 'pending' ? ' (run `cavra-policy approval expire-overdue` to record it)' : '';
  return `past its time: ${when}; the record still says ${a.state}${record}. It can no longer be ${a.state === 'pending' ? 'approved or denied' : 'used to publish'}.`;
}

/** A publish request's impact on recorded activity, when it was requested with a decision log. */
function impactLines(a: ApprovalRecord): string[] {
  const s = impactSummaryOf(a.impact_summary);
  return s ? impactSummaryLines(s).map((l) => `  ${l}`) : [];
}

export function approvalLines(a: ApprovalRecord, nowMs = Date.now(), skewMs = 0): string[] {
  const d = a.decision ?? {};
  const overdue = overdueLine(a, nowMs, skewMs);
  return [
    `Approval ${a.approval_id}: ${displayedState(a, nowMs, skewMs)}`,
    ...(overdue ? [`  ${overdue}`] : []),
    ...fields([
      ['approver group', a.approver_group],
      ['requested by', a.requested_by],
      ['requested at', a.requested_at],
      ['expires at', a.expires_at],
      ['decided by', a.decided_by],
      ['decided at', a.decided_at],
      ['reason', a.decision_reason ?? a.break_glass_reason],
      ['external ref', a.external_ref],
      ['decision', a.decision_id],
      ['action', d.action_type ? `${d.action_type} ${show(d.target)}` : undefined],
      ['rule', d.rule_id ? `${d.rule_id} (${show(d.severity)})` : undefined],
      ['policy digest', typeof d.policy_digest === 'string' ? d.policy_digest : undefined],
    ]).map((l) => `  ${l}`),
    ...(a.attached_decisions?.length
      ? [
          'Attached decisions:',
          ...a.attached_decisions.map(
            (x) =>
              `  ${x.attached_at}  ${x.decision_id}  ${String(x.decision.decision ?? '')} (${x.matched_by.replace(/_/g, ' ')})`,
          ),
        ]
      : []),
    ...impactLines(a),
    'History:',
    ...(a.history ?? []).map(
      (h) =>
        `  ${h.timestamp}  ${h.event.padEnd(11)} ${h.actor}${h.reason ? `: ${h.reason}` : ''}${h.external_ref ? ` [${h.external_ref}]` : ''}`,
    ),
  ];
}

function printApproval(ctx: CommandContext, a: ApprovalRecord, headline?: string): void {
  const lines = () => approvalLines(a, Date.now(), clockSkewOf(ctx));
  print(ctx, a, () => (headline ? [headline, ...lines()] : lines()));
}

async function listApprovals(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const filter = {
    state: ctx.opts.str('--state'),
    approver_group: ctx.opts.str('--approver-group'),
    requested_by: ctx.opts.str('--requested-by'),
    text: ctx.opts.str('--text'),
  };
  // CAVRA filters state and group itself; requester and text need every page (backend/approvalPages.ts).
  const filtered = filtersAfterFetching(filter)
    ? await listFilteredApprovals(backend, { ...filter, limit: ctx.opts.int('--limit') ?? 50, offset: ctx.opts.int('--offset') })
    : undefined;
  const result = filtered
    ? { ...filtered, limit: ctx.opts.int('--limit') ?? 50 }
    : await backend.listApprovals({
        state: filter.state,
        approver_group: filter.approver_group,
        limit: ctx.opts.int('--limit'),
        offset: ctx.opts.int('--offset'),
      });
  // JSON is CAVRA's records as stored; the table shows a pending approval past its time as expired.
  const now = Date.now();
  const skew = clockSkewOf(ctx);
  print(ctx, result, () => {
    if (!result.items.length)
      return result.total ? `No approvals at offset ${result.offset} (${result.total} in all).` : 'No approvals.';
    const first = result.offset + 1;
    const overdue = result.items.filter((a) => a.state === 'pending' && approvalTime(a, now, skew).kind !== 'current').length;
    return [
      ...table(
        ['ID', 'STATE', 'APPROVER GROUP', 'REQUESTED BY', 'REQUESTED', 'EXPIRES', 'DECISION'],
        result.items.map((a) => [
          a.approval_id,
          displayedState(a, now, skew) === a.state ? a.state : `${displayedState(a, now, skew)}*`,
          a.approver_group,
          a.requested_by,
          shortTime(a.requested_at),
          shortTime(a.expires_at),
          a.decision_id,
        ]),
      ),
      '',
      `${first}-${result.offset + result.items.length} of ${result.total}${filtered ? ` matching ${describeApprovalFilter(filter)}` : ''}`,
      ...(filtered?.note ? [`Note: ${filtered.note}.`] : []),
      ...(overdue
        ? [
            `* past its expires_at: the store still says pending until it is expired (cavra-policy approval expire-overdue); it can no longer be approved or denied.`,
          ]
        : []),
    ];
  });
  return 0;
}

async function getApproval(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  printApproval(ctx, await backend.getApproval(ctx.opts.positionals[0]));
  return 0;
}

async function createApproval(ctx: CommandContext): Promise<number> {
  const decision = readDecision(ctx.opts.positionals[0], ctx.cwd);
  const { backend } = await openBackend(ctx);
  const a = await backend.createApproval({
    decision,
    approver_group: ctx.opts.str('--approver-group'),
    requested_by: ctx.opts.str('--requested-by'),
    ttl_hours: ctx.opts.int('--ttl-hours'),
  });
  printApproval(ctx, a, `Created approval ${a.approval_id}`);
  return 0;
}

function decide(action: 'approve' | 'deny' | 'expire') {
  return async (ctx: CommandContext): Promise<number> => {
    const id = ctx.opts.positionals[0];
    if (action !== 'expire') requireActor(ctx, `approval ${action}`);
    const request = {
      ...credentialsFrom(ctx),
      actor: ctx.opts.str('--actor'),
      reason: ctx.opts.str('--reason'),
      external_ref: ctx.opts.str('--external-ref'),
    };
    const { backend } = await openBackend(ctx);
    const a =
      action === 'approve'
        ? await backend.approve(id, request)
        : action === 'deny'
          ? await backend.deny(id, request)
          : await backend.expire(id, request);
    printApproval(ctx, a, recordedActorLine(ctx, a.decided_by));
    return 0;
  };
}

async function expireOverdue(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const expired = await backend.expireOverdueApprovals();
  print(ctx, { expired }, () =>
    expired.length
      ? [
          `Expired ${expired.length} overdue approval${expired.length === 1 ? '' : 's'} (CAVRA's expire action, actor system):`,
          ...expired.map((a) => `  ${a.approval_id}  ${a.history?.[a.history.length - 1]?.reason ?? ''}`),
        ]
      : 'No pending approval is past its expires_at.',
  );
  return 0;
}

async function breakGlass(ctx: CommandContext): Promise<number> {
  requireActor(ctx, 'approval break-glass');
  const decision = readDecision(ctx.opts.positionals[0], ctx.cwd);
  const { backend } = await openBackend(ctx);
  const a = await backend.breakGlass({
    ...credentialsFrom(ctx),
    decision,
    actor: ctx.opts.str('--actor'),
    reason: ctx.opts.str('--reason'),
    approver_group: ctx.opts.str('--approver-group'),
    external_ref: ctx.opts.str('--external-ref'),
    ttl_hours: ctx.opts.int('--ttl-hours'),
  });
  printApproval(
    ctx,
    a,
    `Break-glass override recorded as ${a.approval_id}; it is in the evidence log and expires ${a.expires_at}.\n${recordedActorLine(ctx, a.decided_by)}`,
  );
  return 0;
}

async function attachDecision(ctx: CommandContext): Promise<number> {
  const [id, file] = ctx.opts.positionals;
  const decision = readDecision(file, ctx.cwd);
  const { backend, kind } = await openBackend(ctx);
  const result = await backend.attachDecision(id, decision);
  print(ctx, result, () => [
    `Attached decision ${result.decision_id} to approval ${result.approval.approval_id} (${result.approval.state})`,
    ...fields([['evidence', result.evidence_refs]]).map((l) => `  ${l}`),
    kind === 'local'
      ? '  kept with the approval (attached_decisions) and recorded in the evidence log'
      : "  CAVRA's API answers with it but keeps no attached decision",
  ]);
  return 0;
}

const ACTOR: FlagSpec = {
  name: '--actor',
  kind: 'string',
  value: 'NAME',
  help: 'Who decides (recorded in the history); required unless --actor-token names a verified actor',
};
const REASON: FlagSpec = {
  name: '--reason',
  kind: 'string',
  value: 'TEXT',
  required: true,
  help: 'Why (recorded in the history)',
};
const EXTERNAL_REF: FlagSpec = {
  name: '--external-ref',
  kind: 'string',
  value: 'REF',
  help: 'Ticket, incident or change reference (e.g. INC-777)',
};
const REQUESTED_BY: FlagSpec = { name: '--requested-by', kind: 'string', value: 'NAME', help: 'Who asks (default: ai-agent)' };
const TTL = (fallback: number): FlagSpec => ({
  name: '--ttl-hours',
  kind: 'int',
  value: 'HOURS',
  min: 1,
  help: `Hours until it expires (default: ${fallback}; at least 1)`,
});
/** Reading and changing approvals: the approval store, or a CAVRA server. */
const APPROVALS: CommonOption[] = ['--root', '--store', ...REMOTE_OPTIONS];
/** Deciding: also verified actors. */
const DECIDING: CommonOption[] = [...APPROVALS, ...ACTOR_OPTIONS];

const oneId = (command: string) => ({
  names: ['ID'],
  min: 1,
  max: 1,
  missing: `${command} needs an approval id (apr_…)`,
  extra: `${command} takes one approval id`,
});
const decisionFile = (command: string) => ({
  names: ['DECISION_FILE'],
  min: 1,
  max: 1,
  missing: `${command} needs a decision file (JSON, e.g. from cavra-policy evaluate --json)`,
  extra: `${command} takes one decision file`,
});

export const approvalCommands: CommandDef[] = [
  {
    name: 'approval list',
    synopsis: '[--state STATE] [--approver-group GROUP] [--requested-by NAME] [--text WORDS] [--limit N] [--offset N]',
    summary: 'List approvals, newest first.',
    positionals: {
      names: [],
      min: 0,
      max: 0,
      missing: '',
      extra: 'approval list takes no arguments: filter with --state or --approver-group',
    },
    flags: [
      { name: '--state', kind: 'choice', value: 'STATE', choices: STATES, help: `Only this state (${STATES.join(', ')})` },
      { name: '--approver-group', kind: 'string', value: 'GROUP', help: 'Only this approver group' },
      {
        name: '--requested-by',
        kind: 'string',
        value: 'NAME',
        help: "Only approvals this requester asked for (applied by the studio over every page: CAVRA's API does not filter it)",
      },
      {
        name: '--text',
        kind: 'string',
        value: 'WORDS',
        help: 'Only approvals whose ids, people, group, action, target or reason contain every word (applied by the studio, like --requested-by)',
      },
      { name: '--limit', kind: 'int', value: 'N', min: 1, max: 500, help: 'At most N (default: 50; 1 to 500)' },
      { name: '--offset', kind: 'int', value: 'N', min: 0, help: 'Skip the first N (default: 0)' },
    ],
    common: APPROVALS,
    run: listApprovals,
  },
  {
    name: 'approval get',
    synopsis: 'ID',
    summary: 'Show one approval with its decision and history.',
    positionals: oneId('approval get'),
    flags: [],
    common: APPROVALS,
    run: getApproval,
  },
  {
    name: 'approval create',
    synopsis: 'DECISION_FILE [--requested-by NAME] [--approver-group GROUP] [--ttl-hours HOURS]',
    summary: 'Create a pending approval for a decision; the approver group is routed as CAVRA does unless given.',
    positionals: decisionFile('approval create'),
    flags: [
      REQUESTED_BY,
      {
        name: '--approver-group',
        kind: 'string',
        value: 'GROUP',
        help: "Who must approve (default: routing rules, else the decision's group)",
      },
      TTL(24),
      {
        name: '--routing-file',
        kind: 'string',
        value: 'PATH',
        help: "Approval routing rules (default: $CAVRA_APPROVAL_ROUTING_FILE, else CAVRA's built-in rules)",
      },
    ],
    common: APPROVALS,
    run: createApproval,
  },
  {
    name: 'approval approve',
    synopsis: 'ID (--actor NAME | --actor-token PATH) --reason TEXT [--external-ref REF]',
    summary: 'Approve a pending approval.',
    positionals: oneId('approval approve'),
    flags: [ACTOR, REASON, EXTERNAL_REF, actorTokenFlag],
    common: DECIDING,
    run: decide('approve'),
  },
  {
    name: 'approval deny',
    synopsis: 'ID (--actor NAME | --actor-token PATH) --reason TEXT [--external-ref REF]',
    summary: 'Deny a pending approval.',
    positionals: oneId('approval deny'),
    flags: [ACTOR, REASON, EXTERNAL_REF, actorTokenFlag],
    common: DECIDING,
    run: decide('deny'),
  },
  {
    name: 'approval expire',
    synopsis: 'ID [--actor NAME] [--reason TEXT]',
    summary: 'Expire a pending approval (default actor "system", reason "approval expired").',
    positionals: oneId('approval expire'),
    flags: [
      { ...ACTOR, help: 'Who expires it (default: system; a verified actor wins)' },
      { ...REASON, required: false, help: 'Why (default: approval expired)' },
      actorTokenFlag,
    ],
    common: DECIDING,
    run: decide('expire'),
  },
  {
    name: 'approval expire-overdue',
    synopsis: '',
    summary:
      "Expire every pending approval past its expires_at (CAVRA's expire action, actor system); CAVRA never does it on its own.",
    positionals: {
      names: [],
      min: 0,
      max: 0,
      missing: '',
      extra: 'approval expire-overdue takes no arguments: it expires every pending approval past its expires_at',
    },
    flags: [],
    common: APPROVALS,
    run: expireOverdue,
  },
  {
    name: 'approval break-glass',
    synopsis:
      'DECISION_FILE (--actor NAME | --actor-token PATH) --reason TEXT [--approver-group GROUP] [--external-ref REF] [--ttl-hours HOURS]',
    summary: 'Record an emergency override for a decision: approved at once, state break_glass, short expiry.',
    positionals: decisionFile('approval break-glass'),
    flags: [
      ACTOR,
      { ...REASON, help: 'Why the override is needed' },
      { name: '--approver-group', kind: 'string', value: 'GROUP', help: 'Default: Change Advisory Board' },
      EXTERNAL_REF,
      TTL(4),
      actorTokenFlag,
    ],
    common: DECIDING,
    run: breakGlass,
  },
  {
    name: 'approval attach-decision',
    synopsis: 'ID DECISION_FILE',
    summary: 'Attach a decision to an approval; prints the decision with the approval summary and merged evidence.',
    positionals: {
      names: ['ID', 'DECISION_FILE'],
      min: 2,
      max: 2,
      missing: 'approval attach-decision needs an approval id and a decision file',
      extra: 'approval attach-decision takes an approval id and a decision file',
    },
    flags: [],
    common: APPROVALS,
    run: attachDecision,
  },
];
