// impact: what a draft (or a rollout's mode change) would do to the agents' recorded work. The log is
// streamed from disk (a week of decisions is large) by backend/impactReplay.ts; the counting is policy/impact.ts.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BackendError } from '../backend/backend';
import type { Backend } from '../backend/backend';
import { impactDraft, impactSummaryOfLog, replayDecisionLog, rolloutReplay, type ImpactDraft } from '../backend/impactReplay';
import type { DecisionLogSummary } from '../policy/decisionLog';
import type { GroupCounts, ImpactReport } from '../policy/impact';
import { impactCauseText, type ImpactSummary } from '../policy/impactSummary';
import { isPolicyMode, POLICY_MODES, type PolicyMode } from '../policy/policyModes';
import { InputError, UsageError } from './args';
import { openBackend } from './backendFactory';
import type { CommandContext, CommandDef } from './command';
import type { FlagSpec } from './args';
import { cannotRead, MAX_FILE_SIZE_FLAG, readPolicyText } from './input';
import { print, table } from './output';

/** How many changed decisions and disagreements the human output lists (--json lists all). */
const DEFAULT_LIMIT = 20;

/** FROM:TO, each a runtime mode (SPEC 2.5). */
export function parseRolloutModes(value: string): { from: PolicyMode; to: PolicyMode } {
  const [from, to, ...rest] = value.split(':');
  const bad = [from, to].filter((m) => m === undefined || !isPolicyMode(m));
  if (rest.length || to === undefined || bad.length) {
    throw new UsageError(
      `--rollout-mode takes FROM:TO, two of ${POLICY_MODES.join(', ')} (e.g. audit_only:enforce), got ${JSON.stringify(value)}`,
    );
  }
  return { from: from as PolicyMode, to: to as PolicyMode };
}

const n = (v: number) => v.toLocaleString('en-US');

function groupRows(groups: Record<string, GroupCounts>, limit: number): string[][] {
  return Object.entries(groups)
    .sort(([a, x], [b, y]) => y.changed - x.changed || y.replayed - x.replayed || a.localeCompare(b))
    .slice(0, limit)
    .map(([key, g]) => [
      key,
      n(g.replayed),
      n(g.changed),
      Object.entries(g.transitions)
        .sort((a, b) => b[1] - a[1])
        .map(([t, k]) => `${t} ${n(k)}`)
        .join(', ') || '-',
    ]);
}

function logLines(file: string, log: DecisionLogSummary): string[] {
  const p = log.problems;
  const left = p.malformed + p.wrong_shape + p.unsupported;
  const span = log.first_timestamp ? `, ${log.first_timestamp} .. ${log.last_timestamp}` : '';
  const lines = [`Log ${file}: ${n(log.records)} decision records (${log.format.replace('_', ' ')}${span})`];
  if (left) {
    lines.push(
      `  left out: ${n(p.malformed)} malformed, ${n(p.wrong_shape)} not decision records, ${n(p.unsupported)} unsupported` +
        (left > log.listed.length ? ` (first ${log.listed.length} listed; --json lists the same)` : ''),
      ...log.listed.map((x) => `    ${x.message}`),
    );
  }
  if (log.stopped) lines.push(`  reading stopped: ${log.stopped}`);
  return lines;
}

export function reportLines(target: string, logFile: string, log: DecisionLogSummary, r: ImpactReport, limit: number): string[] {
  const mode =
    r.mode_from === null
      ? ''
      : r.mode_from === r.mode_to
        ? ` under mode ${r.mode_from}`
        : `, mode ${r.mode_from} -> ${r.mode_to}`;
  const lines = [`Impact of ${target}${mode}`, ...logLines(logFile, log)];
  const skipped = Object.entries(r.skipped);
  lines.push(
    `Replayed ${n(r.replayed)}; ${n(r.changed)} change decision${r.changed === 1 ? '' : 's'}${r.rule_changed ? `, ${n(r.rule_changed)} keep the decision under another rule` : ''}`,
  );
  if (skipped.length) lines.push('Not replayed:', ...skipped.map(([why, k]) => `  ${n(k)}  ${why}`));
  if (r.transitions.length) {
    lines.push(
      '',
      'Transitions:',
      ...table(
        ['', 'COUNT'],
        r.transitions.map((t) => [t.changed ? t.transition : `${t.transition} (unchanged)`, n(t.count)]),
      )
        .slice(1)
        .map((l) => `  ${l}`),
    );
    const sections: [string, Record<string, GroupCounts>][] = [
      ['action type', r.by_action_type],
      ['repository', r.by_repository],
      ['agent', r.by_agent],
    ];
    for (const [title, groups] of sections) {
      const total = Object.keys(groups).length;
      lines.push(
        '',
        `By ${title}${total > limit ? ` (${limit} of ${total})` : ''}:`,
        ...table([title.toUpperCase(), 'REPLAYED', 'CHANGED', 'TRANSITIONS'], groupRows(groups, limit)).map((l) => `  ${l}`),
      );
    }
  }
  if (r.changes.length) {
    lines.push(
      '',
      `Changed decisions${r.changes.length > limit ? ` (first ${limit} of ${n(r.changes.length)}; --json lists all)` : ''}:`,
    );
    for (const c of r.changes.slice(0, limit)) {
      lines.push(
        `  line ${c.line}  ${c.action_type} ${JSON.stringify(c.target)}  ${c.transition}  (${c.published.rule_id} -> ${c.draft.rule_id})`,
        `    because ${impactCauseText(c.cause)}`,
      );
    }
  }
  const a = r.agreement;
  lines.push(
    '',
    `Agreement with the recorded decisions (the published packs): ${n(a.agreed)} of ${n(a.compared)} agree on decision and rule id`,
  );
  if (a.disagreed) {
    lines.push(
      `  ${n(a.disagreed)} differ (a pack changed since they were recorded, or another evaluator recorded them)${a.disagreed > limit ? `; first ${limit}` : ''}:`,
    );
    for (const d of a.disagreements.slice(0, limit)) {
      const what = Object.entries(d.fields).map(([f, [rec, now]]) => `${f} recorded ${rec ?? 'null'}, replayed ${now ?? 'null'}`);
      lines.push(`    line ${d.line}  ${d.action_type} ${JSON.stringify(d.target)} (${d.policy_pack}): ${what.join('; ')}`);
    }
  }
  return lines;
}

async function impact(ctx: CommandContext): Promise<number> {
  const draftFile = ctx.opts.positionals[0];
  const logFile = ctx.opts.str('--decisions')!;
  const policyMode = ctx.opts.str('--policy-mode') as PolicyMode | undefined;
  const rolloutFlag = ctx.opts.str('--rollout-mode');
  if (policyMode !== undefined && rolloutFlag !== undefined) {
    throw new UsageError('give --policy-mode (one mode on both sides) or --rollout-mode FROM:TO (a mode change), not both');
  }
  const rollout = rolloutFlag !== undefined ? parseRolloutModes(rolloutFlag) : undefined;
  if (draftFile === undefined && !rollout) {
    throw new UsageError('impact needs a draft policy file, or --rollout-mode FROM:TO to replay a mode change alone');
  }
  const modes = rollout ?? (policyMode ? { from: policyMode, to: policyMode } : undefined);

  let draft: ImpactDraft | undefined;
  if (draftFile !== undefined) {
    const text = readPolicyText(draftFile, ctx.cwd, ctx.opts.int('--max-file-size-mb'));
    try {
      draft = impactDraft(text, draftFile);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }
  const logPath = decisionLogPath(ctx, logFile);
  const { backend } = await openBackend(ctx, 'impact');
  let result;
  try {
    result = await replayDecisionLog(backend, { logPath, draft, modes, displayRoot: ctx.cwd });
  } catch (e) {
    if (e instanceof BackendError) throw e;
    if ((e as NodeJS.ErrnoException).code) throw cannotRead(logFile, e);
    throw e;
  }
  const { summary, report } = result;
  const limit = ctx.opts.int('--limit') ?? DEFAULT_LIMIT;
  const target = draft ? `${draft.file} (${draft.packId})` : 'the published packs';
  print(ctx, { log: { file: logFile, ...summary }, ...report }, () => reportLines(target, logFile, summary, report, limit));
  // Nothing replayed means nothing was measured: a reviewer must not read an empty report as "no impact".
  if (report.replayed === 0) {
    ctx.err(`cavra-policy: nothing in ${logFile} could be replayed: no impact was measured`);
    return 1;
  }
  return 0;
}

/** `--decisions FILE` on `publish request` and `attest`: the impact summary that travels with them. */
export const DECISIONS_FLAG: FlagSpec = {
  name: '--decisions',
  kind: 'string',
  value: 'FILE',
  help: 'A decision log: its replay (as impact does) is kept with the request and its evidence',
};

/** The log of --decisions, checked readable (exit 2 otherwise): its absolute path. */
export function decisionLogPath(ctx: CommandContext, logFile: string): string {
  const logPath = resolve(ctx.cwd, logFile);
  try {
    if (statSync(logPath).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
  } catch (e) {
    throw cannotRead(logFile, e);
  }
  return logPath;
}

/**
 * The impact summary of `--decisions` for a draft (policy/impactSummary.ts), or undefined without the flag.
 * Local backend only: a CAVRA server keeps no impact with a request (usage error, exit 2).
 */
export async function impactSummaryFromFlag(
  ctx: CommandContext,
  backend: Backend,
  kind: 'local' | 'remote',
  draft: { draft_yaml?: string; draft_file?: string },
): Promise<ImpactSummary | undefined> {
  const logFile = ctx.opts.str('--decisions');
  if (logFile === undefined) return undefined;
  if (kind !== 'local') throw new UsageError('--decisions is kept by the local backend only: a CAVRA server stores no impact');
  const logPath = decisionLogPath(ctx, logFile);
  let parsed: ImpactDraft;
  try {
    parsed = impactDraft(draft.draft_yaml ?? '', ctx.opts.positionals[0] ?? draft.draft_file ?? 'draft');
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  try {
    return await impactSummaryOfLog(backend, { logPath, logName: logFile, draft: parsed, displayRoot: ctx.cwd });
  } catch (e) {
    if (e instanceof BackendError) throw e;
    if ((e as NodeJS.ErrnoException).code) throw cannotRead(logFile, e);
    throw e;
  }
}

/**
 * `rollout plan --decisions FILE`: the plan's mode change replayed over its pack and repository's recorded
 * decisions (backend/impactReplay.ts `rolloutReplay`). Undefined without the flag, or when the mode stays.
 */
export async function rolloutImpactFromFlag(
  ctx: CommandContext,
  backend: Backend,
  plan: { before: { mode: string } | null; after: { mode: string; policy_pack: string; repository: string } },
): Promise<{ json: Record<string, unknown>; lines: string[] } | undefined> {
  const logFile = ctx.opts.str('--decisions');
  if (logFile === undefined) return undefined;
  const logPath = decisionLogPath(ctx, logFile);
  let replay;
  try {
    replay = rolloutReplay(plan);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  let result;
  try {
    result = await replayDecisionLog(backend, { logPath, modes: replay.modes, scope: replay.scope, displayRoot: ctx.cwd });
  } catch (e) {
    if (e instanceof BackendError) throw e;
    if ((e as NodeJS.ErrnoException).code) throw cannotRead(logFile, e);
    throw e;
  }
  const { summary, report, out_of_scope, log_sha256 } = result;
  const scope = `${replay.scope.policy_pack} in ${replay.scope.repository}`;
  const limit = ctx.opts.int('--limit') ?? DEFAULT_LIMIT;
  return {
    json: { log: { file: logFile, sha256: log_sha256, ...summary }, scope: replay.scope, out_of_scope, ...report },
    lines: [
      ...reportLines(`the rollout of ${scope}`, logFile, summary, report, limit),
      `(${n(out_of_scope)} recorded decisions of other packs or repositories are not part of this rollout)`,
    ],
  };
}

export const impactCommands: CommandDef[] = [
  {
    name: 'impact',
    synopsis: '[DRAFT] --decisions FILE [--policy-mode MODE | --rollout-mode FROM:TO]',
    summary:
      'Replay recorded CAVRA decisions against the published packs and against DRAFT (or a mode change): what would change.',
    details:
      'FILE holds CAVRA decision records (POST /decisions, or cavra evaluate --json before policy modes) as a JSON\n' +
      'array, JSON Lines or pretty-printed records one after another. Each is judged again with its pack merged\n' +
      "with its inherits chain, once as published and once with DRAFT published in its pack's place (packs that\n" +
      'inherit it change too). Output: counts per transition (allow → block, ...), per action type, repository and\n' +
      'agent; the changed decisions, each with the list entry (file:line) or setting that changes it; and how\n' +
      'many recorded decisions the published packs reproduce (decision and rule id). Malformed lines are counted\n' +
      "and named by line, never fatal; the newest CAVRA CLI's policy-mode summaries are named as unsupported.\n" +
      'A rollout change: --rollout-mode FROM:TO replays the published packs (or DRAFT) under mode TO against\n' +
      'the published packs under FROM, e.g. audit_only:enforce. break_glass is replayed without an actor or a\n' +
      'reason (records carry none), so it blocks every action. Exits 1 when no record could be replayed.',
    positionals: { names: ['[DRAFT]'], min: 0, max: 1, missing: '', extra: 'impact takes one draft file' },
    flags: [
      { name: '--decisions', kind: 'string', value: 'FILE', required: true, help: 'The decision log (JSON array or JSON Lines)' },
      {
        name: '--policy-mode',
        kind: 'choice',
        value: 'MODE',
        choices: POLICY_MODES,
        help: 'Apply one runtime mode on both sides (as evaluate --policy-mode does)',
      },
      {
        name: '--rollout-mode',
        kind: 'string',
        value: 'FROM:TO',
        help: 'A mode change: FROM on the published side, TO on the new side',
      },
      {
        name: '--limit',
        kind: 'int',
        value: 'N',
        min: 1,
        help: `Changed decisions and rows listed per section (default: ${DEFAULT_LIMIT}; --json lists all)`,
      },
      MAX_FILE_SIZE_FLAG,
    ],
    common: ['--root', '--policy-dir', '--backend'],
    run: impact,
  },
];
