// Which approver group an approval goes to (SPEC 4.1; approvals.py route_approver_group) and who may
// decide it (SPEC 3.8; approvals.py actor_can_decide). The one place these rules live: the local
// backend and the actor verifier (backend/actor) both call them.
import { isMapping, pyStr, pyTruthy, type PyValue } from './pythonValues';

export interface RoutingRule {
  rule_id?: string;
  action_type?: string;
  severity?: string;
  policy_pack?: string;
  rule_id_prefix?: string;
  target_contains?: string;
  approver_group: string;
  [key: string]: unknown;
}

export class RoutingFileError extends Error {}

export function defaultRoutingRules(): RoutingRule[] {
  return [
    { rule_id_prefix: 'filesystem.write', target_contains: 'iam/', approver_group: 'IAM' },
    { rule_id_prefix: 'filesystem.write', target_contains: '.github/workflows', approver_group: 'Platform Security' },
    { rule_id_prefix: 'commands.default', severity: 'medium', approver_group: 'Repository Owners' },
    { rule_id_prefix: 'commands.block', target_contains: 'terraform', approver_group: 'Cloud Security' },
    { rule_id_prefix: 'mcp.', approver_group: 'AI Governance' },
  ];
}

/**
 * The rules of a routing file's loaded content (JSON or YAML): a bare list, or a mapping with
 * `approval_routing` or `routing_rules`. CAVRA's messages.
 */
export function routingRulesFromPayload(payload: PyValue | undefined): RoutingRule[] {
  let rules: PyValue | undefined = payload ?? {};
  if (isMapping(rules)) {
    rules = 'approval_routing' in rules ? rules.approval_routing : 'routing_rules' in rules ? rules.routing_rules : rules;
  } else if (!Array.isArray(rules)) {
    throw new RoutingFileError('approval routing file must contain a list of rules');
  }
  if (!Array.isArray(rules)) throw new RoutingFileError('approval routing file must contain a list of rules');
  for (const rule of rules) {
    if (!isMapping(rule) || !pyTruthy(rule.approver_group))
      throw new RoutingFileError('each approval routing rule must include approver_group');
  }
  return rules as unknown as RoutingRule[];
}

type Obj = { [key: string]: unknown };

/** Python `str(d.get(key, ""))`. */
function strField(obj: Obj, key: string): string {
  const v = Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : '';
  return pyStr((v === undefined ? '' : v) as PyValue);
}

function ruleMatches(decision: Obj, rule: RoutingRule): boolean {
  for (const key of ['rule_id', 'action_type', 'severity', 'policy_pack']) {
    if (pyTruthy(rule[key]) && decision[key] !== rule[key]) return false;
  }
  if (pyTruthy(rule.rule_id_prefix) && !strField(decision, 'rule_id').startsWith(pyStr(rule.rule_id_prefix as PyValue)))
    return false;
  if (pyTruthy(rule.target_contains) && !strField(decision, 'target').includes(pyStr(rule.target_contains as PyValue)))
    return false;
  return true;
}

/** The first matching rule's group, or null. */
export function routeApproverGroup(decision: Obj, rules: RoutingRule[] = defaultRoutingRules()): string | null {
  for (const rule of rules) if (ruleMatches(decision, rule)) return pyStr(rule.approver_group);
  return null;
}

/** An approver group with a rule of its own: break-glass approvals need it. */
export const CHANGE_ADVISORY_BOARD = 'Change Advisory Board';
/** The group that may expire any approval. */
export const SYSTEM_GROUP = 'system';

export type DecisionAction = 'approved' | 'denied' | 'expired';
/** The verbs and the resulting states are both accepted (approve → approved, deny → denied, expire → expired). */
export type ActionName = DecisionAction | 'approve' | 'deny' | 'expire';

const ACTION_ALIASES: Readonly<Record<string, DecisionAction>> = {
  approve: 'approved',
  approved: 'approved',
  deny: 'denied',
  denied: 'denied',
  expire: 'expired',
  expired: 'expired',
};

/** A repository permission without `actions` grants these. */
export const DEFAULT_PERMISSION_ACTIONS: readonly DecisionAction[] = Object.freeze(['approved', 'denied'] as const);

/** The state an action name stands for, or undefined when it names none. */
export function decisionActionOf(name: unknown): DecisionAction | undefined {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ACTION_ALIASES, name)
    ? ACTION_ALIASES[name]
    : undefined;
}

/** approve → approved, deny → denied, expire → expired; the states themselves pass through. */
export function normalizeAction(action: ActionName): DecisionAction {
  const normalized = decisionActionOf(action);
  if (!normalized) throw new TypeError(`unknown approval action ${JSON.stringify(action)}`);
  return normalized;
}

/** Who decides: only the groups matter (a verified actor context, or any other holder of groups). */
export interface DecidingActor {
  readonly groups: readonly string[];
}

/**
 * One RBAC repository permission (SPEC 3.8 `repository_permissions`; `repositories` is CAVRA's alias),
 * in CAVRA's field names.
 */
export interface RepositoryPermission {
  /** Only approvals for this repository; absent = any. Compared literally (`*` is not a wildcard in CAVRA). */
  readonly repository?: string;
  /** Only approvals routed to this approver group; absent = any. */
  readonly approver_group?: string;
  /** Actor groups this permission is granted to. */
  readonly groups?: readonly string[];
  /** approved / denied / expired (or approve / deny / expire); default {@link DEFAULT_PERMISSION_ACTIONS}. */
  readonly actions?: readonly string[];
}

/** The fields of an approval record the rules read (any CAVRA approval record fits). */
export interface ApprovalForAuthorization {
  readonly approver_group?: unknown;
  readonly break_glass?: unknown;
  readonly repository?: unknown;
  readonly decision?: unknown;
}

/** approval.repository ‖ decision.repository ‖ decision.repo. */
function approvalRepository(approval: ApprovalForAuthorization): unknown {
  const decision = approval.decision;
  if (!isMapping(decision)) return approval.repository;
  return (
    (pyTruthy(approval.repository) && approval.repository) ||
    (pyTruthy(decision.repository) && decision.repository) ||
    decision.repo
  );
}

function repositoryPermissionAllows(
  actor: DecidingActor,
  approval: ApprovalForAuthorization,
  action: DecisionAction,
  permissions: readonly RepositoryPermission[],
): boolean {
  const repository = approvalRepository(approval);
  for (const rule of permissions) {
    if (typeof rule !== 'object' || rule === null) continue;
    if (rule.repository && rule.repository !== repository) continue;
    if (rule.approver_group && rule.approver_group !== approval.approver_group) continue;
    if (!(rule.actions ?? DEFAULT_PERMISSION_ACTIONS).some((a) => decisionActionOf(String(a)) === action)) continue;
    const allowed = (rule.groups ?? []).map(String);
    if (actor.groups.some((g) => allowed.includes(g))) return true;
  }
  return false;
}

/**
 * actor_can_decide: may `actor` take `action` on `approval`?
 * An actor in group `system` may expire (SPEC 3.8; CAVRA compares against "expire" only, so its API
 * never applies this rule: here both spellings do). Break-glass approvals need `Change Advisory
 * Board`; then a matching repository permission, else membership of the approval's approver group.
 */
export function actorCanDecide(
  actor: DecidingActor,
  approval: ApprovalForAuthorization,
  action: ActionName,
  permissions: readonly RepositoryPermission[] = [],
): boolean {
  const decisionAction = normalizeAction(action);
  if (decisionAction === 'expired' && actor.groups.includes(SYSTEM_GROUP)) return true;
  if (pyTruthy(approval.break_glass) && !actor.groups.includes(CHANGE_ADVISORY_BOARD)) return false;
  if (repositoryPermissionAllows(actor, approval, decisionAction, permissions)) return true;
  return typeof approval.approver_group === 'string' && actor.groups.includes(approval.approver_group);
}

/** The body fields of a break-glass request the rules read. */
export interface BreakGlassRequestFields {
  /** Default `Change Advisory Board`. */
  readonly approver_group?: string;
  readonly decision?: unknown;
}

/**
 * May `actor` create a break-glass approval? As CAVRA: the request is judged as a break-glass approval
 * being approved, so the actor must be in `Change Advisory Board` (and, when the request names another
 * approver group, in that group or allowed by a repository permission).
 */
export function actorCanBreakGlass(
  actor: DecidingActor,
  request: BreakGlassRequestFields,
  permissions: readonly RepositoryPermission[] = [],
): boolean {
  const approverGroup = request.approver_group ?? CHANGE_ADVISORY_BOARD;
  return actorCanDecide(
    actor,
    { break_glass: true, approver_group: approverGroup, decision: request.decision },
    'approved',
    permissions,
  );
}
