// The `Backend` over files in the workspace, compatible with CAVRA's own files so that CAVRA's CLI and
// this extension can share a workspace: packs under the policy root, approvals in CAVRA's approval
// store, rollouts in CAVRA's inventory store, plus this project's hash-chained evidence log.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { canonicalJson } from '../../policy/canonicalJson';
import { policyDigest, shortDigest } from '../../policy/digest';
import { buildPolicyPack, DraftError, type PolicyPack } from '../../policy/draft';
import { evaluateAction } from '../../policy/evaluate';
import { diffPolicies } from '../../policy/policyDiff';
import { loadPolicyValue } from '../../policy/policyYaml';
import { publishOperatorNotes, publishRisk } from '../../policy/publishRisk';
import { isMapping, pyStr, pyTruthy, type PyValue } from '../../policy/pythonValues';
import { buildRolloutChangePlan, normalizeRolloutRecord, RolloutError } from '../../policy/rollout';
import { actorCanDecide } from '../../policy/approvalRouting';
import { policySummary } from '../../policy/summary';
import { publicKeyFromPrivate, serializeSignature, signPolicyBytes, verifyPolicySignature, policyFileDigest } from '../../signing';
import {
  BackendError, PRODUCT, SCHEMA_VERSIONS,
  type ActorContext, type ActorCredentials, type ActorVerifier, type ApprovalCreateRequest, type ApprovalDecisionRequest,
  type ApprovalExpireRequest, type ApprovalList, type ApprovalListQuery, type ApprovalRecord, type Backend,
  type BreakGlassRequest, type Decision, type DecisionTestReport, type DecisionTestRequest, type DecisionWithApproval,
  type DraftInput, type DraftRequest, type EvaluateRequest, type EvidenceList, type EvidenceListQuery, type EvidenceRecord,
  type EvidenceVerifyResult, type PackState, type PackStateRequest, type PolicyPackCatalog, type PublishedPack,
  type PolicyPackDraft, type PolicyRolloutRecord, type PolicySummary, type PublishPlan, type PublishPlanRequest,
  type PublishRequest, type PublishRequestRequest, type PublishRequestResult, type PublishResult,
  type RolloutChangePlan, type RolloutChangeRequest, type RolloutChangeResult, type RolloutList, type RolloutListQuery,
  type WorkspaceOperations,
} from '../backend';
import { EvidenceLog, type EvidenceEntry } from '../evidence';
import { withLock, type LockOptions } from '../store';
import { diskFailure, isDiskError } from '../store/diskError';
import {
  applyApprovalDecision, approvalSummary, attachApprovalToDecision, createApprovalRequest, createBreakGlassApproval, ttlHours,
} from './approvalRecords';
import { ApprovalStore } from './approvalStore';
import { runDecisionTests } from './decisionTests';
import { InventoryStore } from './inventoryStore';
import { packState } from './packState';
import { isSafePackId, PolicyRegistry } from './policyRegistry';
import { POLICY_FILE, recoverPolicyPair, SIGNATURE_FILE, writePolicyPair, type PublishHooks } from './publishPair';
import { pyyamlSafeDump } from './pyyamlDump';
import { pyIsoformat, parseIsoTimestamp, systemClock, systemRandomHex, type Clock, type RandomHex } from './pythonTime';
import { SignatureStates } from './signatureStates';
import { loadRoutingRules } from './routingFile';
import { policySchemaErrors } from './schemaErrors';

export interface LocalBackendOptions {
  /** The workspace folder; relative paths below are resolved against it. */
  root: string;
  /** $CAVRA_POLICY_DIR; default `<root>/policies`. */
  policyDir?: string;
  /** $CAVRA_APPROVAL_STORE; default `<root>/.cavra/approvals.json` (CAVRA CLI's default). */
  approvalStore?: string;
  /** $CAVRA_INVENTORY_STORE; default `<root>/.cavra/api/inventory.json` (CAVRA API's default). */
  inventoryStore?: string;
  /** Default `<root>/.cavra/evidence.jsonl`. */
  evidenceLog?: string;
  /** $CAVRA_APPROVAL_ROUTING_FILE / `--routing-file`; default CAVRA's built-in routing rules. */
  routingFile?: string;
  /** $CAVRA_POLICY_SIGNING_KEY: HMAC key for publish when the request brings no signing key. */
  signingKey?: string;
  /** When OIDC or RBAC is configured (backend/actor), mutations need a verified actor. */
  actorVerifier?: ActorVerifier;
  clock?: Clock;
  randomHex?: RandomHex;
  lock?: LockOptions;
  /** Published policy files larger than this are not parsed (default 5 MB, the editor's cavra.maxFileSizeMb). */
  maxPolicyBytes?: number;
  /** Trusted `*.public.pem` keys for pack state; default `<root>/.cavra/policy-signing` (CAVRA's keygen folder). */
  keyDirectory?: string;
  /** Signature states kept between calls; the editor shares one with its diagnostics and invalidates it. */
  signatureStates?: SignatureStates;
  /** Tests only: observe or break a publish between its steps. */
  publishHooks?: PublishHooks;
}

export interface ResolvedPaths {
  root: string;
  policyDir: string;
  approvalStore: string;
  inventoryStore: string;
  evidenceLog: string;
  keyDirectory: string;
  routingFile?: string;
}

export function resolvePaths(opts: LocalBackendOptions): ResolvedPaths {
  const root = resolve(opts.root);
  const at = (p: string | undefined, fallback: string) => (p ? (isAbsolute(p) ? p : resolve(root, p)) : join(root, fallback));
  return {
    root,
    policyDir: at(opts.policyDir, 'policies'),
    approvalStore: at(opts.approvalStore, '.cavra/approvals.json'),
    inventoryStore: at(opts.inventoryStore, '.cavra/api/inventory.json'),
    evidenceLog: at(opts.evidenceLog, '.cavra/evidence.jsonl'),
    keyDirectory: at(opts.keyDirectory, '.cavra/policy-signing'),
    routingFile: opts.routingFile ? at(opts.routingFile, '') : undefined,
  };
}

const DRAFT_NOTES = [
  'Draft generation is read-only and does not write to the policy directory.',
  'Commit reviewed policy YAML through repository change control before rollout.',
];
const PUBLISH_NOTES = [
  'Published policy was schema-validated, approval-bound by digest, written to policy.yaml, and signed.',
  'Commit the policy file and signature through repository change control.',
];

interface ResolvedDraft {
  payload: PyValue;
  /** The YAML text the draft came from, when it came from one. */
  yamlText?: string;
}

function publicActor(ctx: ActorContext): ActorContext {
  return { actor: ctx.actor, subject: ctx.subject, issuer: ctx.issuer, groups: [...ctx.groups], repository: ctx.repository };
}

export class LocalBackend implements Backend, WorkspaceOperations {
  readonly paths: ResolvedPaths;
  readonly registry: PolicyRegistry;
  readonly approvals: ApprovalStore;
  readonly inventory: InventoryStore;
  readonly evidence: EvidenceLog;
  private readonly clock: Clock;
  private readonly randomHex: RandomHex;
  private readonly signatures: SignatureStates;

  constructor(private readonly options: LocalBackendOptions) {
    this.paths = resolvePaths(options);
    this.clock = options.clock ?? systemClock;
    this.randomHex = options.randomHex ?? systemRandomHex;
    this.registry = new PolicyRegistry(this.paths.policyDir, options.lock, options.maxPolicyBytes);
    this.approvals = new ApprovalStore(this.paths.approvalStore, options.lock);
    this.inventory = new InventoryStore(this.paths.inventoryStore, options.lock);
    this.evidence = new EvidenceLog(this.paths.evidenceLog, { now: () => this.now(), lock: options.lock });
    this.signatures = options.signatureStates ?? new SignatureStates();
  }

  private now(): string {
    return pyIsoformat(this.clock());
  }

  private get records() {
    return { clock: this.clock, randomHex: this.randomHex };
  }

  // ---- actor -----------------------------------------------------------------------------------

  /** The verified actor of a mutation, or null; CAVRA's 401 when one is required and missing. */
  private async actor(credentials: ActorCredentials): Promise<ActorContext | null> {
    const verifier = this.options.actorVerifier;
    // Without a verifier, presented claims are ignored: unverified claims are never trusted.
    if (!verifier) return null;
    let ctx: ActorContext | null;
    try {
      ctx = await verifier.verify({
        actor_claims: credentials.actor_claims,
        actor_token: credentials.actor_token,
        authorization: credentials.authorization,
      });
    } catch (error) {
      const e = error as { status?: unknown; detail?: unknown; message?: string };
      if (typeof e.status === 'number' && typeof e.detail === 'string') throw new BackendError(e.status, e.detail);
      throw error;
    }
    if (!ctx && verifier.required) throw new BackendError(401, 'console action requires verified actor context');
    return ctx;
  }

  private get permissions() {
    return this.options.actorVerifier?.repositoryPermissions ?? [];
  }

  private async record(entry: EvidenceEntry): Promise<void> {
    await this.evidence.append(entry);
  }

  /** Records a change already made; a failure says the change stands but is not in the evidence log. */
  private async recordAfter(done: string, entry: EvidenceEntry): Promise<void> {
    try {
      await this.record(entry);
    } catch (error) {
      throw new BackendError(500, `${done}, but recording it failed: ${error instanceof BackendError ? error.detail : (error as Error).message}`);
    }
  }

  // ---- drafts and plans --------------------------------------------------------------------------

  private resolveDraft(input: DraftInput): ResolvedDraft {
    if (input.draft !== undefined && input.draft_yaml !== undefined) {
      throw new BackendError(400, 'give the draft either as JSON (draft) or as policy YAML (draft_yaml), not both');
    }
    if (input.draft_yaml !== undefined) {
      try {
        return { payload: loadPolicyValue(input.draft_yaml, input.draft_file ?? 'draft'), yamlText: input.draft_yaml };
      } catch (error) {
        throw new BackendError(400, (error as Error).message);
      }
    }
    return { payload: (input.draft ?? {}) as PyValue };
  }

  private buildDraft(payload: PyValue): PolicyPackDraft {
    let pack: PolicyPack;
    try {
      pack = buildPolicyPack(payload, new Date(this.clock()));
    } catch (error) {
      if (error instanceof DraftError) throw new BackendError(400, error.message);
      throw error;
    }
    const errors = policySchemaErrors(pack);
    return {
      schema_version: SCHEMA_VERSIONS.draft,
      product: PRODUCT,
      valid: errors.length === 0,
      errors,
      policy_pack: pack,
      summary: policySummary(pack) as PolicySummary,
      operator_notes: [...DRAFT_NOTES],
    };
  }

  private async buildPlan(payload: PyValue): Promise<PublishPlan> {
    const draft = this.buildDraft(payload);
    const pack = draft.policy_pack as PolicyPack;
    const policyId = pyStr((pack.metadata.id ?? '') as PyValue);
    const digest = policyDigest(pack);
    const current = await this.registry.current(policyId);
    const exists = current !== null && pyTruthy(current);
    const diff = exists ? diffPolicies(current!, pack) : { added: [], removed: [], changed: [] };
    const risk = publishRisk(current !== null, diff);
    return {
      schema_version: SCHEMA_VERSIONS.publishPlan,
      product: PRODUCT,
      generated_at: this.now(),
      operation: exists ? 'update' : 'create',
      valid: draft.valid,
      errors: draft.errors,
      approval_required: true,
      risk,
      policy_id: policyId,
      policy_digest: digest,
      target_path: `policies/${policyId}/policy.yaml`,
      summary: draft.summary,
      diff,
      operator_notes: publishOperatorNotes(risk, draft.valid),
    };
  }

  async catalog(): Promise<PolicyPackCatalog> {
    const packs = await this.registry.list();
    return {
      schema_version: SCHEMA_VERSIONS.catalog,
      product: PRODUCT,
      total: packs.length,
      items: packs.map((p) => ({ id: p.id, title: p.title, description: p.description, version: p.version, summary: policySummary(p.policy) as PolicySummary })),
    };
  }

  async draft(request: DraftRequest): Promise<PolicyPackDraft> {
    return this.buildDraft(this.resolveDraft(request).payload);
  }

  async publishPlan(request: PublishPlanRequest): Promise<PublishPlan> {
    return this.buildPlan(this.resolveDraft(request).payload);
  }

  async publishRequest(request: PublishRequestRequest): Promise<PublishRequestResult> {
    const ctx = await this.actor(request);
    const { payload } = this.resolveDraft(request);
    const plan = await this.buildPlan(payload);
    const requestedBy = ctx ? ctx.actor : String(request.requested_by ?? 'policy-authoring-console');
    if (!plan.valid) throw new BackendError(400, 'policy publish request requires a valid draft');
    const approverGroup = request.approver_group ?? 'Platform Security';
    const short = shortDigest(plan.policy_digest);
    const decision: Decision = {
      decision_id: `policy_publish:${plan.policy_id}:${short}`,
      session_id: 'policy-authoring',
      agent_id: 'policy-authoring-console',
      actor: requestedBy,
      repository: request.repository || 'policy-catalog',
      action_type: 'policy_publish',
      target: plan.target_path,
      decision: 'require_approval',
      severity: plan.risk,
      policy_pack: plan.policy_id,
      rule_id: 'policy.publish.requires_approval',
      reason: 'Policy pack write-back requires approval and signature before publishing.',
      approver_group: approverGroup,
      policy_id: plan.policy_id,
      policy_digest: plan.policy_digest,
      operation: plan.operation,
      evidence_refs: [`policy-draft://${plan.policy_id}/${short}`],
    };
    const routingRules = loadRoutingRules(this.paths.routingFile);
    const ttl = ttlHours(request.ttl_hours, 24);
    const approval = await this.approvals.mutate(
      () => createApprovalRequest(decision, { approverGroup, requestedBy, ttlHours: ttl, routingRules }, this.records),
      (record) => this.record({
        event: 'publish_request', actor: requestedBy, actor_context: ctx, approval_ids: [record.approval_id],
        digests: { policy_digest: plan.policy_digest },
        details: { policy_id: plan.policy_id, operation: plan.operation, risk: plan.risk, approver_group: record.approver_group, expires_at: record.expires_at },
      }),
    );
    return { schema_version: SCHEMA_VERSIONS.publishRequest, product: PRODUCT, plan, approval };
  }

  // ---- publish -----------------------------------------------------------------------------------

  async publish(request: PublishRequest): Promise<PublishResult> {
    const ctx = await this.actor(request);
    const approvalId = request.approval_id;
    if (!approvalId) throw new BackendError(400, 'approval_id is required');
    const approval = this.approvals.get(String(approvalId));
    if (!approval) throw new BackendError(404, 'approval not found');
    if (ctx && !actorCanDecide(ctx, approval, 'approved', this.permissions)) {
      throw new BackendError(403, 'actor is not authorized to publish this policy');
    }
    const { payload, yamlText } = this.resolveDraft(request);
    const draft = this.buildDraft(payload);
    if (!draft.valid) throw new BackendError(400, 'policy draft must be valid before publishing');
    const pack = draft.policy_pack as PolicyPack;
    const policyId = pyStr((pack.metadata.id ?? '') as PyValue);
    if (!isSafePackId(policyId)) throw new BackendError(400, 'policy id is not safe for write-back');
    const outside = this.registry.outsideRoot(policyId);
    if (outside) throw new BackendError(400, outside);
    const digest = policyDigest(pack);
    this.checkPublishApproval(approval, policyId, digest);

    const { bytes, note } = this.publishBytes(pack, digest, yamlText);
    const signer = request.signer || (ctx ? ctx.actor : 'policy-authoring-api');
    const publishedBy = ctx ? ctx.actor : request.actor ?? 'policy-authoring-api';
    const privateKeyPem = request.signing?.private_key_pem;
    const hmacKey = request.signing?.hmac_key ?? this.options.signingKey;
    let sigText: string;
    let publicKeyPems: string[] = [];
    try {
      const sig = signPolicyBytes(bytes, { privateKeyPem, hmacKey, signer, keyId: request.signing?.key_id, policyFile: POLICY_FILE, now: new Date(this.clock()) });
      sigText = serializeSignature(sig);
      if (privateKeyPem !== undefined) publicKeyPems = [publicKeyFromPrivate(privateKeyPem)];
    } catch (error) {
      throw new BackendError(400, `policy signing failed: ${(error as Error).message}`);
    }
    // Verified before anything is written: a pair that would not verify is never published.
    const verified = verifyPolicySignature(bytes, sigText, { publicKeyPems, hmacKey: privateKeyPem === undefined ? hmacKey : undefined });
    if (!verified.ok) throw new BackendError(400, `published policy signature verification failed: ${verified.message}`);

    const dir = this.registry.packDir(policyId);
    try {
      await withLock(this.registry.lockTarget(policyId), async () => {
        try {
          recoverPolicyPair(dir);
          writePolicyPair(dir, bytes, sigText, this.options.publishHooks);
        } catch (error) {
          if (isDiskError(error)) throw diskFailure(dir, 'publish the pack', error, 'the previous policy.yaml and signature are unchanged');
          throw error;
        }
        await this.recordAfter(`${join(dir, POLICY_FILE)} was published`, {
          event: 'publish', actor: publishedBy, actor_context: ctx, approval_ids: [approval.approval_id],
          digests: {
            policy_digest: digest,
            policy_file_digest: policyFileDigest(bytes),
            signature_file_digest: policyFileDigest(Buffer.from(sigText, 'utf8')),
          },
          details: { policy_id: policyId, policy_path: join(dir, POLICY_FILE), signer, algorithm: verified.algorithm, approval_state: approval.state },
        });
      }, this.options.lock);
    } finally {
      this.registry.removeIfEmpty(policyId);
    }
    return {
      schema_version: SCHEMA_VERSIONS.publishResult,
      product: PRODUCT,
      status: 'published',
      published_at: this.now(),
      published_by: publishedBy,
      policy_id: policyId,
      policy_digest: digest,
      policy_path: join(dir, POLICY_FILE),
      signature_path: join(dir, SIGNATURE_FILE),
      signature_verified: verified.ok,
      signature_message: verified.message,
      approval: approvalSummary(approval),
      summary: draft.summary,
      operator_notes: note ? [...PUBLISH_NOTES, note] : [...PUBLISH_NOTES],
    };
  }

  /** CAVRA's _validate_policy_publish_approval, then two stricter checks (decision id, expiry). */
  private checkPublishApproval(approval: ApprovalRecord, policyId: string, digest: string): void {
    if (approval.state !== 'approved' && approval.state !== 'break_glass') {
      throw new BackendError(400, 'policy publish approval must be approved before write-back');
    }
    const decision = ('decision' in approval ? approval.decision : {}) as Decision;
    if (!isMapping(decision as unknown as PyValue)) throw new BackendError(400, 'policy publish approval must include a decision payload');
    if (decision.action_type !== 'policy_publish') throw new BackendError(400, 'approval is not for policy publish');
    if (decision.policy_id !== policyId || decision.policy_digest !== digest) {
      throw new BackendError(400, 'approval does not match policy draft digest');
    }
    if (decision.decision_id !== `policy_publish:${policyId}:${shortDigest(digest)}` || approval.decision_id !== decision.decision_id) {
      throw new BackendError(400, 'approval does not match policy draft digest');
    }
    const expires = parseIsoTimestamp(approval.expires_at);
    if (expires === undefined) {
      throw new BackendError(400, `policy publish approval has no valid expires_at (${JSON.stringify(approval.expires_at ?? null)}): request a new approval`);
    }
    if (this.clock() > expires) {
      throw new BackendError(400, `policy publish approval expired at ${approval.expires_at}: request a new approval for this draft`);
    }
  }

  /**
   * The bytes to write: the author's YAML text when it loads to exactly the approved policy (comments
   * and order kept), else CAVRA's safe_dump of the policy. Either way, what CAVRA will load from the
   * file is checked to be the approved policy.
   */
  private publishBytes(pack: PolicyPack, digest: string, yamlText: string | undefined): { bytes: Uint8Array; note?: string } {
    const approved = canonicalJson(pack);
    let text: string | undefined;
    let note: string | undefined;
    if (yamlText !== undefined) {
      let loaded: PyValue | undefined;
      try {
        loaded = loadPolicyValue(yamlText, POLICY_FILE);
      } catch {
        loaded = undefined;
      }
      if (loaded !== undefined && canonicalJson(loaded) === approved) text = yamlText;
      else {
        note = 'The draft file holds more than the approved policy (keys CAVRA drops, or metadata that is not text), so policy.yaml was written from the normalized policy in CAVRA\'s form; comments and key order were not kept.';
      }
    }
    if (text === undefined) text = pyyamlSafeDump(pack);
    const reloaded = loadPolicyValue(text, POLICY_FILE);
    if (canonicalJson(reloaded) !== approved || policyDigest(reloaded) !== digest) {
      throw new BackendError(500, 'the file to publish does not load to the approved policy; nothing was written (please report this)');
    }
    return { bytes: new Uint8Array(Buffer.from(text, 'utf8')), note };
  }

  // ---- approvals ---------------------------------------------------------------------------------

  async listApprovals(query: ApprovalListQuery = {}): Promise<ApprovalList> {
    return this.approvals.list(query);
  }

  async getApproval(approvalId: string): Promise<ApprovalRecord> {
    const approval = this.approvals.get(approvalId);
    if (!approval) throw new BackendError(404, 'approval not found');
    return approval;
  }

  async createApproval(request: ApprovalCreateRequest): Promise<ApprovalRecord> {
    const routingRules = loadRoutingRules(this.paths.routingFile);
    const requestedBy = String(request.requested_by ?? 'ai-agent');
    const ttl = ttlHours(request.ttl_hours, 24);
    return this.approvals.mutate(
      () => createApprovalRequest(request.decision, { approverGroup: request.approver_group, requestedBy, ttlHours: ttl, routingRules }, this.records),
      (record) => this.record({
        event: 'approval_request', actor: requestedBy, approval_ids: [record.approval_id],
        details: { decision_id: record.decision_id, approver_group: record.approver_group, expires_at: record.expires_at },
      }),
    );
  }

  private async decide(approvalId: string, state: 'approved' | 'denied' | 'expired', request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    const ctx = await this.actor(request);
    const expire = state === 'expired';
    const actor = ctx ? ctx.actor : request.actor ?? (expire ? 'system' : '');
    const reason = request.reason ?? (expire ? 'approval expired' : '');
    return this.approvals.mutate(
      (get) => {
        const current = get(approvalId);
        if (!current) throw new BackendError(404, 'approval not found');
        return applyApprovalDecision(current, {
          state, actor, reason, externalRef: request.external_ref, actorContext: ctx, permissions: this.permissions,
        }, this.records);
      },
      (record) => this.record({
        event: state === 'approved' ? 'approve' : state === 'denied' ? 'deny' : 'expire',
        actor, actor_context: ctx, approval_ids: [record.approval_id],
        digests: typeof record.decision?.policy_digest === 'string' ? { policy_digest: record.decision.policy_digest } : {},
        details: { decision_id: record.decision_id, state: record.state, reason, external_ref: request.external_ref ?? null },
      }),
    );
  }

  approve(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    return this.decide(approvalId, 'approved', request);
  }

  deny(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    return this.decide(approvalId, 'denied', request);
  }

  expire(approvalId: string, request: ApprovalExpireRequest = {}): Promise<ApprovalRecord> {
    return this.decide(approvalId, 'expired', request);
  }

  async attachDecision(approvalId: string, decision: Decision): Promise<DecisionWithApproval> {
    const approval = await this.getApproval(approvalId);
    const attached = attachApprovalToDecision(decision, approval);
    await this.record({
      event: 'attach_decision', actor: null, approval_ids: [approval.approval_id],
      details: { decision_id: attached.decision_id ?? null, approval_state: approval.state },
    });
    return attached;
  }

  async breakGlass(request: BreakGlassRequest): Promise<ApprovalRecord> {
    const ctx = await this.actor(request);
    const approverGroup = request.approver_group ?? 'Change Advisory Board';
    if (ctx) {
      const synthetic = { state: 'pending', break_glass: true, approver_group: approverGroup, decision: request.decision };
      if (!actorCanDecide(ctx, synthetic, 'approved', this.permissions)) throw new BackendError(403, 'actor is not authorized for break-glass');
    }
    const actor = ctx ? ctx.actor : request.actor ?? '';
    const ttl = ttlHours(request.ttl_hours, 4);
    return this.approvals.mutate(
      () => createBreakGlassApproval(request.decision, {
        actor, reason: request.reason ?? '', approverGroup, externalRef: request.external_ref, ttlHours: ttl,
      }, this.records),
      (record) => this.record({
        event: 'break_glass', actor, actor_context: ctx, approval_ids: [record.approval_id],
        details: { decision_id: record.decision_id, approver_group: record.approver_group, reason: record.break_glass_reason, external_ref: request.external_ref ?? null, expires_at: record.expires_at },
      }),
    );
  }

  // ---- rollouts ----------------------------------------------------------------------------------

  private rolloutRequest(request: RolloutChangeRequest): { rolloutId?: string; requested: { [key: string]: PyValue | undefined } } {
    const requested = (isMapping(request.changes as PyValue) ? request.changes : request) as { [key: string]: PyValue | undefined };
    return { rolloutId: pyTruthy(request.rollout_id as PyValue) ? String(request.rollout_id) : undefined, requested };
  }

  private plan(current: PolicyRolloutRecord | null, requested: { [key: string]: PyValue | undefined }): RolloutChangePlan {
    try {
      const now = this.now();
      return buildRolloutChangePlan(current as never, requested, now, this.now()) as unknown as RolloutChangePlan;
    } catch (error) {
      if (error instanceof RolloutError) throw new BackendError(400, error.message);
      throw error;
    }
  }

  async rolloutChangePlan(request: RolloutChangeRequest): Promise<RolloutChangePlan> {
    const { rolloutId, requested } = this.rolloutRequest(request);
    const current = rolloutId ? this.inventory.get(rolloutId) ?? null : null;
    return this.plan(current, requested);
  }

  async rolloutApplyChange(request: RolloutChangeRequest): Promise<RolloutChangeResult> {
    const ctx = await this.actor(request);
    const { rolloutId, requested } = this.rolloutRequest(request);
    return this.inventory.mutate(
      (get) => {
        const current = rolloutId ? get(rolloutId) ?? null : null;
        const plan = this.plan(current, requested);
        let record: PolicyRolloutRecord;
        try {
          record = normalizeRolloutRecord(plan.after as never, this.now()) as unknown as PolicyRolloutRecord;
        } catch (error) {
          if (error instanceof RolloutError) throw new BackendError(400, error.message);
          throw error;
        }
        const result: RolloutChangeResult = {
          schema_version: SCHEMA_VERSIONS.rolloutChangeResult,
          product: PRODUCT,
          actor: ctx ? publicActor(ctx) : null,
          plan,
          rollout: record,
        };
        return { record, result };
      },
      (result) => this.record({
        event: 'rollout_apply', actor: ctx ? ctx.actor : null, actor_context: ctx,
        details: {
          rollout_id: result.rollout.rollout_id, operation: result.plan.operation, risk: result.plan.risk,
          approval_required: result.plan.approval_required, changed_fields: result.plan.changes.map((c) => c.field),
          mode: result.rollout.mode, state: result.rollout.state,
        },
      }),
    );
  }

  async listRollouts(query: RolloutListQuery = {}): Promise<RolloutList> {
    return this.inventory.list(query);
  }

  async getRollout(rolloutId: string): Promise<PolicyRolloutRecord> {
    const rollout = this.inventory.get(rolloutId);
    if (!rollout) throw new BackendError(404, 'policy rollout not found');
    return rollout;
  }

  // ---- decisions ---------------------------------------------------------------------------------

  async evaluate(request: EvaluateRequest): Promise<Decision> {
    const packId = request.policy_pack || 'cavra-ai-agent-baseline';
    const policy = await this.registry.resolved(packId);
    const decision = evaluateAction(policy, {
      action_type: request.action_type,
      target: request.target,
      policy_pack: packId,
      session_id: request.session_id,
      agent_id: request.agent_id,
      actor: request.actor,
      operation: request.operation,
      server: request.server,
      tool: request.tool,
      capability: request.capability,
    }, { timestamp: this.now(), randomHex12: () => this.randomHex(12) }) as unknown as Decision;
    if (request.repository) decision.repository = request.repository;
    return decision;
  }

  // ---- workspace-only ----------------------------------------------------------------------------

  async runDecisionTests(request: DecisionTestRequest = {}): Promise<DecisionTestReport[]> {
    return runDecisionTests(this.registry, request.policy_pack);
  }

  async verifyEvidence(): Promise<EvidenceVerifyResult> {
    return this.evidence.verify();
  }

  // ---- published packs, as the workspace's files show them -----------------------------------------

  async packState(request: PackStateRequest): Promise<PackState> {
    const path = request.policy_path ?? join(this.paths.policyDir, request.policy_id, POLICY_FILE);
    const bytes = request.text !== undefined ? Buffer.from(request.text, 'utf8') : existsSync(path) ? readFileSync(path) : null;
    return packState(request.policy_id, path, bytes, {
      signatures: this.signatures, keyDirectory: this.paths.keyDirectory, hmacKey: this.options.signingKey, evidence: this.evidenceRecords(),
    });
  }

  async publishedPack(policyId: string): Promise<PublishedPack> {
    if (!isSafePackId(policyId)) throw new BackendError(400, 'policy id is not safe for write-back');
    const path = join(this.paths.policyDir, policyId, POLICY_FILE);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : null;
    return { policy_id: policyId, path: text === null ? null : path, text, unavailable: null };
  }

  async listEvidence(query: EvidenceListQuery = {}): Promise<EvidenceList> {
    const limit = typeof query.limit === 'number' && query.limit > 0 ? query.limit : 500;
    return { items: this.evidenceRecords().slice(-limit), unavailable: null };
  }

  /** The log as far as it reads; an unreadable log shows as empty here (verifyEvidence reports it). */
  private evidenceRecords(): EvidenceRecord[] {
    try {
      return this.evidence.read();
    } catch {
      return [];
    }
  }
}

export function createLocalBackend(options: LocalBackendOptions): LocalBackend {
  return new LocalBackend(options);
}
