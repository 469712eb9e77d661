// Which approver group an approval goes to (SPEC 4.1; approvals.py route_approver_group) and who may
// decide it (SPEC 3.8; approvals.py actor_can_decide).
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
    if (!isMapping(rule) || !pyTruthy(rule.approver_group)) throw new RoutingFileError('each approval routing rule must include approver_group');
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
    if (pyTruthy(rule[key] as PyValue) && decision[key] !== rule[key]) return false;
  }
  if (pyTruthy(rule.rule_id_prefix as PyValue) && !strField(decision, 'rule_id').startsWith(pyStr(rule.rule_id_prefix as PyValue))) return false;
  if (pyTruthy(rule.target_contains as PyValue) && !strField(decision, 'target').includes(pyStr(rule.target_contains as PyValue))) return false;
  return true;
}

/** The first matching rule's group, or null. */
export function routeApproverGroup(decision: Obj, rules: RoutingRule[] = defaultRoutingRules()): string | null {
  for (const rule of rules) if (ruleMatches(decision, rule)) return pyStr(rule.approver_group as PyValue);
  return null;
}

export interface DecidingActor {
  readonly groups: readonly string[];
}

export interface RepositoryPermission {
  readonly repository?: string;
  readonly approver_group?: string;
  readonly groups?: readonly string[];
  readonly actions?: readonly string[];
}

const ACTION_ALIASES: { [action: string]: string } = { approve: 'approved', deny: 'denied', expire: 'expired' };

function actionAlias(action: string): string {
  return ACTION_ALIASES[action] ?? action;
}

function approvalRepository(approval: Obj): unknown {
  const decision = approval.decision;
  if (!isMapping(decision as PyValue)) return approval.repository;
  const d = decision as Obj;
  return (pyTruthy(approval.repository as PyValue) && approval.repository) || (pyTruthy(d.repository as PyValue) && d.repository) || d.repo;
}

function repositoryRbacAllows(actor: DecidingActor, approval: Obj, action: string, permissions: readonly RepositoryPermission[]): boolean {
  const repository = approvalRepository(approval);
  for (const rule of permissions) {
    if (!isMapping(rule as unknown as PyValue)) continue;
    if (rule.repository && rule.repository !== repository) continue;
    if (rule.approver_group && rule.approver_group !== approval.approver_group) continue;
    const actions = (rule.actions ?? ['approved', 'denied']).map((a) => actionAlias(String(a)));
    if (!actions.includes(actionAlias(action))) continue;
    const allowed = (rule.groups ?? []).map(String);
    if (actor.groups.some((g) => allowed.includes(g))) return true;
  }
  return false;
}

/**
 * actor_can_decide: `action` is approved / denied / expired (or approve / deny / expire).
 * An actor in group `system` may expire (SPEC 3.8; CAVRA compares against "expire" only, so its API
 * never applies this rule: here both spellings do). Break-glass approvals need `Change Advisory
 * Board`; then a matching repository permission, else membership of the approval's approver group.
 */
export function actorCanDecide(actor: DecidingActor, approval: Obj, action: string, permissions: readonly RepositoryPermission[] = []): boolean {
  if (actionAlias(action) === 'expired' && actor.groups.includes('system')) return true;
  if (pyTruthy(approval.break_glass as PyValue) && !actor.groups.includes('Change Advisory Board')) return false;
  if (repositoryRbacAllows(actor, approval, action, permissions)) return true;
  return typeof approval.approver_group === 'string' && actor.groups.includes(approval.approver_group);
}
