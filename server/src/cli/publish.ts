// catalog, draft, plan, request, publish: CAVRA's policy-pack authoring flow (SPEC 3.1-3.5), through the
// selected backend. A draft is a policy file (YAML or JSON) in the workspace.
import { readFileSync } from 'node:fs';
import { BackendError, type PolicyPackDraft, type PolicySummary, type PublishPlan, type PublishResult } from '../backend/backend';
import type { FlagSpec } from './args';
import { ACTOR_OPTIONS, REMOTE_OPTIONS, type CommandContext, type CommandDef, type CommonOption } from './command';
import { actorTokenFlag, credentialsFrom, draftFrom, openBackend, recordedActorLine } from './backendFactory';
import {
  EXTERNAL_SIGNER_FLAG,
  HMAC_KEY_FLAG,
  KEY_ID_FLAG,
  PRIVATE_KEY_FLAG,
  SIGNER_PUBLIC_KEY_FLAG,
  keyIdSource,
  signingFromFlags,
  strengthNote,
} from './keys';
import { MAX_FILE_SIZE_FLAG } from './input';
import { fields, list, print, table } from './output';
import { reachLines, reachSummary } from './publishReach';
import { DECISIONS_FLAG, impactSummaryFromFlag } from './impact';
import { impactSummaryLines } from '../policy/impactSummary';
import { entryDiffLines } from '../policy/policyEntryDiff';

const ruleTotal = (s: PolicySummary) => Object.values(s.rule_counts).reduce((a, b) => a + b, 0);

function countsLine(s: PolicySummary): string {
  return (
    Object.entries(s.rule_counts)
      .filter(([, n]) => n)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'no rules'
  );
}

async function catalog(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const result = await backend.catalog();
  print(ctx, result, () =>
    result.items.length
      ? [
          ...table(
            ['ID', 'VERSION', 'RULES', 'INHERITS', 'TITLE'],
            result.items.map((i) => [i.id, i.version, ruleTotal(i.summary), i.summary.inherits, i.title]),
          ),
          '',
          `${result.total} pack${result.total === 1 ? '' : 's'}`,
        ]
      : 'No policy packs under the policy root.',
  );
  return 0;
}

function validity(r: { valid: boolean; errors: string[] }): string[] {
  return r.valid ? [] : list('Schema errors:', r.errors, '  - ');
}

async function draft(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const result: PolicyPackDraft = await backend.draft(draftFrom(ctx));
  print(ctx, result, () => [
    ...fields([
      ['policy', result.summary.policy_id],
      ['version', result.summary.version],
      ['inherits', result.summary.inherits],
      ['mode', result.summary.mode],
      ['valid', result.valid ? 'yes' : 'no'],
      ['rules', countsLine(result.summary)],
    ]),
    ...validity(result),
    ...list('Notes:', result.operator_notes, '  - '),
  ]);
  return result.valid ? 0 : 1;
}

export function planLines(plan: PublishPlan): string[] {
  const diff = [
    ...plan.diff.added.map((p) => `  + ${p}`),
    ...plan.diff.removed.map((p) => `  - ${p}`),
    ...plan.diff.changed.map((p) => `  ~ ${p}`),
  ];
  return [
    ...fields([
      ['operation', `${plan.operation} ${plan.policy_id}`],
      ['risk', plan.risk],
      ['approval', plan.approval_required ? 'required' : 'not required'],
      ['digest', plan.policy_digest],
      ['target', plan.target_path],
      ['valid', plan.valid ? 'yes' : 'no'],
    ]),
    ...validity(plan),
    ...(plan.operation === 'create' ? ['Diff: new pack'] : diff.length ? ['Diff:', ...diff] : ['Diff: no changes']),
    // Beside CAVRA's paths, what changes in them: the entries an approver actually approves.
    ...(plan.entries ? ['Entries:', ...entryDiffLines(plan.entries).map((l) => `  ${l}`)] : []),
    ...(plan.entries_unavailable ? [`Entries: unavailable (${plan.entries_unavailable})`] : []),
    ...(plan.reach ? reachLines(plan.reach) : []),
    ...list('Notes:', plan.operator_notes, '  - '),
  ];
}

async function plan(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx);
  const result = await backend.publishPlan(draftFrom(ctx));
  print(ctx, result, () => planLines(result));
  return result.valid ? 0 : 1;
}

async function request(ctx: CommandContext): Promise<number> {
  const { backend, kind } = await openBackend(ctx);
  const draft = draftFrom(ctx);
  const impact = await impactSummaryFromFlag(ctx, backend, kind, draft);
  const result = await backend.publishRequest({
    ...draft,
    impact,
    ...credentialsFrom(ctx),
    requested_by: ctx.opts.str('--requested-by'),
    approver_group: ctx.opts.str('--approver-group'),
    repository: ctx.opts.str('--repository'),
    ttl_hours: ctx.opts.int('--ttl-hours'),
  });
  const a = result.approval;
  print(ctx, result, () => [
    `Requested approval ${a.approval_id} to ${result.plan.operation} ${result.plan.policy_id}`,
    ...fields([
      ['state', a.state],
      ['approver group', a.approver_group],
      ['requested by', a.requested_by],
      ['expires', a.expires_at],
      ['risk', result.plan.risk],
      ['digest', result.plan.policy_digest],
      ['reach', result.plan.reach ? reachSummary(result.plan.reach) : undefined],
    ]).map((l) => `  ${l}`),
    ...(impact ? ['', ...impactSummaryLines(impact).map((l) => `  ${l}`)] : []),
    '',
    'The approval is bound to this digest: publishing a different draft with it is refused.',
    `Next: cavra-policy approval approve ${a.approval_id} --actor NAME --reason TEXT`,
  ]);
  return 0;
}

async function publish(ctx: CommandContext): Promise<number> {
  const signing = signingFromFlags(ctx);
  const { backend, kind } = await openBackend(ctx);
  if (kind === 'remote' && (signing.privateKeyPem || signing.external || ctx.opts.has('--key'))) {
    ctx.err('cavra-policy: note: a CAVRA server signs with its own key; --private-key, --external-signer and --key are not sent');
  }
  let result: PublishResult;
  try {
    result = await backend.publish({
      ...draftFrom(ctx),
      ...credentialsFrom(ctx),
      approval_id: ctx.opts.str('--approval')!,
      signer: ctx.opts.str('--signer'),
      actor: ctx.opts.str('--actor'),
      signing:
        kind === 'local'
          ? {
              private_key_pem: signing.privateKeyPem,
              key_id: signing.keyId,
              hmac_key: signing.hmacKey,
              external_signer: signing.external && {
                command: signing.external.command,
                public_key_pem: signing.external.publicKeyPem,
                cwd: ctx.cwd,
              },
              allow_weaker_signature: ctx.opts.bool('--allow-weaker-signature'),
            }
          : undefined,
    });
  } catch (e) {
    // The backend refuses to weaken a pack's Ed25519 signature; name the CLI's way to do it on purpose.
    if (e instanceof BackendError && e.status === 409 && kind === 'local')
      throw new BackendError(409, `${e.detail} (--allow-weaker-signature)`);
    throw e;
  }
  // What was written, from the signature file itself (locally): the algorithm, signer and key_id.
  const written = kind === 'local' ? readSignature(result.signature_path) : undefined;
  print(ctx, result, () => [
    `Published ${result.policy_id} (${result.policy_digest})`,
    ...fields([
      ['policy', result.policy_path],
      ['signature', result.signature_path],
      ['verified', `${result.signature_verified ? 'yes' : 'NO'}: ${result.signature_message}`],
      ['signer', written?.signer],
      [
        'key_id',
        typeof written?.key_id === 'string'
          ? keyIdSource(written.key_id, signing.keyId, ctx.opts.str('--private-key'))
          : undefined,
      ],
      [
        'approval',
        `${result.approval.approval_id} (${result.approval.state}${result.approval.decided_by ? ` by ${result.approval.decided_by}` : ''})`,
      ],
      ['published by', recordedActorLine(ctx, result.published_by).replace(/^Recorded actor: /, '')],
      ['published at', result.published_at],
    ]).map((l) => `  ${l}`),
    ...(kind === 'local' ? strengthNote(String(written?.algorithm ?? '')) : []),
  ]);
  return result.signature_verified ? 0 : 1;
}

function readSignature(path: string): { algorithm?: unknown; signer?: unknown; key_id?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { algorithm?: unknown; signer?: unknown; key_id?: unknown };
  } catch {
    return undefined;
  }
}

const draftFile = (command: string) => ({
  names: ['<file>'],
  min: 1,
  max: 1,
  missing: `${command} needs a policy draft file (YAML or JSON)`,
  extra: `${command} takes one draft file`,
});

const REQUEST_FLAGS: FlagSpec[] = [
  {
    name: '--requested-by',
    kind: 'string',
    value: 'NAME',
    help: 'Who asks (default: policy-authoring-console; a verified actor wins)',
  },
  { name: '--approver-group', kind: 'string', value: 'GROUP', help: 'Who must approve (default: Platform Security)' },
  { name: '--repository', kind: 'string', value: 'REPO', help: 'Repository recorded in the decision (default: policy-catalog)' },
  {
    name: '--ttl-hours',
    kind: 'int',
    value: 'HOURS',
    min: 1,
    help: 'Hours until the approval expires (default: 24; at least 1)',
  },
];

/** Reading packs: the policy root locally, or a CAVRA server. */
const READ_PACKS: CommonOption[] = ['--root', '--policy-dir', ...REMOTE_OPTIONS];
/** Requesting and publishing: also the approval store and verified actors. */
const WRITE_PACKS: CommonOption[] = ['--root', '--policy-dir', '--store', ...ACTOR_OPTIONS, ...REMOTE_OPTIONS];

export const publishCommands: CommandDef[] = [
  {
    name: 'catalog',
    synopsis: '',
    summary: 'List the policy packs under the policy root with their rule counts.',
    positionals: { names: [], min: 0, max: 0, missing: '' },
    flags: [],
    common: READ_PACKS,
    run: catalog,
  },
  {
    name: 'draft',
    synopsis: '<file>',
    summary: 'Preview a draft as CAVRA normalizes it: validity, schema errors, rule counts. Writes nothing.',
    details: 'Exit 1 when the draft is not valid.',
    positionals: draftFile('draft'),
    flags: [MAX_FILE_SIZE_FLAG],
    common: READ_PACKS,
    run: draft,
  },
  {
    name: 'plan',
    synopsis: '<file>',
    summary:
      'Publish plan for a draft: create or update, risk, digest, diff against the published pack, and the packs inheriting it whose effective policy changes (local backend).',
    details: 'Exit 1 when the draft is not valid.',
    positionals: draftFile('plan'),
    flags: [MAX_FILE_SIZE_FLAG],
    common: READ_PACKS,
    run: plan,
  },
  {
    name: 'request',
    synopsis: '<file> [--requested-by NAME] [--approver-group GROUP] [--ttl-hours HOURS] [--decisions FILE]',
    summary: "Request approval to publish a draft; the approval is bound to the draft's digest.",
    details:
      'With --decisions FILE (local backend), the draft is replayed against that decision log as impact does,\n' +
      'and the summary (transitions, first changed decisions with their cause, the log and its SHA-256) is\n' +
      "kept on the approval (impact_summary) and in the request's evidence record, then in the publish's.",
    positionals: draftFile('request'),
    flags: [...REQUEST_FLAGS, DECISIONS_FLAG, MAX_FILE_SIZE_FLAG, actorTokenFlag],
    common: WRITE_PACKS,
    run: request,
  },
  {
    name: 'publish',
    synopsis:
      '<file> --approval ID [--private-key PEM | --external-signer CMD --public-key PEM] [--key-id ID] [--signer NAME] [--key HMAC]',
    summary: "Publish an approved draft: write policies/<id>/policy.yaml and its signature, after all of CAVRA's checks.",
    details:
      'The approval must be approved (or break-glass), unexpired, and for this exact draft digest.\n' +
      'Locally the pair is signed with Ed25519 (--private-key, or --external-signer: see sign --help), HS256 (--key or $CAVRA_POLICY_SIGNING_KEY), else the\n' +
      'digest-only SHA256 form, which only detects accidental changes. The key_id written is --key-id, else the signer\n' +
      "(CAVRA's rule); the output says which. A pack signed with Ed25519 is not re-signed with a weaker form\n" +
      'unless --allow-weaker-signature is given.',
    positionals: draftFile('publish'),
    flags: [
      { name: '--approval', kind: 'string', value: 'ID', required: true, help: 'The approved publish request (apr_…)' },
      PRIVATE_KEY_FLAG,
      KEY_ID_FLAG,
      {
        name: '--signer',
        kind: 'string',
        value: 'NAME',
        help: 'signer in the signature (default: the verified actor, else policy-authoring-api)',
      },
      HMAC_KEY_FLAG,
      EXTERNAL_SIGNER_FLAG,
      SIGNER_PUBLIC_KEY_FLAG,
      {
        name: '--allow-weaker-signature',
        kind: 'bool',
        help: "Replace the pack's Ed25519 signature with HS256 or SHA256 on purpose (refused without it)",
      },
      {
        name: '--actor',
        kind: 'string',
        value: 'NAME',
        help: 'published_by when no verified actor (default: policy-authoring-api)',
      },
      MAX_FILE_SIZE_FLAG,
      actorTokenFlag,
    ],
    common: WRITE_PACKS,
    run: publish,
  },
];
