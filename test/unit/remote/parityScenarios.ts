// The parity scenarios, written once and run twice (parity.test.ts): against the local backend
// directly and against RemoteBackend + the CAVRA test server. Each step calls one Backend method; its
// answer or its refusal ({status, detail}) goes into a transcript, and the two transcripts must be
// equal once server-stamped times and ids are set aside. `expect` pins what each step must give, so
// that two equally wrong backends cannot pass.
import type { Backend, Decision, PolicyRolloutRecord, PublishRequestResult } from '../../../server/src/backend/backend';

export interface ScenarioContext {
  backend: Backend;
  /** Values kept between steps (approval ids…). */
  saved: { [name: string]: string };
  /** A signed OIDC token for these claims (scenarios with `oidc`). */
  token(claims: { [claim: string]: unknown }): Promise<string>;
}

export interface ScenarioStep {
  name: string;
  run(ctx: ScenarioContext): Promise<unknown>;
  /** 'ok', or the refusal CAVRA gives: [status, detail]. */
  expect: 'ok' | [number, string];
}

export interface Scenario {
  name: string;
  /** Packs from test/fixtures/policies in the policy root. */
  packs?: string[];
  /** OIDC configured (mutations need a verified actor; tokens from ctx.token). */
  oidc?: boolean;
  steps: ScenarioStep[];
}

export const SPEC_DRAFT = {
  id: 'cavra-platform-baseline',
  title: 'Platform Baseline',
  description: 'Platform engineering controls.',
  version: '2026.05',
  inherits: 'cavra-ai-agent-baseline',
  commands: { block: ['terraform apply -auto-approve'] },
};
const MUTATED_DRAFT = { ...SPEC_DRAFT, commands: { block: ['terraform apply -auto-approve', 'terraform destroy'] } };
const ROLLOUT = {
  rollout_id: 'payments-platform',
  repository: 'payments/api',
  policy_pack: 'cavra-platform-baseline',
  mode: 'strict',
  state: 'active',
  coverage_percent: 95,
};
const MISSING_APPROVAL = 'apr_000000000000';

function decision(fields: Partial<Decision> = {}): Decision {
  return {
    decision_id: 'dec_0123456789ab',
    session_id: 'sess-1',
    agent_id: 'claude',
    actor: 'ai-agent',
    action_type: 'write_file',
    target: 'infra/iam/role.tf',
    rule_id: 'filesystem.write.require_approval',
    decision: 'require_approval',
    severity: 'high',
    reason: 'Matched approval-required path policy: **/iam/**',
    evidence_refs: ['evidence://sess-1/dec_0123456789ab'],
    approver_group: 'Platform Security',
    ...fields,
  };
}

const ok = 'ok' as const;
const step = (name: string, expect: ScenarioStep['expect'], run: ScenarioStep['run']): ScenarioStep => ({ name, expect, run });

export const PARITY_SCENARIOS: readonly Scenario[] = [
  {
    name: 'draft → plan → request → approve → publish → plan again → catalog',
    packs: ['cavra-ai-agent-baseline'],
    steps: [
      step('draft', ok, (c) => c.backend.draft({ draft: SPEC_DRAFT })),
      step('publish plan (create)', ok, (c) => c.backend.publishPlan({ draft: SPEC_DRAFT })),
      step('publish request', ok, async (c) => {
        const r: PublishRequestResult = await c.backend.publishRequest({
          draft: SPEC_DRAFT,
          requested_by: 'ana',
          approver_group: 'Platform Security',
          repository: 'platform/policies',
          ttl_hours: 4,
        });
        c.saved.approval = r.approval.approval_id;
        return r;
      }),
      step('pending approvals', ok, (c) => c.backend.listApprovals({ state: 'pending' })),
      step('read the approval', ok, (c) => c.backend.getApproval(c.saved.approval)),
      step('publish while pending', [400, 'policy publish approval must be approved before write-back'], (c) =>
        c.backend.publish({ draft: SPEC_DRAFT, approval_id: c.saved.approval }),
      ),
      step('approve', ok, (c) =>
        c.backend.approve(c.saved.approval, { actor: 'lead', reason: 'reviewed', external_ref: 'CHG-42' }),
      ),
      step('approve again', [400, 'only pending approvals can be changed'], (c) =>
        c.backend.approve(c.saved.approval, { actor: 'lead', reason: 'again' }),
      ),
      step('publish another draft with this approval', [400, 'approval does not match policy draft digest'], (c) =>
        c.backend.publish({ draft: MUTATED_DRAFT, approval_id: c.saved.approval }),
      ),
      step('publish', ok, (c) => c.backend.publish({ draft: SPEC_DRAFT, approval_id: c.saved.approval, signer: 'release-bot' })),
      step('publish plan (update, nothing changed)', ok, (c) => c.backend.publishPlan({ draft: SPEC_DRAFT })),
      step('publish plan (update, a command added)', ok, (c) => c.backend.publishPlan({ draft: MUTATED_DRAFT })),
      step('catalog lists the published pack', ok, (c) => c.backend.catalog()),
      step('all approvals', ok, (c) => c.backend.listApprovals()),
    ],
  },
  {
    name: 'rollout plan / apply / list / get',
    steps: [
      step('change plan (create)', ok, (c) => c.backend.rolloutChangePlan(ROLLOUT)),
      step('apply change (create)', ok, (c) => c.backend.rolloutApplyChange(ROLLOUT)),
      step('change plan (update under changes)', ok, (c) =>
        c.backend.rolloutChangePlan({ rollout_id: 'payments-platform', changes: { mode: 'audit_only', coverage_percent: 40 } }),
      ),
      step('apply change (update)', ok, (c) =>
        c.backend.rolloutApplyChange({ rollout_id: 'payments-platform', changes: { mode: 'audit_only', coverage_percent: 40 } }),
      ),
      step('audit_only → enforce is high risk', ok, (c) => c.backend.rolloutChangePlan({ ...ROLLOUT, mode: 'enforce' })),
      step('apply a rollout whose default id has a slash', ok, (c) =>
        c.backend.rolloutApplyChange({ repository: 'payments/api', policy_pack: 'cavra-ai-agent-baseline', mode: 'audit_only' }),
      ),
      step('get it by that id', ok, (c) => c.backend.getRollout('payments/api:cavra-ai-agent-baseline')),
      step('list for a repository', ok, (c) => c.backend.listRollouts({ repository: 'payments/api' })),
      step('list by mode', ok, (c) => c.backend.listRollouts({ mode: 'audit_only' })),
      step('get one', ok, async (c) => (await c.backend.getRollout('payments-platform')) as PolicyRolloutRecord),
      step('get a missing one', [404, 'policy rollout not found'], (c) => c.backend.getRollout('payments/api:none')),
      step('no repository', [400, 'policy rollout must include repository'], (c) =>
        c.backend.rolloutChangePlan({ policy_pack: 'p' }),
      ),
      step('no policy pack', [400, 'policy rollout must include policy_pack'], (c) =>
        c.backend.rolloutApplyChange({ repository: 'r' }),
      ),
      step('unknown mode', [400, 'policy rollout mode must be one of: audit_only, break_glass, enforce, strict'], (c) =>
        c.backend.rolloutChangePlan({ repository: 'r', policy_pack: 'p', mode: 'loud' }),
      ),
      step('unknown state', [400, 'policy rollout state must be one of: active, paused, planned, retired'], (c) =>
        c.backend.rolloutChangePlan({ repository: 'r', policy_pack: 'p', state: 'done' }),
      ),
    ],
  },
  {
    name: 'approvals: create, route, deny, expire, break-glass, attach, list',
    steps: [
      step('create (routed to IAM)', ok, async (c) => {
        const a = await c.backend.createApproval({ decision: decision() });
        c.saved.a1 = a.approval_id;
        return a;
      }),
      step('create with group and ttl', ok, async (c) => {
        const a = await c.backend.createApproval({
          decision: decision({ decision_id: 'dec_00000000000b', rule_id: 'commands.block', target: 'terraform apply' }),
          approver_group: 'Cloud Security',
          requested_by: 'bot',
          ttl_hours: 2,
        });
        c.saved.a2 = a.approval_id;
        return a;
      }),
      step('create without decision_id', [400, 'decision must include decision_id'], (c) =>
        c.backend.createApproval({ decision: { reason: 'x' } as Decision }),
      ),
      step('deny', ok, (c) => c.backend.deny(c.saved.a1, { actor: 'iam-lead', reason: 'too broad', external_ref: 'SEC-9' })),
      step('deny again', [400, 'only pending approvals can be changed'], (c) =>
        c.backend.deny(c.saved.a1, { actor: 'iam-lead', reason: 'again' }),
      ),
      step('approve without reason', [400, 'reason is required'], (c) => c.backend.approve(c.saved.a2, { actor: 'x' })),
      step('approve without actor', [400, 'actor is required'], (c) => c.backend.approve(c.saved.a2, { reason: 'r' })),
      step("expire with CAVRA's defaults", ok, (c) => c.backend.expire(c.saved.a2)),
      step('approve a missing approval', [404, 'approval not found'], (c) =>
        c.backend.approve(MISSING_APPROVAL, { actor: 'a', reason: 'r' }),
      ),
      step('read a missing approval', [404, 'approval not found'], (c) => c.backend.getApproval(MISSING_APPROVAL)),
      step('break-glass', ok, (c) =>
        c.backend.breakGlass({
          decision: decision({ decision_id: 'dec_00000000000c' }),
          actor: 'oncall',
          reason: 'incident',
          external_ref: 'INC-777',
        }),
      ),
      step('break-glass without actor', [400, 'actor is required'], (c) =>
        c.backend.breakGlass({ decision: decision(), reason: 'incident' }),
      ),
      step('break-glass without reason', [400, 'break-glass reason is required'], (c) =>
        c.backend.breakGlass({ decision: decision(), actor: 'oncall' }),
      ),
      step('attach decision', ok, (c) => c.backend.attachDecision(c.saved.a1, decision())),
      step('attach to a missing approval', [404, 'approval not found'], (c) =>
        c.backend.attachDecision(MISSING_APPROVAL, decision()),
      ),
      step('list denied', ok, (c) => c.backend.listApprovals({ state: 'denied' })),
      step('list by group', ok, (c) => c.backend.listApprovals({ approver_group: 'Cloud Security' })),
      step('list a page', ok, (c) => c.backend.listApprovals({ limit: 1, offset: 1 })),
      step('list with out-of-range paging', ok, (c) => c.backend.listApprovals({ limit: 9999, offset: -3 })),
    ],
  },
  {
    name: 'drafts: invalid, YAML, and refusals before publish',
    steps: [
      step('draft without description', [400, 'policy draft requires id, title, and description'], (c) =>
        c.backend.draft({ draft: { id: 'cavra-x', title: 'X' } }),
      ),
      step('draft that fails the schema is 200 with valid: false', ok, (c) =>
        c.backend.draft({ draft: { ...SPEC_DRAFT, id: 'Not An Id', filesystem: { block_read: '.env' } } }),
      ),
      step('publish request for an invalid draft', [400, 'policy publish request requires a valid draft'], (c) =>
        c.backend.publishRequest({ draft: { ...SPEC_DRAFT, id: 'Not An Id' } }),
      ),
      step('draft from YAML (YAML 1.1 booleans, a float version)', ok, (c) =>
        c.backend.draft({
          draft_yaml:
            'metadata:\n  id: cavra-yaml\n  title: From YAML\n  description: D\n  version: 1.0\nmcp:\n  allowlist_enabled: yes\n',
          draft_file: 'policies/cavra-yaml/policy.yaml',
        }),
      ),
      step('draft from YAML with a date version', ok, (c) =>
        c.backend.draft({ draft_yaml: 'id: cavra-dated\ntitle: T\ndescription: D\nversion: 2026-05-01\n' }),
      ),
      step('plan from YAML', ok, (c) =>
        c.backend.publishPlan({
          draft_yaml: 'id: cavra-yaml\ntitle: T\ndescription: D\nversion: "1"\ngit:\n  protected_branches: [main]\n',
        }),
      ),
      step(
        'YAML that does not load',
        [400, 'p.yaml: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
        (c) => c.backend.draft({ draft_yaml: 'metadata: [unclosed\n', draft_file: 'p.yaml' }),
      ),
      step('YAML that is a list, not a policy', [400, 'Policy must be a YAML object'], (c) =>
        c.backend.draft({ draft_yaml: '- id: cavra-x\n- title: X\n' }),
      ),
      step('an empty YAML file', [400, 'Policy must be a YAML object'], (c) => c.backend.publishPlan({ draft_yaml: '' })),
      step(
        'both draft and draft_yaml',
        [400, 'give the draft either as JSON (draft) or as policy YAML (draft_yaml), not both'],
        (c) => c.backend.draft({ draft: SPEC_DRAFT, draft_yaml: 'id: x\n' }),
      ),
      step('publish without approval_id', [400, 'approval_id is required'], (c) =>
        c.backend.publish({ draft: SPEC_DRAFT } as never),
      ),
      step('publish with a missing approval', [404, 'approval not found'], (c) =>
        c.backend.publish({ draft: SPEC_DRAFT, approval_id: MISSING_APPROVAL }),
      ),
      step('publish with an approval that is not for publishing', [400, 'approval is not for policy publish'], async (c) => {
        const a = await c.backend.createApproval({ decision: decision({ decision_id: 'dec_00000000000d' }) });
        await c.backend.approve(a.approval_id, { actor: 'a', reason: 'r' });
        return c.backend.publish({ draft: SPEC_DRAFT, approval_id: a.approval_id });
      }),
    ],
  },
  {
    name: 'decisions: POST /decisions',
    packs: ['cavra-ai-agent-baseline'],
    steps: [
      step('read .env is blocked', ok, (c) =>
        c.backend.evaluate({
          action_type: 'read_file',
          target: '.env',
          policy_pack: 'cavra-ai-agent-baseline',
          session_id: 'sess-9',
        }),
      ),
      step('a command', ok, (c) =>
        c.backend.evaluate({
          action_type: 'execute_command',
          target: 'terraform apply -auto-approve',
          policy_pack: 'cavra-ai-agent-baseline',
          repository: 'payments/api',
        }),
      ),
      step('a git push', ok, (c) =>
        c.backend.evaluate({
          action_type: 'git_operation',
          target: 'main',
          operation: 'push',
          policy_pack: 'cavra-ai-agent-baseline',
        }),
      ),
    ],
  },
  {
    name: 'verified actors (OIDC configured): tokens in the body, 401 without',
    oidc: true,
    steps: [
      step('publish request without a token', [401, 'console action requires verified actor context'], (c) =>
        c.backend.publishRequest({ draft: SPEC_DRAFT }),
      ),
      step('unverified actor_claims are not an actor', [401, 'console action requires verified actor context'], (c) =>
        c.backend.publishRequest({
          draft: SPEC_DRAFT,
          actor_claims: { email: 'mallory@example.com', groups: ['Platform Security'] },
        }),
      ),
      step('publish request with a token', ok, async (c) => {
        const r = await c.backend.publishRequest({
          draft: SPEC_DRAFT,
          actor_token: await c.token({ email: 'ana@example.com', groups: ['Authors'] }),
        });
        c.saved.approval = r.approval.approval_id;
        return r;
      }),
      step('approve by someone outside the group', [400, 'actor is not authorized for approval group'], async (c) =>
        c.backend.approve(c.saved.approval, {
          reason: 'r',
          actor_token: await c.token({ email: 'eve@example.com', groups: ['Authors'] }),
        }),
      ),
      step('approve with an expired token', [401, 'OIDC token is expired'], async (c) =>
        c.backend.approve(c.saved.approval, {
          reason: 'r',
          actor_token: await c.token({ email: 'lead@example.com', groups: ['Platform Security'], exp: 1_000 }),
        }),
      ),
      step('approve by the group', ok, async (c) =>
        c.backend.approve(c.saved.approval, {
          reason: 'reviewed',
          actor: 'ignored',
          actor_token: await c.token({ email: 'lead@example.com', groups: ['Platform Security'] }),
        }),
      ),
      step('publish by the group', ok, async (c) =>
        c.backend.publish({
          draft: SPEC_DRAFT,
          approval_id: c.saved.approval,
          actor_token: await c.token({ email: 'lead@example.com', groups: ['Platform Security'] }),
        }),
      ),
      step('apply a rollout as a verified actor', ok, async (c) =>
        c.backend.rolloutApplyChange({
          ...ROLLOUT,
          actor_token: await c.token({ email: 'ops@example.com', groups: ['Platform Security'], repository: 'payments/api' }),
        }),
      ),
      step('break-glass outside the Change Advisory Board', [403, 'actor is not authorized for break-glass'], async (c) =>
        c.backend.breakGlass({
          decision: decision(),
          reason: 'incident',
          actor_token: await c.token({ email: 'eve@example.com', groups: ['Authors'] }),
        }),
      ),
    ],
  },
];
