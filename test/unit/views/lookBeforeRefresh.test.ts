// A tree view fires onDidChangeTreeData only when what it shows changed: an inline action clicked on a
// row being re-created reaches its command without the row (the Approvals view's Deny asked "which
// approval?" in about one e2e run in four, approverInbox.e2e.ts).
import assert from 'node:assert/strict';
import { LookBeforeRefresh } from '../../../client/src/views/lookBeforeRefresh';

type Rows = string[];

function counted(rows: () => Rows): { load: () => Promise<Rows>; loads: () => number } {
  let n = 0;
  return {
    load: async () => {
      n++;
      return rows();
    },
    loads: () => n,
  };
}

describe('a tree view looks before it refreshes', () => {
  const fingerprint = (rows: Rows) => JSON.stringify(rows);

  it('refreshes without loading while nothing was ever shown (a view never opened costs nothing)', async () => {
    const gate = new LookBeforeRefresh<Rows>(fingerprint);
    const a = counted(() => ['a']);
    assert.equal(await gate.look([['f', a.load]]), true);
    assert.equal(a.loads(), 0);
  });

  it('does not refresh when the rows are the same, and does when one differs', async () => {
    let rows = ['apr_1 pending'];
    const gate = new LookBeforeRefresh<Rows>(fingerprint);
    const src = counted(() => rows);
    assert.deepEqual(await gate.show('f', src.load), ['apr_1 pending']);
    assert.equal(await gate.look([['f', src.load]]), false);
    assert.equal(await gate.look([['f', src.load]]), false);
    rows = ['apr_1 denied'];
    assert.equal(await gate.look([['f', src.load]]), true);
    // The rows the look found are shown without a second load.
    const before = src.loads();
    assert.deepEqual(await gate.show('f', src.load), ['apr_1 denied']);
    assert.equal(src.loads(), before);
    assert.equal(await gate.look([['f', src.load]]), false);
  });

  it('refreshes when a folder is added or removed, and forgets the removed one', async () => {
    const gate = new LookBeforeRefresh<Rows>(fingerprint);
    const one = counted(() => ['x']);
    const two = counted(() => ['y']);
    await gate.show('one', one.load);
    assert.equal(
      await gate.look([
        ['one', one.load],
        ['two', two.load],
      ]),
      true,
    );
    await gate.show('one', one.load);
    await gate.show('two', two.load);
    assert.equal(
      await gate.look([
        ['one', one.load],
        ['two', two.load],
      ]),
      false,
    );
    assert.equal(await gate.look([['one', one.load]]), true);
    await gate.show('one', one.load);
    assert.equal(await gate.look([['one', one.load]]), false);
  });

  it('a look overtaken by a later one leaves the decision to the later one', async () => {
    let rows = ['a'];
    const gate = new LookBeforeRefresh<Rows>(fingerprint);
    await gate.show('f', async () => rows);
    let release!: () => void;
    const slow = gate.look([['f', () => new Promise<Rows>((r) => (release = () => r(['changed, then changed back'])))]]);
    rows = ['b'];
    const later = gate.look([['f', async () => rows]]);
    release();
    assert.equal(await slow, false);
    assert.equal(await later, true);
  });

  it('rows a look found are taken only for a moment: a folder expanded later loads afresh', async () => {
    let now = 1_000_000;
    let rows = ['a'];
    const gate = new LookBeforeRefresh<Rows>(fingerprint, () => now, 2_000);
    await gate.show('f', async () => rows);
    rows = ['b'];
    assert.equal(await gate.look([['f', async () => rows]]), true);
    rows = ['c'];
    now += 60_000;
    assert.deepEqual(await gate.show('f', async () => rows), ['c']);
  });
});
