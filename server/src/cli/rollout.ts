// rollout plan|apply|list|get: CAVRA's policy rollout change plan and apply-change (SPEC 3.6, 3.7).
// Mode and state are checked here against CAVRA's lists, so a typo is a usage error (exit 2) like any other.
import type { RolloutChangePlan, RolloutChangeRequest, RolloutFields } from '../backend/backend';
import { ROLLOUT_MODES, ROLLOUT_STATES } from '../policy/rollout';
import { requestRolloutApproval } from '../backend/rolloutApprovalRequest';
import { APPLIED_WITHOUT_APPROVAL } from '../policy/rolloutApproval';
import { UsageError, type FlagSpec } from './args';
import { rolloutImpactFromFlag } from './impact';
import { ACTOR_OPTIONS, REMOTE_OPTIONS, type CommandContext, type CommandDef, type CommonOption } from './command';
import { actorTokenFlag, credentialsFrom, openBackend, recordedActorLine, requireActor } from './backendFactory';
import { fields, list, print, show, table } from './output';

function changeFields(ctx: CommandContext): RolloutFields {
  const fieldsGiven: RolloutFields = {
    repository: ctx.opts.str('--repository'),
    policy_pack: ctx.opts.str('--policy-pack'),
    policy_version: ctx.opts.str('--policy-version'),
    mode: ctx.opts.str('--mode'),
    state: ctx.opts.str('--state'),
    owner: ctx.opts.str('--owner'),
    coverage_percent: ctx.opts.int('--coverage-percent'),
  };
  const refs = ctx.opts.list('--evidence-ref');
  if (refs.length) fieldsGiven.evidence_refs = refs;
  // Absent flags stay absent: CAVRA merges the request over the current record.
  return Object.fromEntries(Object.entries(fieldsGiven).filter(([, v]) => v !== undefined));
}

function changeRequest(ctx: CommandContext): RolloutChangeRequest {
  const rolloutId = ctx.opts.str('--rollout-id');
  return { ...(rolloutId !== undefined ? { rollout_id: rolloutId } : {}), ...changeFields(ctx), ...credentialsFrom(ctx) };
}

/** The same change flags again, so the printed command requests approval for exactly this change. */
function sameChangeArgs(ctx: CommandContext): string {
  const args: string[] = [];
  for (const flag of CHANGE_FLAGS) {
    const values = flag.repeatable ? ctx.opts.list(flag.name) : [ctx.opts.str(flag.name) ?? ctx.opts.int(flag.name)];
    for (const v of values)
      if (v !== undefined) args.push(flag.name, /^[\w./:@-]+$/.test(String(v)) ? String(v) : JSON.stringify(String(v)));
  }
  return args.join(' ');
}

function planLines(plan: RolloutChangePlan): string[] {
  return [
    ...fields([
      ['operation', `${plan.operation} ${plan.after.rollout_id}`],
      ['risk', plan.risk],
      ['approval', plan.approval_required ? 'required' : 'not required'],
    ]),
    ...table(
      ['FIELD', 'BEFORE', 'AFTER'],
      plan.changes.map((c) => [c.field, c.before, c.after]),
    ).map((l) => `  ${l}`),
    ...list('Notes:', plan.operator_notes, '  - '),
  ];
}

async function rolloutPlan(ctx: CommandContext): Promise<number> {
  const { backend, kind } = await openBackend(ctx);
  const plan = await backend.rolloutChangePlan(changeRequest(ctx));
  if (ctx.opts.has('--decisions') && kind !== 'local')
    throw new UsageError('--decisions replays the log against the local workspace packs: use the local backend');
  const impact = await rolloutImpactFromFlag(ctx, backend, plan);
  print(ctx, impact ? { ...plan, impact: impact.json } : plan, () => [
    ...planLines(plan),
    ...(impact ? ['', ...impact.lines, ''] : []),
    ...(plan.approval_required
      ? [
          `Request an approval bound to this change: cavra-policy rollout request-approval ${sameChangeArgs(ctx)}`,
          'then apply with: cavra-policy rollout apply ... --approval APPROVAL_ID',
        ]
      : []),
  ]);
  return 0;
}

/** A pending approval for this exact change (policy/rolloutApproval.ts: the digest ignores the plan's timestamps). */
async function rolloutRequestApproval(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const {
    approval: a,
    plan,
    change_digest,
  } = await requestRolloutApproval(backend, {
    ...changeRequest(ctx),
    approver_group: ctx.opts.str('--approver-group'),
    requested_by: ctx.opts.str('--requested-by'),
    ttl_hours: ctx.opts.int('--ttl-hours'),
  });
  print(ctx, a, () => [
    `Created approval ${a.approval_id} for rollout ${plan.after.rollout_id} (${a.state}, approver group ${a.approver_group})`,
    ...fields([
      ['decision', a.decision_id],
      ['change digest', change_digest],
      ['expires', a.expires_at],
    ]).map((l) => `  ${l}`),
    ...(plan.approval_required ? [] : ['Note: this plan does not require approval; the approval is recorded anyway.']),
    `Once approved: cavra-policy rollout apply ${sameChangeArgs(ctx)} --approval ${a.approval_id} --actor NAME`,
  ]);
  return 0;
}

async function rolloutApply(ctx: CommandContext): Promise<number> {
  requireActor(ctx, 'rollout apply');
  const { backend } = await openBackend(ctx);
  const actor = ctx.opts.str('--actor');
  const approvalId = ctx.opts.str('--approval');
  const result = await backend.rolloutApplyChange({
    ...changeRequest(ctx),
    ...(actor !== undefined ? { actor } : {}),
    ...(approvalId !== undefined ? { approval_id: approvalId } : {}),
  });
  const approval = result.approval;
  const r = result.rollout;
  // CAVRA's result names the verified actor only; applied_by says who was recorded either way.
  const appliedBy = result.actor?.actor ?? actor ?? null;
  print(ctx, { ...result, applied_by: appliedBy }, () => [
    `Applied: ${result.plan.operation} ${r.rollout_id}`,
    ...planLines(result.plan),
    `Stored: ${r.repository} runs ${r.policy_pack}@${r.policy_version} in ${r.mode} mode, ${r.state}, ${r.coverage_percent}% coverage (owner ${r.owner})`,
    recordedActorLine(ctx, appliedBy),
    ...(approval?.approval_id
      ? [
          `Approval: ${approval.approval_id} (${approval.state}, decided by ${approval.decided_by ?? 'unknown'}), recorded in ${approval.recorded_in}`,
        ]
      : result.plan.approval_required
        ? [`Warning: ${APPLIED_WITHOUT_APPROVAL} (CAVRA does not enforce it, SPEC 3.7); the local evidence records this.`]
        : []),
  ]);
  return 0;
}

async function rolloutList(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const result = await backend.listRollouts({
    repository: ctx.opts.str('--repository'),
    policy_pack: ctx.opts.str('--policy-pack'),
    state: ctx.opts.str('--state'),
    mode: ctx.opts.str('--mode'),
    owner: ctx.opts.str('--owner'),
  });
  print(ctx, result, () =>
    result.items.length
      ? [
          ...table(
            ['ROLLOUT', 'REPOSITORY', 'PACK', 'VERSION', 'MODE', 'STATE', 'COVERAGE', 'OWNER'],
            result.items.map((r) => [
              r.rollout_id,
              r.repository,
              r.policy_pack,
              r.policy_version,
              r.mode,
              r.state,
              `${r.coverage_percent}%`,
              r.owner,
            ]),
          ),
          '',
          `${result.total} rollout${result.total === 1 ? '' : 's'}`,
        ]
      : 'No rollouts.',
  );
  return 0;
}

async function rolloutGet(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const r = await backend.getRollout(ctx.opts.positionals[0]);
  print(ctx, r, () => [
    `Rollout ${r.rollout_id}`,
    ...fields(
      Object.entries(r)
        .filter(([k]) => k !== 'rollout_id' && k !== 'schema_version')
        .map(([k, v]) => [k, show(v)]),
    ).map((l) => `  ${l}`),
  ]);
  return 0;
}

const CHANGE_FLAGS: FlagSpec[] = [
  {
    name: '--rollout-id',
    kind: 'string',
    value: 'ID',
    help: 'The rollout to change (default for a new one: <repository>:<policy-pack>)',
  },
  { name: '--repository', kind: 'string', value: 'REPO', help: 'Repository, e.g. payments/api (required for a new rollout)' },
  { name: '--policy-pack', kind: 'string', value: 'PACK', help: 'Policy pack id (required for a new rollout)' },
  {
    name: '--mode',
    kind: 'choice',
    value: 'MODE',
    choices: ROLLOUT_MODES,
    help: `${ROLLOUT_MODES.join(', ')} (default: enforce)`,
  },
  {
    name: '--state',
    kind: 'choice',
    value: 'STATE',
    choices: ROLLOUT_STATES,
    help: `${ROLLOUT_STATES.join(', ')} (default: planned)`,
  },
  { name: '--owner', kind: 'string', value: 'OWNER', help: 'Owning team (default: platform-security)' },
  { name: '--coverage-percent', kind: 'int', value: 'N', min: 0, max: 100, help: 'Share of the repository covered (default: 0)' },
  { name: '--policy-version', kind: 'string', value: 'VERSION', help: 'Pack version (default: latest)' },
  { name: '--evidence-ref', kind: 'string', value: 'REF', repeatable: true, help: 'Evidence reference (repeatable)' },
];

const NO_ARGS = (command: string) => ({
  names: [],
  min: 0,
  max: 0,
  missing: '',
  extra: `${command} takes no arguments: give the fields as flags (see --help)`,
});

/** The rollout inventory, or a CAVRA server. */
const ROLLOUTS: CommonOption[] = ['--root', '--inventory', ...REMOTE_OPTIONS];

export const rolloutCommands: CommandDef[] = [
  {
    name: 'rollout plan',
    synopsis:
      '[--rollout-id ID] --repository REPO --policy-pack PACK [--mode MODE] [--state STATE] [--owner OWNER] [--coverage-percent N] [--policy-version V] [--decisions FILE]',
    summary:
      'Plan a rollout change: the record before and after, changed fields, risk and whether approval is required. Writes nothing.',
    positionals: NO_ARGS('rollout plan'),
    details:
      'With --decisions FILE (local backend), the mode change (the current mode, none for a new rollout, to\n' +
      "--mode) is replayed over the recorded decisions of the rollout's pack and repository, as impact\n" +
      '--rollout-mode does over the whole log: what enforcing (or gating) would do to that real activity.',
    flags: [
      ...CHANGE_FLAGS,
      {
        name: '--decisions',
        kind: 'string',
        value: 'FILE',
        help: "A decision log: the mode change replayed over the rollout's recorded decisions",
      },
      {
        name: '--limit',
        kind: 'int',
        value: 'N',
        min: 1,
        help: 'With --decisions: changed decisions and rows listed per section (default: 20; --json lists all)',
      },
    ],
    common: ROLLOUTS,
    run: rolloutPlan,
  },
  {
    name: 'rollout apply',
    synopsis:
      '(--actor NAME | --actor-token PATH) [--rollout-id ID] --repository REPO --policy-pack PACK [--mode MODE] [--state STATE] [--owner OWNER] [--coverage-percent N] [--policy-version V] [--approval ID]',
    summary: 'Apply a rollout change to the inventory (as CAVRA does, even when the plan says approval is required).',
    details:
      'Who applied it is recorded in the evidence log: the verified actor of --actor-token, else --actor. ' +
      'With --approval, the approval must be approved (or break_glass), not past its time, and for this exact change; ' +
      'locally it is recorded in the rollout record (evidence_refs approval:ID) and the evidence; against a CAVRA server it is checked before sending ' +
      "and named only in this command's result (CAVRA's apply-change takes no approval id). Without it, a change that requires approval " +
      'still applies (CAVRA does not enforce it) and the evidence says so.',
    positionals: NO_ARGS('rollout apply'),
    flags: [
      ...CHANGE_FLAGS,
      {
        name: '--actor',
        kind: 'string',
        value: 'NAME',
        help: 'Who applies the change (recorded in the evidence); required unless --actor-token names a verified actor',
      },
      {
        name: '--approval',
        kind: 'string',
        value: 'ID',
        help: 'The approved approval of this change (from rollout request-approval); a mismatch refuses the apply',
      },
      actorTokenFlag,
    ],
    common: [...ROLLOUTS, '--store', ...ACTOR_OPTIONS],
    run: rolloutApply,
  },
  {
    name: 'rollout request-approval',
    synopsis:
      '[--rollout-id ID] --repository REPO --policy-pack PACK [--mode MODE] [...change flags] [--requested-by NAME] [--approver-group GROUP] [--ttl-hours H]',
    summary:
      'Request a pending approval bound to this rollout change (a policy_rollout decision; its digest covers the rollout id and fields).',
    details:
      'Apply the change later with rollout apply --approval ID and the same change flags: any other change, or an approval that is not approved (or break_glass), or past its time, is refused.',
    positionals: NO_ARGS('rollout request-approval'),
    flags: [
      ...CHANGE_FLAGS,
      { name: '--requested-by', kind: 'string', value: 'NAME', help: 'Who asks (default: ai-agent, as CAVRA)' },
      { name: '--approver-group', kind: 'string', value: 'GROUP', help: 'Who must approve (default: Platform Security)' },
      { name: '--ttl-hours', kind: 'int', value: 'HOURS', min: 1, help: 'Hours until it expires (default: 24)' },
    ],
    common: [...ROLLOUTS, '--store'],
    run: rolloutRequestApproval,
  },
  {
    name: 'rollout list',
    synopsis: '[--repository REPO] [--policy-pack PACK] [--state STATE] [--mode MODE] [--owner OWNER]',
    summary: 'List rollouts, filtered by any of the fields.',
    positionals: NO_ARGS('rollout list'),
    flags: [
      { name: '--repository', kind: 'string', value: 'REPO', help: 'Only this repository' },
      { name: '--policy-pack', kind: 'string', value: 'PACK', help: 'Only this pack' },
      {
        name: '--state',
        kind: 'choice',
        value: 'STATE',
        choices: ROLLOUT_STATES,
        help: `Only this state (${ROLLOUT_STATES.join(', ')})`,
      },
      {
        name: '--mode',
        kind: 'choice',
        value: 'MODE',
        choices: ROLLOUT_MODES,
        help: `Only this mode (${ROLLOUT_MODES.join(', ')})`,
      },
      { name: '--owner', kind: 'string', value: 'OWNER', help: 'Only this owner' },
    ],
    common: ROLLOUTS,
    run: rolloutList,
  },
  {
    name: 'rollout get',
    synopsis: 'ROLLOUT_ID',
    summary: 'Show one rollout record.',
    positionals: {
      names: ['ROLLOUT_ID'],
      min: 1,
      max: 1,
      missing: 'rollout get needs a rollout id (e.g. payments/api:cavra-platform-baseline)',
      extra: 'rollout get takes one rollout id',
    },
    flags: [],
    common: ROLLOUTS,
    run: rolloutGet,
  },
];
