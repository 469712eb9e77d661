// Filters that scale (issue 16): 1,200 approvals in the local store, written relative to now so the test
// passes on any day. CAVRA's list clamps a page to 500; the studio pages with offset past it, asks CAVRA
// for state and approver group, and applies requester and text itself (policy/approvalFilter.ts).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFilteredApprovals } from '../../../server/src/backend/approvalPages';
import { createLocalBackend } from '../../../server/src/backend/local';
import { matchesApprovalFilter } from '../../../server/src/policy/approvalFilter';
import { approvalRecords } from './approvalRecords';
import { workspace, type Workspace } from './backendFixtures';

describe('approvals past the 500 page cap, filtered', () => {
  let ws: Workspace;
  before(() => {
    ws = workspace();
    mkdirSync(join(ws.root, '.cavra'), { recursive: true });
    writeFileSync(join(ws.root, '.cavra', 'approvals.json'), JSON.stringify({ items: approvalRecords(1200) }));
  });
  after(() => ws.cleanup());
  const backend = () => createLocalBackend({ root: ws.root });

  it("CAVRA's own list stops at 500 a page", async () => {
    const page = await backend().listApprovals({ limit: 5000 });
    assert.deepEqual([page.items.length, page.total, page.limit], [500, 1200, 500]);
  });

  it('pages with offset to every approval, newest first, no gaps or repeats', async () => {
    const all = await listFilteredApprovals(backend());
    assert.deepEqual([all.items.length, all.total, all.fetched, all.pages, all.note], [1200, 1200, 1200, 3, null]);
    assert.equal(new Set(all.items.map((a) => a.approval_id)).size, 1200);
    assert.equal(all.items[0].approval_id, 'apr_000000000000');
    assert.equal(all.items[1199].approval_id, `apr_${(1199).toString(16).padStart(12, '0')}`);
  });

  it('requester and text are applied after fetching, and say so; state and group go to CAVRA', async () => {
    const bots = await listFilteredApprovals(backend(), { requested_by: 'bot', state: 'approved' });
    // i % 4 === 0 and i % 3 === 0: every 12th of 1,200.
    assert.equal(bots.total, 100);
    assert.equal(bots.fetched, 400, 'CAVRA filtered the state: only the 400 approved were fetched');
    assert.match(
      bots.note ?? '',
      /applied by the studio to the 400 approvals fetched in 1 page: CAVRA's API filters only state and approver_group/,
    );
    const text = await listFilteredApprovals(backend(), { text: 'ADMIN-role write_file' });
    assert.deepEqual(
      text.items.map((a) => a.decision_id),
      ['dec_1111'],
    );
    const page = await listFilteredApprovals(backend(), { approver_group: 'IAM', limit: 10, offset: 590 });
    assert.deepEqual(
      [page.total, page.items.length, page.items[0].approval_id],
      [600, 10, `apr_${(1181).toString(16).padStart(12, '0')}`],
    );
  });

  it('the rule: every given part must hold; words anywhere, any case', () => {
    const a = {
      approval_id: 'apr_1',
      state: 'pending',
      approver_group: 'IAM',
      requested_by: 'dev',
      decision: { target: 'iam/admin.tf' },
    };
    assert.equal(matchesApprovalFilter(a, {}), true);
    assert.equal(matchesApprovalFilter(a, { text: 'IAM ADMIN' }), true);
    assert.equal(matchesApprovalFilter(a, { text: 'iam nothing' }), false);
    assert.equal(matchesApprovalFilter(a, { requested_by: 'de' }), false);
    assert.equal(matchesApprovalFilter(a, { state: 'approved' }), false);
  });
});
