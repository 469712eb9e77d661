// Approvals past CAVRA's page cap: GET /approvals clamps `limit` to 500, so the studio pages with
// `offset` until it has seen `total`, asking CAVRA for what it filters (state, approver group) and
// applying the rest (requester, text: policy/approvalFilter.ts) to what it fetched. Same for the local
// store and a CAVRA server, and for the CLI and the editor.
import { cavraQuery, filtersAfterFetching, matchesApprovalFilter } from '../policy/approvalFilter';
import type { ApprovalRecord, Backend, FilteredApprovals, FilteredApprovalsQuery } from './backend';

/** CAVRA's largest page. */
export const CAVRA_PAGE_LIMIT = 500;

export async function listFilteredApprovals(backend: Backend, query: FilteredApprovalsQuery = {}): Promise<FilteredApprovals> {
  const serverQuery = cavraQuery(query);
  const matching: ApprovalRecord[] = [];
  let fetched = 0;
  let pages = 0;
  for (let offset = 0; ; offset += CAVRA_PAGE_LIMIT) {
    const page = await backend.listApprovals({ ...serverQuery, limit: CAVRA_PAGE_LIMIT, offset });
    pages += 1;
    fetched += page.items.length;
    for (const a of page.items) if (matchesApprovalFilter(a, query)) matching.push(a);
    // An empty page also ends it: a store that shrank under us must not loop.
    if (!page.items.length || offset + CAVRA_PAGE_LIMIT >= page.total) break;
  }
  const offset = Math.max(0, Math.trunc(query.offset ?? 0));
  const end = query.limit === undefined ? undefined : offset + Math.max(0, Math.trunc(query.limit));
  return {
    items: matching.slice(offset, end),
    total: matching.length,
    offset,
    fetched,
    pages,
    note: filtersAfterFetching(query)
      ? `requester and text are applied by the studio to the ${fetched} approval${fetched === 1 ? '' : 's'} fetched in ${pages} page${pages === 1 ? '' : 's'}: CAVRA's API filters only state and approver_group`
      : null,
  };
}
