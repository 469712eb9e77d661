// The workflow requests of the protocol (protocol/workflows.ts), answered through the selected Backend
// (local or remote): one typed handler per request. Transport-free: registerWorkflows.ts puts each on
// the LSP connection and as an executeCommand command; tests call `handle` directly.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SelectedBackend } from '../backend/createBackend';
import { requestRolloutApproval } from '../backend/rolloutApprovalRequest';
import { listFilteredApprovals } from '../backend/approvalPages';
import {
  ACTOR_GUARDED_METHODS,
  MUTATING_METHODS,
  type BackendInfo,
  type ParamsOf,
  type ResultOf,
  type WorkflowHandlers,
  type WorkflowMethod,
} from '../protocol';
import { actorAuth, explainRefusal, verifyActor } from './actorAuth';
import { approvalChanges } from './approvalChanges';
import { publishSigning } from './publishSigning';
import { movePrivateKey } from './privateKeysInWorkspace';
import { impactForPublishRequest, impactOfDraft, impactOfRollout, ImpactRequestError } from './impact';
import { localApprovalStorePath } from './approvalStorePath';
import { exportBundle } from './evidenceBundleExport';
import { packHistory } from './packHistory';
import { errorData, WorkflowError, type WorkflowEnvironment } from './workflowEnvironment';

export type { SelectedBackend };

function fileOf(uri: string): string {
  if (!uri.startsWith('file:')) throw new WorkflowError(400, `${uri} is not a file in the workspace`);
  return fileURLToPath(uri);
}

export class WorkflowService {
  /** Who a remote server says we are, asked once per backend instance (GET /console/session). */
  private session: { backend: SelectedBackend; actor: Promise<string | null> } | undefined;

  /** `env`: the environment of the folder a request names (`folder`), else of the one holding its file (`uri`). */
  constructor(private env: (target: { folder?: string; uri?: string }) => WorkflowEnvironment) {}

  private remoteActor(e: WorkflowEnvironment): Promise<string | null> {
    const b = e.backend as SelectedBackend & { session?: () => Promise<{ actor?: { actor?: string } | null }> };
    if (e.settings.backend !== 'remote' || typeof b.session !== 'function' || !e.settings.trusted) return Promise.resolve(null);
    if (this.session?.backend !== b) {
      const actor = b.session().then(
        (s) => s?.actor?.actor ?? null,
        () => null,
      );
      this.session = { backend: b, actor };
    }
    return this.session.actor;
  }

  private draftText(e: WorkflowEnvironment, uri: string): { draft_yaml: string; draft_file: string } {
    const file = fileOf(uri);
    // The editor does not analyse a file above cavra.maxFileSizeMb; neither is it parsed for a plan or
    // a publish (50 MB of YAML would hold the server for tens of seconds and gigabytes).
    const limit = e.settings.maxFileSizeMb * 1024 * 1024;
    const tooLarge = (bytes: number) =>
      new WorkflowError(
        413,
        `${file} is ${(bytes / 1048576).toFixed(1)} MB, above the ${e.settings.maxFileSizeMb} MB limit (setting cavra.maxFileSizeMb): it was not read as a draft`,
      );
    const open = e.openText(uri);
    if (open !== undefined) {
      if (open.length > limit || Buffer.byteLength(open, 'utf8') > limit) throw tooLarge(Buffer.byteLength(open, 'utf8'));
      return { draft_yaml: open, draft_file: file };
    }
    try {
      const size = statSync(file).size;
      if (size > limit) throw tooLarge(size);
      return { draft_yaml: readFileSync(file, 'utf8'), draft_file: file };
    } catch (err) {
      if (err instanceof WorkflowError) throw err;
      throw new WorkflowError(404, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  private async info(e: WorkflowEnvironment): Promise<BackendInfo> {
    return {
      kind: e.settings.backend,
      location: e.settings.backend === 'remote' ? e.settings.remoteUrl : e.folder,
      actor: await this.remoteActor(e),
      restricted: e.settings.trusted
        ? null
        : 'Restricted Mode: publishing, signing, approvals, rollout changes and remote calls are disabled until the workspace is trusted.',
      ...(e.settings.backend === 'local' ? { approval_store: localApprovalStorePath(e.settings, e.folder) } : {}),
    };
  }

  /** Answers one request; the restricted-mode refusal is checked here, for every method alike. */
  async handle<M extends WorkflowMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    // The folder picks the environment; the backend never sees it (a CAVRA server would reject the field).
    const { folder, ...own } = (params ?? {}) as ParamsOf<M> & { folder?: string; uri?: unknown };
    const e = this.env({ folder, uri: typeof own.uri === 'string' ? own.uri : undefined });
    if (!e.settings.trusted && (MUTATING_METHODS.has(method) || (e.settings.backend === 'remote' && method !== 'backendInfo'))) {
      throw new WorkflowError(
        403,
        `${method} is disabled in Restricted Mode: trust this workspace to publish, sign, record approvals or call a remote CAVRA server.`,
      );
    }
    const handler: WorkflowHandlers[M] = this.handlers(e)[method];
    if (!ACTOR_GUARDED_METHODS.has(method)) return handler(own as ParamsOf<M>);
    try {
      return await handler(own as ParamsOf<M>);
    } catch (err) {
      throw await this.explained(e, err, own as { approval_id?: unknown });
    }
  }

  /** A guarded mutation refused for its actor, with the reason and the fix; any other failure unchanged. */
  private async explained(e: WorkflowEnvironment, err: unknown, params: { approval_id?: unknown }): Promise<unknown> {
    const { status, detail } = errorData(err);
    if (!explainRefusal(e.settings, e.folder, status, detail)) return err;
    const group =
      typeof params.approval_id === 'string'
        ? await e.backend.getApproval(params.approval_id).then(
            (a) => a.approver_group,
            () => undefined,
          )
        : undefined;
    return new WorkflowError(status, detail, explainRefusal(e.settings, e.folder, status, detail, group) ?? undefined);
  }

  /** The publish request's impact on recorded activity (workflows/impact.ts), its refusal as a WorkflowError. */
  private async impactOrError(e: WorkflowEnvironment, draft: { draft_yaml: string; draft_file: string }) {
    try {
      return await impactForPublishRequest(e, draft);
    } catch (err) {
      if (err instanceof ImpactRequestError) throw new WorkflowError(err.status, err.detail);
      throw err;
    }
  }

  private handlers(e: WorkflowEnvironment): WorkflowHandlers {
    const b = e.backend;
    return {
      backendInfo: () => this.info(e),
      catalog: () => b.catalog(),
      packState: async (p) => {
        const file = fileOf(p.uri);
        const id = file.split(/[\\/]/).slice(-2, -1)[0] ?? '';
        // A published file is checked as the editor shows it; any other file of the pack (a draft)
        // shows the state of the pack's published policy.yaml.
        if (!file.endsWith('policy.yaml')) return b.packState({ policy_id: id });
        return b.packState({ policy_id: id, policy_path: file, text: e.openText(p.uri) });
      },
      publishedPack: (p) => b.publishedPack(String(p.policy_id ?? '')),
      draftPreview: async (p) => b.draft(this.draftText(e, p.uri)),
      publishPlan: async (p) => b.publishPlan(this.draftText(e, p.uri)),
      publishRequest: async (p) => {
        const draft = this.draftText(e, p.uri);
        return b.publishRequest({
          ...draft,
          requested_by: p.requested_by,
          approver_group: p.approver_group,
          ttl_hours: p.ttl_hours,
          actor_token: p.actor_token,
          impact: await this.impactOrError(e, draft),
        });
      },
      publish: async (p) =>
        b.publish({
          ...this.draftText(e, p.uri),
          approval_id: p.approval_id,
          signer: p.signer,
          actor: p.signer,
          signing: publishSigning(e.settings, e.folder, p),
          actor_token: p.actor_token,
        }),
      listApprovals: (q) => b.listApprovals(q ?? {}),
      findApprovals: (q) => listFilteredApprovals(b, q ?? {}),
      getApproval: (p) => b.getApproval(p.approval_id),
      approvalChanges: async (p) =>
        approvalChanges({ ...e, draftOf: (uri) => this.draftText(e, uri) }, await b.getApproval(p.approval_id), p.uri),
      createApproval: (p) => b.createApproval(p),
      approve: ({ approval_id, ...request }) => b.approve(approval_id, request),
      deny: ({ approval_id, ...request }) => b.deny(approval_id, request),
      expire: ({ approval_id, ...request }) => b.expire(approval_id, request),
      expireOverdue: () => b.expireOverdueApprovals(),
      attachDecision: (p) => b.attachDecision(p.approval_id, p.decision),
      breakGlass: (p) => b.breakGlass(p),
      rolloutPlan: (p) => b.rolloutChangePlan(p),
      rolloutApply: (p) => b.rolloutApplyChange(p),
      rolloutRequestApproval: (p) => requestRolloutApproval(b, p),
      listRollouts: (q) => b.listRollouts(q ?? {}),
      evaluate: (p) => b.evaluate(p),
      decisionTests: async (p) => {
        if (!b.runDecisionTests) throw new WorkflowError(400, 'decision tests run against the local workspace backend only');
        return b.runDecisionTests(p ?? {});
      },
      listEvidence: (q) => b.listEvidence(q ?? {}),
      verifyEvidence: async () => {
        if (!b.verifyEvidence) throw new WorkflowError(400, 'the evidence chain is kept by the local workspace backend');
        return b.verifyEvidence();
      },
      exportEvidenceBundle: (p) => exportBundle(e, p),
      packHistory: (p) => packHistory(e, p.policy_id),
      actorAuth: async () => actorAuth(e.settings, e.folder),
      verifyActor: (p) => verifyActor(e.settings, e.folder, p.actor_token),
      movePrivateKey: async (p) => movePrivateKey(e.folder, fileOf(p.uri)),
      impact: async (p) => {
        try {
          return await impactOfDraft(e, this.draftText(e, p.uri), p);
        } catch (err) {
          if (err instanceof ImpactRequestError) throw new WorkflowError(err.status, err.detail);
          throw err;
        }
      },
      rolloutImpact: async (p) => {
        try {
          return await impactOfRollout(e, p);
        } catch (err) {
          if (err instanceof ImpactRequestError) throw new WorkflowError(err.status, err.detail);
          throw err;
        }
      },
    };
  }
}
