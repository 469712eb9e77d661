// Filters that scale against a CAVRA server (the test server on 127.0.0.1): its GET /approvals clamps a
// page to 500; the studio pages with offset to all 1,200 (written relative to now) and filters requester
// and text itself.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFilteredApprovals } from '../../../server/src/backend/approvalPages';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { startLocalCavraServer, type LocalCavraServer } from '../../server/localCavraServer';
import { approvalRecords } from '../backend/approvalRecords';

describe('remote backend: approvals past the 500 page cap', function () {
  this.timeout(30_000);
  let s: LocalCavraServer;
  before(async () => {
    s = await startLocalCavraServer();
    mkdirSync(join(s.root, '.cavra', 'api'), { recursive: true });
    writeFileSync(join(s.root, '.cavra', 'api', 'approvals.json'), JSON.stringify({ items: approvalRecords(1200) }));
  });
  after(() => s.close());

  it('pages over HTTP with offset and applies requester and text after fetching', async () => {
    const remote = new RemoteBackend({ url: s.url, proxy: false });
    const first = await remote.listApprovals({ limit: 1000 });
    assert.deepEqual([first.items.length, first.limit, first.total], [500, 500, 1200]);
    const all = await listFilteredApprovals(remote);
    assert.deepEqual([all.total, new Set(all.items.map((a) => a.approval_id)).size, all.pages], [1200, 1200, 3]);
    const found = await listFilteredApprovals(remote, { requested_by: 'dev', text: 'admin-role' });
    assert.deepEqual(
      found.items.map((a) => a.decision_id),
      ['dec_1111'],
    );
    assert.match(found.note ?? '', /fetched in 3 pages: CAVRA's API filters only state and approver_group/);
  });
});
