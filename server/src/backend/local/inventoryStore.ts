// CAVRA's inventory store for rollouts: `{"policy_rollouts": [...], "repositories": [...]}` (default
// `.cavra/api/inventory.json`), same layout and locking as the approval store.
import type { PolicyRolloutRecord, RolloutList, RolloutListQuery } from '../backend';
import { readJsonStore, updateJsonStore, type JsonObject, type LockOptions } from '../store';
import { compareCodePoints } from '../../policy/policyDiff';

const KEYS = ['repositories', 'policy_rollouts'];

export class InventoryStore {
  constructor(
    readonly file: string,
    private readonly lock?: LockOptions,
  ) {}

  rollouts(): PolicyRolloutRecord[] {
    return (readJsonStore(this.file, KEYS)?.policy_rollouts as PolicyRolloutRecord[] | undefined) ?? [];
  }

  get(rolloutId: string): PolicyRolloutRecord | undefined {
    return this.rollouts().find((item) => item.rollout_id === rolloutId);
  }

  list(query: RolloutListQuery = {}): RolloutList {
    let items = this.rollouts();
    for (const key of ['repository', 'policy_pack', 'state', 'mode', 'owner'] as const) {
      const value = query[key];
      if (value) items = items.filter((item) => item[key] === value);
    }
    items = [...items].sort((a, b) => compareCodePoints(String(a.rollout_id ?? ''), String(b.rollout_id ?? '')));
    return { items, total: items.length };
  }

  /** Under the lock: `change` sees the latest rollouts and returns the record to upsert (or throws). */
  async mutate<T>(
    change: (current: (id: string) => PolicyRolloutRecord | undefined) => { record: PolicyRolloutRecord; result: T },
    afterWrite?: (result: T) => void | Promise<void>,
  ): Promise<T> {
    return updateJsonStore(
      this.file,
      KEYS,
      (store: JsonObject) => {
        const rollouts = (store.policy_rollouts as PolicyRolloutRecord[] | undefined) ?? [];
        const { record, result } = change((id) => rollouts.find((item) => item.rollout_id === id));
        const next = {
          ...store,
          repositories: (store.repositories as unknown[] | undefined) ?? [],
          policy_rollouts: [...rollouts.filter((item) => item.rollout_id !== record.rollout_id), record],
        };
        return { next, result };
      },
      { lock: this.lock, afterWrite },
    );
  }
}
