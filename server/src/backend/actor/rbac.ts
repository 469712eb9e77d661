// Approval RBAC (SPEC 3.8): who may approve, deny or expire an approval, and who may break glass.
// The file ($CAVRA_APPROVAL_RBAC_FILE in CAVRA) is JSON or YAML, optionally under a root key
// `approval_rbac`:
//   approval_rbac:
//     group_mappings: {github-team:payments-owners: Payments Owners}
//     repository_permissions:            # alias: repositories
//       - {repository: payments/api, approver_group: IAM, groups: [Payments Owners], actions: [approved, denied]}
// Rules [src/cavra/approvals.py actor_can_decide]: expire by group `system` → allowed; a break-glass
// approval needs `Change Advisory Board`; a matching repository permission → allowed; else allowed iff
// the approval's approver_group is one of the actor's groups.
import { resolve } from 'node:path';
import { compareCodePoints } from '../../policy/canonicalJson';
import { isVerifiedActorContext, type ActorContext } from './actorContext';
import { ActorConfigError } from './errors';
import { isObject, loadObjectFile, own, type JsonObject } from './files';

export const CHANGE_ADVISORY_BOARD = 'Change Advisory Board';
export const SYSTEM_GROUP = 'system';

export type DecisionAction = 'approved' | 'denied' | 'expired';
/** The verbs and the resulting states are both accepted (approve → approved, deny → denied, expire → expired). */
export type ActionName = DecisionAction | 'approve' | 'deny' | 'expire';

const ACTION_ALIASES: Readonly<Record<string, DecisionAction>> = {
  approve: 'approved', approved: 'approved', deny: 'denied', denied: 'denied', expire: 'expired', expired: 'expired',
};
const DEFAULT_ACTIONS: readonly DecisionAction[] = Object.freeze(['approved', 'denied'] as const);

export interface RepositoryPermission {
  /** Only approvals for this repository; null = any. Compared literally (`*` is not a wildcard in CAVRA). */
  readonly repository: string | null;
  /** Only approvals routed to this approver group; null = any. */
  readonly approverGroup: string | null;
  /** Actor groups this permission is granted to. */
  readonly groups: readonly string[];
  readonly actions: readonly DecisionAction[];
}

export interface RbacPolicy {
  /** The file it was loaded from, when it was. */
  readonly file: string | null;
  /** Token group → groups the actor also gets. */
  readonly groupMappings: ReadonlyMap<string, readonly string[]>;
  readonly repositoryPermissions: readonly RepositoryPermission[];
}

/** Loads and checks an RBAC file; every problem is an {@link ActorConfigError} naming file and field. */
export function loadRbacPolicy(path: string): RbacPolicy {
  const file = resolve(path);
  return parseRbacPolicy(loadObjectFile(file, 'approval RBAC policy'), file);
}

/** Checks an RBAC object already in memory; `file` names it in errors. */
export function parseRbacPolicy(raw: JsonObject, file: string): RbacPolicy {
  let policy = raw;
  let prefix = '';
  const root = own(raw, 'approval_rbac');
  if (root !== undefined) {
    if (!isObject(root)) throw new ActorConfigError(file, 'approval_rbac', 'must be an object');
    policy = root;
    prefix = 'approval_rbac.';
  }

  const groupMappings = new Map<string, string[]>();
  const mappings = own(policy, 'group_mappings');
  if (mappings !== undefined && mappings !== null) {
    if (!isObject(mappings)) throw new ActorConfigError(file, `${prefix}group_mappings`, 'must be an object: token group → group');
    for (const [source, target] of Object.entries(mappings)) {
      const where = `${prefix}group_mappings.${source}`;
      const targets = typeof target === 'string' ? [target] : target;
      if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string' && t !== '')) {
        throw new ActorConfigError(file, where, 'must be a group name (or a list of group names)');
      }
      groupMappings.set(source, Object.freeze([...targets]) as string[]);
    }
  }

  const hasMain = own(policy, 'repository_permissions') !== undefined;
  const hasAlias = own(policy, 'repositories') !== undefined;
  if (hasMain && hasAlias) {
    throw new ActorConfigError(file, `${prefix}repositories`, 'is an alias of repository_permissions: give one of them, not both');
  }
  const listField = `${prefix}${hasAlias ? 'repositories' : 'repository_permissions'}`;
  const list = hasAlias ? own(policy, 'repositories') : own(policy, 'repository_permissions');
  const repositoryPermissions: RepositoryPermission[] = [];
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list)) throw new ActorConfigError(file, listField, 'must be a list of repository permissions');
    list.forEach((entry, index) => repositoryPermissions.push(parsePermission(entry, file, `${listField}[${index}]`)));
  }

  return Object.freeze({ file, groupMappings, repositoryPermissions: Object.freeze(repositoryPermissions) });
}

function parsePermission(entry: unknown, file: string, where: string): RepositoryPermission {
  if (!isObject(entry)) throw new ActorConfigError(file, where, 'must be an object with repository, approver_group, groups, actions');
  const optionalString = (key: string): string | null => {
    const value = own(entry, key);
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') throw new ActorConfigError(file, `${where}.${key}`, 'must be a string');
    return value;
  };
  const repository = optionalString('repository');
  const approverGroup = optionalString('approver_group');

  const groups = own(entry, 'groups');
  if (groups === undefined || groups === null) {
    throw new ActorConfigError(file, `${where}.groups`, 'is missing: the groups this permission is granted to');
  }
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
    throw new ActorConfigError(file, `${where}.groups`, 'must be a list of group names');
  }

  let actions: readonly DecisionAction[] = DEFAULT_ACTIONS;
  const rawActions = own(entry, 'actions');
  if (rawActions !== undefined && rawActions !== null) {
    if (!Array.isArray(rawActions)) throw new ActorConfigError(file, `${where}.actions`, 'must be a list of actions (approved, denied, expired)');
    actions = Object.freeze(rawActions.map((action, i) => {
      const normalized = typeof action === 'string' ? ACTION_ALIASES[action] : undefined;
      if (!normalized || !Object.prototype.hasOwnProperty.call(ACTION_ALIASES, action as string)) {
        throw new ActorConfigError(file, `${where}.actions[${i}]`, `unknown action ${JSON.stringify(action)}: use approved, denied or expired (or approve, deny, expire)`);
      }
      return normalized;
    }));
  }
  return Object.freeze({ repository, approverGroup, groups: Object.freeze([...groups]), actions });
}

/** approve → approved, deny → denied, expire → expired; the states themselves pass through. */
export function normalizeAction(action: ActionName): DecisionAction {
  const normalized = Object.prototype.hasOwnProperty.call(ACTION_ALIASES, action) ? ACTION_ALIASES[action] : undefined;
  if (!normalized) throw new TypeError(`unknown approval action ${JSON.stringify(action)}`);
  return normalized;
}

/** The fields of an approval record the rules read (any CAVRA approval record fits). */
export interface ApprovalForAuthorization {
  readonly approver_group?: unknown;
  readonly break_glass?: unknown;
  readonly repository?: unknown;
  readonly decision?: unknown;
}

/**
 * May this verified actor take `action` on `approval`? `actorContext` must come from token
 * verification ({@link actorContextFromVerifiedClaims}); anything else throws a TypeError.
 *
 * `expire` and `expired` both count as the expire action for the `system` rule (CAVRA's API passes
 * the state `expired`, which its `system` shortcut does not recognise; the rule clearly means both).
 */
export function actorCanDecide(
  approval: ApprovalForAuthorization, actorContext: ActorContext, action: ActionName, rbac?: RbacPolicy | null,
): boolean {
  assertVerified(actorContext);
  const decisionAction = normalizeAction(action);
  const groups = actorContext.groups;
  if (decisionAction === 'expired' && groups.includes(SYSTEM_GROUP)) return true;
  if (pyTruthy(approval.break_glass) && !groups.includes(CHANGE_ADVISORY_BOARD)) return false;
  if (rbac && repositoryPermissionAllows(approval, groups, decisionAction, rbac)) return true;
  return typeof approval.approver_group === 'string' && groups.includes(approval.approver_group);
}

/** The body fields of a break-glass request the rules read. */
export interface BreakGlassRequest {
  /** Default `Change Advisory Board`. */
  readonly approver_group?: string;
  readonly decision?: unknown;
}

/**
 * May this verified actor create a break-glass approval? As CAVRA: the request is judged as a
 * break-glass approval being approved, so the actor must be in `Change Advisory Board` (and, when the
 * request names another approver group, in that group or allowed by a repository permission).
 */
export function actorCanBreakGlass(request: BreakGlassRequest, actorContext: ActorContext, rbac?: RbacPolicy | null): boolean {
  const approverGroup = request.approver_group === undefined ? CHANGE_ADVISORY_BOARD : request.approver_group;
  return actorCanDecide({ break_glass: true, approver_group: approverGroup, decision: request.decision }, actorContext, 'approved', rbac);
}

/** CAVRA's `repository_permissions` of `GET /console/session`: the permissions granted to this actor. */
export function repositoryPermissionsForActor(actorContext: ActorContext, rbac: RbacPolicy | null | undefined): Array<{
  repository: string; approver_group: string; actions: DecisionAction[]; groups: string[];
}> {
  assertVerified(actorContext);
  if (!rbac) return [];
  return rbac.repositoryPermissions
    .filter((permission) => permission.groups.some((g) => actorContext.groups.includes(g)))
    .map((permission) => ({
      repository: permission.repository ?? '*',
      approver_group: permission.approverGroup ?? '*',
      actions: [...permission.actions].sort(compareCodePoints),
      groups: [...new Set(permission.groups)].sort(compareCodePoints),
    }));
}

function repositoryPermissionAllows(
  approval: ApprovalForAuthorization, groups: readonly string[], action: DecisionAction, rbac: RbacPolicy,
): boolean {
  const repository = approvalRepository(approval);
  return rbac.repositoryPermissions.some((permission) =>
    (permission.repository === null || permission.repository === repository)
    && (permission.approverGroup === null || permission.approverGroup === approval.approver_group)
    && permission.actions.includes(action)
    && permission.groups.some((g) => groups.includes(g)));
}

/** approval.repository ‖ decision.repository ‖ decision.repo. */
function approvalRepository(approval: ApprovalForAuthorization): unknown {
  const decision = approval.decision;
  if (!isObject(decision)) return approval.repository;
  for (const value of [approval.repository, own(decision, 'repository'), own(decision, 'repo')]) {
    if (pyTruthy(value)) return value;
  }
  return own(decision, 'repo');
}

function assertVerified(actorContext: ActorContext): void {
  if (!isVerifiedActorContext(actorContext)) {
    throw new TypeError('actor context was not produced from a verified token; unverified claims are never trusted');
  }
}

function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}
