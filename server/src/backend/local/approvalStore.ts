// The approval store as CAVRA keeps it: `{"items": [...]}` (CLI default `.cavra/approvals.json`),
// written with sorted keys and two-space indent; an upsert drops the record with the same id and
// appends. Writes happen under the store's lock on the latest content, so concurrent writers
// (windows, CLI loops) never lose an update. Other top-level keys are kept as found.
import { BackendError, type ApprovalList, type ApprovalListQuery, type ApprovalRecord } from '../backend';
import { readJsonStore, updateJsonStore, type LockOptions } from '../store';
import { compareCodePoints } from '../../policy/policyDiff';
import { APPROVAL_STATES } from './approvalRecords';

export class ApprovalStore {
  constructor(
    readonly file: string,
    private readonly lock?: LockOptions,
  ) {}

  items(): ApprovalRecord[] {
    const store = readJsonStore(this.file, ['items']);
    return (store?.items as ApprovalRecord[] | undefined) ?? [];
  }

  get(approvalId: string): ApprovalRecord | undefined {
    return this.items().find((item) => item.approval_id === approvalId);
  }

  /** CAVRA's list: filters, requested_at newest first, limit clamped to 1..500, offset at least 0. */
  list(query: ApprovalListQuery = {}): ApprovalList {
    const limit = Math.max(1, Math.min(Math.trunc(query.limit ?? 50), 500));
    const offset = Math.max(0, Math.trunc(query.offset ?? 0));
    let items = this.items();
    if (query.state) items = items.filter((item) => item.state === query.state);
    if (query.approver_group) items = items.filter((item) => item.approver_group === query.approver_group);
    // Python's sorted(reverse=True) is stable: equal keys keep their store order.
    const keyed = items.map((item, index) => ({ item, index, key: String(item.requested_at ?? '') }));
    keyed.sort((a, b) => compareCodePoints(b.key, a.key) || a.index - b.index);
    items = keyed.map((k) => k.item);
    return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
  }

  /**
   * Reads the latest store under its lock and replaces the records `change` returns (matched by id);
   * nothing is written when it returns none. `afterWrite` runs still locked, with the replaced ones.
   */
  async mutateEach(
    change: (items: readonly ApprovalRecord[]) => ApprovalRecord[],
    afterWrite?: (records: ApprovalRecord[]) => void | Promise<void>,
  ): Promise<ApprovalRecord[]> {
    return updateJsonStore(
      this.file,
      ['items'],
      (store) => {
        const items = store.items as ApprovalRecord[];
        const changed = change(items);
        if (!changed.length) return { next: undefined, result: changed };
        const byId = new Map(changed.map((r) => [r.approval_id, r]));
        return { next: { ...store, items: items.map((item) => byId.get(item.approval_id) ?? item) }, result: changed };
      },
      {
        lock: this.lock,
        afterWrite: async (records) => {
          if (records.length) await afterWrite?.(records);
        },
      },
    );
  }

  /**
   * Reads the latest store under its lock, lets `change` build the new or updated record from it (it
   * may throw: nothing is written), upserts it, writes atomically, then runs `afterWrite` still locked.
   */
  async mutate<T extends ApprovalRecord>(
    change: (current: (id: string) => ApprovalRecord | undefined) => T,
    afterWrite?: (record: T) => void | Promise<void>,
  ): Promise<T> {
    return updateJsonStore(
      this.file,
      ['items'],
      (store) => {
        const items = store.items as ApprovalRecord[];
        const record = change((id) => items.find((item) => item.approval_id === id));
        if (!record.approval_id) throw new BackendError(400, 'approval must include approval_id');
        if (!(APPROVAL_STATES as readonly string[]).includes(record.state))
          throw new BackendError(400, `unsupported approval state: ${record.state}`);
        const next = { ...store, items: [...items.filter((item) => item.approval_id !== record.approval_id), record] };
        return { next, result: record };
      },
      { lock: this.lock, afterWrite },
    );
  }
}
