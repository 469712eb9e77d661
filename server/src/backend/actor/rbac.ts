// The approval RBAC file (SPEC 3.8): token group mappings and repository permissions. The file ($CAVRA_APPROVAL_RBAC_FILE in CAVRA) is JSON or YAML, optionally under a root key
// `approval_rbac`:
//   approval_rbac:
//     group_mappings: {github-team:payments-owners: Payments Owners}
//     repository_permissions:            # alias: repositories
//       - {repository: payments/api, approver_group: IAM, groups: [Payments Owners], actions: [approved, denied]}
// This file loads and checks it; the rules that apply it (who may decide) are policy/approvalRouting.ts.
import { resolve } from 'node:path';
import {
  DEFAULT_PERMISSION_ACTIONS,
  decisionActionOf,
  type DecisionAction,
  type RepositoryPermission,
} from '../../policy/approvalRouting';
import { compareCodePoints } from '../../policy/canonicalJson';
import { assertVerifiedActorContext, type ActorContext, type GroupMappings } from './actorContext';
import { ActorConfigError } from './errors';
import { isObject, loadObjectFile, own, type JsonObject } from './files';

export interface RbacPolicy {
  /** The file it was loaded from, when it was. */
  readonly file: string | null;
  /** Token group → groups the actor also gets. */
  readonly groupMappings: GroupMappings;
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
    if (!isObject(mappings))
      throw new ActorConfigError(file, `${prefix}group_mappings`, 'must be an object: token group → group');
    for (const [source, target] of Object.entries(mappings)) {
      const where = `${prefix}group_mappings.${source}`;
      const targets: unknown = typeof target === 'string' ? [target] : target;
      if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string' && t !== '')) {
        throw new ActorConfigError(file, where, 'must be a group name (or a list of group names)');
      }
      groupMappings.set(source, Object.freeze([...(targets as string[])]) as string[]);
    }
  }

  const hasMain = own(policy, 'repository_permissions') !== undefined;
  const hasAlias = own(policy, 'repositories') !== undefined;
  if (hasMain && hasAlias) {
    throw new ActorConfigError(
      file,
      `${prefix}repositories`,
      'is an alias of repository_permissions: give one of them, not both',
    );
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
  if (!isObject(entry))
    throw new ActorConfigError(file, where, 'must be an object with repository, approver_group, groups, actions');
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

  let actions: readonly DecisionAction[] = DEFAULT_PERMISSION_ACTIONS;
  const rawActions = own(entry, 'actions');
  if (rawActions !== undefined && rawActions !== null) {
    if (!Array.isArray(rawActions))
      throw new ActorConfigError(file, `${where}.actions`, 'must be a list of actions (approved, denied, expired)');
    actions = Object.freeze(
      rawActions.map((action, i) => {
        const normalized = decisionActionOf(action);
        if (!normalized) {
          throw new ActorConfigError(
            file,
            `${where}.actions[${i}]`,
            `unknown action ${JSON.stringify(action)}: use approved, denied or expired (or approve, deny, expire)`,
          );
        }
        return normalized;
      }),
    );
  }
  return Object.freeze({
    ...(repository === null ? {} : { repository }),
    ...(approverGroup === null ? {} : { approver_group: approverGroup }),
    groups: Object.freeze([...groups]),
    actions,
  });
}

/** CAVRA's `repository_permissions` of `GET /console/session`: the permissions granted to this actor. */
export function repositoryPermissionsForActor(
  actorContext: ActorContext,
  rbac: RbacPolicy | null | undefined,
): Array<{
  repository: string;
  approver_group: string;
  actions: string[];
  groups: string[];
}> {
  assertVerifiedActorContext(actorContext);
  if (!rbac) return [];
  return rbac.repositoryPermissions
    .filter((permission) => (permission.groups ?? []).some((g) => actorContext.groups.includes(g)))
    .map((permission) => ({
      repository: permission.repository ?? '*',
      approver_group: permission.approver_group ?? '*',
      actions: [...(permission.actions ?? DEFAULT_PERMISSION_ACTIONS)].sort(compareCodePoints),
      groups: [...new Set(permission.groups)].sort(compareCodePoints),
    }));
}
