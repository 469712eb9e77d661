// Filters that scale: the one rule for which approvals a filter shows, used by the editor's Approvals
// view and the CLI's `approval list`. CAVRA's GET /approvals filters only `state` and `approver_group`
// (SPEC 7) and clamps a page to 500; the requester and free text are applied by the studio to the pages
// it fetched (backend/approvalPages.ts), which is why `cavraQuery` and `matchesApprovalFilter` are apart.

export interface ApprovalFilter {
  /** CAVRA filters this (exact stored state). */
  state?: string;
  /** CAVRA filters this (exact group). */
  approver_group?: string;
  /** The studio filters this: exact requester. */
  requested_by?: string;
  /** The studio filters this: case-insensitive words, every one found in the approval's text. */
  text?: string;
}

export interface FilterableApproval {
  approval_id?: unknown;
  decision_id?: unknown;
  state?: unknown;
  approver_group?: unknown;
  requested_by?: unknown;
  decided_by?: unknown;
  decision_reason?: unknown;
  decision?: { [field: string]: unknown } | null;
}

const DECISION_TEXT = ['action_type', 'target', 'policy_id', 'policy_pack', 'rule_id', 'reason', 'repository'] as const;

/** The part of a filter CAVRA's list applies itself. */
export function cavraQuery(filter: ApprovalFilter): { state?: string; approver_group?: string } {
  return {
    ...(filter.state ? { state: filter.state } : {}),
    ...(filter.approver_group ? { approver_group: filter.approver_group } : {}),
  };
}

/** True when part of the filter is applied after fetching (CAVRA cannot apply it). */
export function filtersAfterFetching(filter: ApprovalFilter): boolean {
  return Boolean(filter.requested_by || filter.text?.trim());
}

/** What the text filter searches in: ids, people, group, and what the decision is about. */
export function approvalText(a: FilterableApproval): string {
  const d = a.decision ?? {};
  return [
    a.approval_id,
    a.decision_id,
    a.state,
    a.approver_group,
    a.requested_by,
    a.decided_by,
    a.decision_reason,
    ...DECISION_TEXT.map((k) => d[k]),
  ]
    .filter((v) => typeof v === 'string' && v)
    .join('\n')
    .toLowerCase();
}

export function matchesApprovalFilter(a: FilterableApproval, filter: ApprovalFilter): boolean {
  if (filter.state && a.state !== filter.state) return false;
  if (filter.approver_group && a.approver_group !== filter.approver_group) return false;
  if (filter.requested_by && a.requested_by !== filter.requested_by) return false;
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length) {
    const text = approvalText(a);
    if (!words.every((w) => text.includes(w))) return false;
  }
  return true;
}

/** "state pending, requested by dev, text "iam"": the filter in words, for titles and notes. */
export function describeApprovalFilter(filter: ApprovalFilter): string {
  const parts = [
    filter.state ? `state ${filter.state}` : '',
    filter.approver_group ? `group ${filter.approver_group}` : '',
    filter.requested_by ? `requested by ${filter.requested_by}` : '',
    filter.text?.trim() ? `text ${JSON.stringify(filter.text.trim())}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no filter';
}
