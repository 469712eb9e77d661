// Drafts and publish plans (POST /policy-packs/draft, /publish-plan, /publish-request) and the
// catalog: a draft is built and schema-checked as CAVRA builds it; a publish request asks for approval.
import { policyDigest, shortDigest } from '../../policy/digest';
import { buildPolicyPack, DraftError, type PolicyPack } from '../../policy/draft';
import { diffPolicies } from '../../policy/policyDiff';
import { loadPolicyValue } from '../../policy/policyYaml';
import { publishOperatorNotes, publishRisk } from '../../policy/publishRisk';
import { publishReach } from '../../policy/publishReach';
import { isEmptyEntryDiff, publishEntryDiff } from '../../policy/policyEntryDiff';
import type { PolicyObject } from '../../policy/inheritance';
import { pyStr, pyTruthy, type PyValue } from '../../policy/pythonValues';
import { policySummary } from '../../policy/summary';
import {
  BackendError,
  PRODUCT,
  SCHEMA_VERSIONS,
  type Decision,
  type DraftInput,
  type DraftRequest,
  type PolicyPackCatalog,
  type PolicyPackDraft,
  type PublishPlan,
  type PublishPlanRequest,
  type PublishRequestRequest,
  type PublishRequestResult,
} from '../backend';
import { createApprovalRequest, ttlHours } from './approvalRecords';
import { loadRoutingRules } from './routingFile';
import { policySchemaErrors } from './schemaErrors';
import type { LocalWorkspace } from './workspace';

const DRAFT_NOTES = [
  'Draft generation is read-only and does not write to the policy directory.',
  'Commit reviewed policy YAML through repository change control before rollout.',
];

export interface ResolvedDraft {
  payload: PyValue;
  /** The YAML text the draft came from, when it came from one. */
  yamlText?: string;
}

export function resolveDraft(input: DraftInput): ResolvedDraft {
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

export function buildDraft(ws: LocalWorkspace, payload: PyValue): PolicyPackDraft {
  let pack: PolicyPack;
  try {
    pack = buildPolicyPack(payload, new Date(ws.clock()));
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
    summary: policySummary(pack),
    operator_notes: [...DRAFT_NOTES],
  };
}

async function buildPlan(ws: LocalWorkspace, payload: PyValue): Promise<PublishPlan> {
  const draft = buildDraft(ws, payload);
  const pack = draft.policy_pack as PolicyPack;
  const policyId = pyStr(pack.metadata.id ?? '');
  const digest = policyDigest(pack);
  const current = await ws.registry.current(policyId);
  const exists = current !== null && pyTruthy(current);
  const diff = exists ? diffPolicies(current, pack) : { added: [], removed: [], changed: [] };
  const risk = publishRisk(current !== null, diff);
  // Every published pack, by the id CAVRA's loader finds it under (its folder), for the descendants' merges.
  const published = new Map<string, PolicyObject>((await ws.registry.list()).map((p) => [p.folder, p.policy]));
  const reach = publishReach(policyId, pack, published);
  const entries = exists ? publishEntryDiff(current, pack) : undefined;
  return {
    schema_version: SCHEMA_VERSIONS.publishPlan,
    product: PRODUCT,
    generated_at: ws.now(),
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
    // Not in CAVRA's answer: only when other packs inherit this one, so a plan nobody inherits is CAVRA's exactly.
    ...(reach ? { reach } : {}),
    // Not in CAVRA's answer either: CAVRA's diff path by path, entry by entry; only for an update that changes something.
    ...(entries && !isEmptyEntryDiff(entries) ? { entries } : {}),
  };
}

export async function catalog(ws: LocalWorkspace): Promise<PolicyPackCatalog> {
  const packs = await ws.registry.list();
  return {
    schema_version: SCHEMA_VERSIONS.catalog,
    product: PRODUCT,
    total: packs.length,
    items: packs.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      version: p.version,
      summary: policySummary(p.policy),
    })),
  };
}

export async function draft(ws: LocalWorkspace, request: DraftRequest): Promise<PolicyPackDraft> {
  return buildDraft(ws, resolveDraft(request).payload);
}

export async function publishPlan(ws: LocalWorkspace, request: PublishPlanRequest): Promise<PublishPlan> {
  return buildPlan(ws, resolveDraft(request).payload);
}

export async function publishRequest(ws: LocalWorkspace, request: PublishRequestRequest): Promise<PublishRequestResult> {
  const ctx = await ws.actor(request);
  const { payload } = resolveDraft(request);
  const plan = await buildPlan(ws, payload);
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
  const routingRules = loadRoutingRules(ws.paths.routingFile);
  const ttl = ttlHours(request.ttl_hours, 24);
  const approval = await ws.approvals.mutate(
    () => {
      const record = createApprovalRequest(decision, { approverGroup, requestedBy, ttlHours: ttl, routingRules }, ws.records);
      // The impact on recorded activity rides with the approval, so the approver reads it beside the decision.
      if (request.impact) record.impact_summary = request.impact;
      return record;
    },
    (record) =>
      ws.record({
        event: 'publish_request',
        actor: requestedBy,
        actor_context: ctx,
        approval_ids: [record.approval_id],
        digests: { policy_digest: plan.policy_digest },
        details: {
          policy_id: plan.policy_id,
          operation: plan.operation,
          risk: plan.risk,
          approver_group: record.approver_group,
          expires_at: record.expires_at,
          ...(request.impact ? { impact_summary: request.impact } : {}),
        },
      }),
  );
  return { schema_version: SCHEMA_VERSIONS.publishRequest, product: PRODUCT, plan, approval };
}
