// `cavra/impact`: the draft in the editor replayed against the decision log of `cavra.impact.decisionLog`,
// for the publish plan's "Impact on recorded activity". The replay is the CLI's (backend/impactReplay.ts);
// only the lists are cut for the webview (the counts stay whole).
import { relative } from 'node:path';
import { impactDraft, impactSummaryOfLog, replayDecisionLog, rolloutReplay } from '../backend/impactReplay';
import type { ImpactSummary } from '../policy/impactSummary';
import { isPolicyMode } from '../policy/policyModes';
import {
  IMPACT_LIST_LIMIT,
  type ImpactParams,
  type ImpactResult,
  type RolloutImpactParams,
  type RolloutImpactResult,
} from '../protocol';
import type { ImpactReport } from '../policy/impact';
import type { WorkflowEnvironment } from './workflowEnvironment';
import { inWorkspace } from './workspaceSettings';

export class ImpactRequestError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export async function impactOfDraft(
  e: Pick<WorkflowEnvironment, 'folder' | 'settings' | 'backend'>,
  draft: { draft_yaml: string; draft_file: string },
  params: ImpactParams,
): Promise<ImpactResult> {
  const setting = e.settings.impactDecisionLog;
  if (!setting) return { decision_log: null };
  const mode = params.policy_mode;
  if (mode !== undefined && !isPolicyMode(mode)) {
    throw new ImpactRequestError(
      400,
      `policy_mode ${JSON.stringify(mode)} is not one of audit_only, enforce, strict, break_glass`,
    );
  }
  let parsed;
  try {
    // Shown as the editor shows it: relative to the workspace folder.
    parsed = impactDraft(draft.draft_yaml, relative(e.folder, draft.draft_file) || draft.draft_file);
  } catch (err) {
    throw new ImpactRequestError(400, (err as Error).message);
  }
  try {
    const { summary, report } = await replayDecisionLog(e.backend, {
      logPath: inWorkspace(e.folder, setting),
      draft: parsed,
      modes: mode ? { from: mode, to: mode } : undefined,
      displayRoot: e.folder,
    });
    return { decision_log: setting, summary, report: cutForEditor(report) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new ImpactRequestError(404, `cannot read the decision log ${setting} (setting cavra.impact.decisionLog): ${code}`);
  }
}

/**
 * The impact summary a publish request carries (policy/impactSummary.ts), when `cavra.impact.decisionLog`
 * is set and the backend is local (a CAVRA server keeps no such field). A set log that cannot be read
 * refuses the request: an approver must not read a missing impact as "no impact".
 */
export async function impactForPublishRequest(
  e: Pick<WorkflowEnvironment, 'folder' | 'settings' | 'backend'>,
  draft: { draft_yaml: string; draft_file: string },
): Promise<ImpactSummary | undefined> {
  const setting = e.settings.impactDecisionLog;
  if (!setting || e.settings.backend !== 'local') return undefined;
  let parsed;
  try {
    parsed = impactDraft(draft.draft_yaml, relative(e.folder, draft.draft_file) || draft.draft_file);
  } catch {
    // A draft without metadata.id is refused by the publish request itself, with CAVRA's words.
    return undefined;
  }
  try {
    return await impactSummaryOfLog(e.backend, {
      logPath: inWorkspace(e.folder, setting),
      logName: setting,
      draft: parsed,
      displayRoot: e.folder,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new ImpactRequestError(
      404,
      `cannot read the decision log ${setting} (setting cavra.impact.decisionLog) for the request's impact: ${code}; fix the setting or clear it`,
    );
  }
}

/** The lists cut for the webview (the counts stay whole). */
function cutForEditor(report: ImpactReport): ImpactReport {
  return {
    ...report,
    changes: report.changes.slice(0, IMPACT_LIST_LIMIT),
    agreement: { ...report.agreement, disagreements: report.agreement.disagreements.slice(0, IMPACT_LIST_LIMIT) },
  };
}

/**
 * `cavra/rollouts/impact`: the rollout plan's "Impact on recorded activity": its mode change replayed over
 * the recorded decisions of its pack and repository (the CLI's `rollout plan --decisions`).
 */
export async function impactOfRollout(
  e: Pick<WorkflowEnvironment, 'folder' | 'settings' | 'backend'>,
  params: RolloutImpactParams,
): Promise<RolloutImpactResult> {
  const setting = e.settings.impactDecisionLog;
  if (!setting) return { decision_log: null };
  let replay;
  try {
    replay = rolloutReplay({
      before: params.mode_from === null || params.mode_from === undefined ? null : { mode: params.mode_from },
      after: { mode: params.mode_to, policy_pack: params.policy_pack, repository: params.repository },
    });
  } catch (err) {
    throw new ImpactRequestError(400, (err as Error).message);
  }
  try {
    const r = await replayDecisionLog(e.backend, {
      logPath: inWorkspace(e.folder, setting),
      modes: replay.modes,
      scope: replay.scope,
      displayRoot: e.folder,
    });
    return { decision_log: setting, summary: r.summary, report: cutForEditor(r.report), out_of_scope: r.out_of_scope };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new ImpactRequestError(404, `cannot read the decision log ${setting} (setting cavra.impact.decisionLog): ${code}`);
  }
}
