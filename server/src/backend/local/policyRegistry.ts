// The policy root as CAVRA's PolicyRegistry sees it: `<root>/<pack-id>/policy.yaml`, found by folder
// name, listed in folder-name order; inheritance resolved as CAVRA's load_policy does. Every read of
// a pack first finishes an interrupted publish of it (see publishPair.ts).
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { InheritanceError, resolveInheritance, type PolicyObject } from '../../policy/inheritance';
import { loadPolicyValue } from '../../policy/policyYaml';
import { compareCodePoints } from '../../policy/policyDiff';
import { isMapping, pyTruthy, type PyValue } from '../../policy/pythonValues';
import { BackendError } from '../backend';
import { hasDeadLockTemporaries, withLock, type LockOptions } from '../store';
import { needsRecovery, POLICY_FILE, recoverPolicyPair } from './publishPair';

export interface RegistryPack {
  id: PyValue;
  title: PyValue;
  description: PyValue;
  version: PyValue;
  policy: PolicyObject;
  folder: string;
}

/** CAVRA's `_validate_publish_pack_id`, stricter on Windows separators, NUL and drive colons. */
export function isSafePackId(id: string): boolean {
  return !!id && id !== '.' && id !== '..' && !/[/\\\0:]/.test(id) && id.trim() === id;
}

function metaField(meta: { [key: string]: PyValue }, key: string, fallback: PyValue): PyValue {
  return Object.prototype.hasOwnProperty.call(meta, key) ? meta[key] : fallback;
}

/** Policy files larger than this are not parsed (the editor's default cavra.maxFileSizeMb). */
export const DEFAULT_MAX_POLICY_BYTES = 5 * 1024 * 1024;

export class PolicyRegistry {
  constructor(
    readonly root: string,
    private readonly lock?: LockOptions,
    private readonly maxPolicyBytes = DEFAULT_MAX_POLICY_BYTES,
  ) {}

  packDir(id: string): string {
    return join(this.root, id);
  }

  /**
   * Why writing into the pack folder of `id` would leave the policy root, or undefined when it would
   * not. The folder may not exist yet (a first publish creates it inside the root); a symbolic link is
   * followed only when it resolves to a folder inside the root.
   */
  outsideRoot(id: string): string | undefined {
    const dir = this.packDir(id);
    let link: boolean;
    try {
      link = lstatSync(dir).isSymbolicLink();
    } catch {
      return undefined; // missing: mkdir creates a real folder under the root
    }
    if (!link) return undefined;
    let root: string;
    let target: string;
    try {
      root = realpathSync(this.root);
      target = realpathSync(dir);
    } catch {
      return `${dir} is a symbolic link that leads nowhere; publishing there is refused: replace it with a folder`;
    }
    if (target.startsWith(root + sep)) return undefined;
    return `${dir} is a symbolic link to ${target}, outside the policy root ${root}; publishing there would write outside it: replace the link with a folder`;
  }

  /** Lock target for publishing into a pack folder. */
  lockTarget(id: string): string {
    return join(this.packDir(id), '.publish');
  }

  /** Completes an interrupted publish of `id` (or clears its leftovers), if there is one. */
  async settle(id: string): Promise<void> {
    // Settling renames and deletes files: never in a folder outside the root.
    if (!isSafePackId(id) || this.outsideRoot(id)) return;
    const dir = this.packDir(id);
    // A publisher killed while taking the pack's lock leaves only the lock's temporary: taking the lock clears it.
    if (!needsRecovery(dir) && !hasDeadLockTemporaries(this.lockTarget(id))) return;
    await withLock(
      this.lockTarget(id),
      () => {
        recoverPolicyPair(dir);
      },
      this.lock,
    );
  }

  /** Removes a pack folder left empty by a failed first publish. */
  removeIfEmpty(id: string): void {
    try {
      rmdirSync(this.packDir(id));
    } catch {
      // not empty, or already gone
    }
  }

  private readPolicy(dir: string): PyValue | undefined {
    const file = join(dir, POLICY_FILE);
    if (!existsSync(file)) return undefined;
    // Parsing 50 MB of YAML takes gigabytes and tens of seconds: a file above the limit is not read.
    const size = statSync(file).size;
    if (size > this.maxPolicyBytes) {
      throw new Error(
        `${file} is ${(size / 1048576).toFixed(1)} MB, above the ${(this.maxPolicyBytes / 1048576).toFixed(1)} MB limit for policy files (setting cavra.maxFileSizeMb); it was not read`,
      );
    }
    return loadPolicyValue(readFileSync(file, 'utf8'), file);
  }

  /** list_policy_packs: folders in name order; packs whose YAML does not load are left out. */
  async list(): Promise<RegistryPack[]> {
    if (!existsSync(this.root)) return [];
    const packs: RegistryPack[] = [];
    const names = readdirSync(this.root).sort(compareCodePoints);
    for (const name of names) {
      const dir = join(this.root, name);
      try {
        if (!statSync(dir).isDirectory()) continue;
      } catch {
        continue;
      }
      await this.settle(name);
      let payload: PyValue | undefined;
      try {
        payload = this.readPolicy(dir);
      } catch {
        continue; // the language server reports the YAML error; CAVRA would fail the whole listing
      }
      const pack = this.packFrom(name, payload);
      if (pack) packs.push(pack);
    }
    return packs;
  }

  private packFrom(folder: string, payload: PyValue | undefined): RegistryPack | undefined {
    if (!isMapping(payload)) return undefined;
    const meta = isMapping(payload.metadata) ? payload.metadata : {};
    return {
      id: metaField(meta, 'id', folder),
      title: metaField(meta, 'title', null),
      description: metaField(meta, 'description', null),
      version: metaField(meta, 'version', null),
      policy: payload,
      folder,
    };
  }

  /** get_policy_pack(...)["policy"]: the YAML object as written, or a 404/400 BackendError. */
  async raw(id: string): Promise<PolicyObject> {
    if (!isSafePackId(id))
      throw new BackendError(400, `Policy pack '${id}' is not a safe pack id: it must name one folder under the policy root.`);
    await this.settle(id);
    const dir = this.packDir(id);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackendError(404, `Policy pack '${id}' not found.`);
    let payload: PyValue | undefined;
    try {
      payload = this.readPolicy(dir);
    } catch (error) {
      throw new BackendError(400, (error as Error).message);
    }
    const pack = this.packFrom(id, payload);
    if (!pack) throw new BackendError(404, `Policy pack '${id}' is invalid.`);
    if (!pyTruthy(pack.policy)) throw new BackendError(404, `Policy pack '${id}' contains no policy data.`);
    return pack.policy;
  }

  /** The published policy a draft with this id would replace, or null (CAVRA: create). */
  async current(id: string): Promise<PolicyObject | null> {
    if (!isSafePackId(id)) return null;
    try {
      await this.settle(id);
      const payload = this.readPolicy(this.packDir(id));
      const pack = this.packFrom(id, payload);
      return pack ? pack.policy : null;
    } catch {
      return null;
    }
  }

  /** load_policy: the policy with its inheritance merged, as RuntimeGuard evaluates it. */
  async resolved(id: string): Promise<PolicyObject> {
    const raws = new Map<string, PolicyObject>();
    const collect = async (packId: string, seen: string[]): Promise<void> => {
      if (raws.has(packId) || seen.includes(packId)) return;
      const raw = await this.raw(packId);
      raws.set(packId, raw);
      const meta = isMapping(raw.metadata) ? raw.metadata : {};
      const inherits = meta.inherits;
      const parents = typeof inherits === 'string' ? [inherits] : Array.isArray(inherits) ? inherits.map(String) : [];
      if (pyTruthy(inherits)) for (const p of parents) await collect(p, [...seen, packId]);
    };
    await collect(id, []);
    try {
      return resolveInheritance(id, (packId) => {
        const raw = raws.get(packId);
        if (!raw) throw new BackendError(404, `Policy pack '${packId}' not found.`);
        return raw;
      });
    } catch (error) {
      if (error instanceof InheritanceError) throw new BackendError(400, error.message);
      throw error;
    }
  }
}
