// The merge with origins: the policy is exactly resolveInheritance's, and every merged entry names the first
// pack in CAVRA's load order that lists it, at the index it has there (diamonds, repeats, metadata overwrite).
import assert from 'node:assert/strict';
import { effectivePolicy, inheritedPolicy } from '../../../server/src/policy/effectivePolicy';
import { InheritanceError, resolveInheritance, type PolicyObject } from '../../../server/src/policy/inheritance';

const packs: { [id: string]: PolicyObject } = {
  base: { metadata: { id: 'base', mode: 'enforce' }, commands: { block: ['curl*', 'rm*'] }, evidence: { fields: ['a'] } },
  left: { metadata: { id: 'left', inherits: 'base' }, commands: { block: ['wget*', 'curl*'] } },
  right: { metadata: { id: 'right', inherits: 'base', mode: 'audit_only' }, filesystem: { block_read: ['**'] } },
  app: {
    metadata: { id: 'app', inherits: ['left', 'right'], mode: null },
    commands: { block: ['curl*', 'git push*'], allow: ['git status'] },
    evidence: { fields: ['a', 'b'] },
  },
};
const load = (id: string) => {
  const p = packs[id];
  if (!p) throw new InheritanceError(`no pack ${id}`);
  return p;
};

describe('effective policy (the merge with origins)', () => {
  it("is exactly resolveInheritance's policy", () => {
    for (const id of Object.keys(packs)) assert.deepEqual(effectivePolicy(id, load).policy, resolveInheritance(id, load));
  });

  it('a diamond: load order names the shared grandparent once, first; each entry comes from the first pack listing it', () => {
    const e = effectivePolicy('app', load);
    assert.deepEqual(e.packs, ['base', 'left', 'right', 'app']);
    const origins = (key: string) => e.lists.get(key)!.map((x) => `${String(x.value)}@${x.origin.pack}[${x.origin.index}]`);
    assert.deepEqual(origins('commands.block'), ['curl*@base[0]', 'git push*@app[1]', 'rm*@base[1]', 'wget*@left[0]']);
    assert.deepEqual(origins('commands.allow'), ['git status@app[0]']);
    assert.deepEqual(origins('filesystem.block_read'), ['**@right[0]']);
    assert.deepEqual(origins('evidence.fields'), ['a@base[0]', 'b@app[1]']);
  });

  it('metadata: the last non-null writer in load order (the child overwrites, null keeps the parent)', () => {
    const e = effectivePolicy('app', load);
    assert.equal(e.metadata.get('mode'), 'right');
    assert.equal(e.metadata.get('id'), 'app');
    assert.equal(e.metadata.get('inherits'), 'app');
  });

  it("inheritedPolicy is the parents' merge a child is overlaid on", () => {
    const e = inheritedPolicy(['left', 'right'], load);
    assert.deepEqual(e.packs, ['base', 'left', 'right']);
    assert.deepEqual(
      e.lists.get('commands.block')!.map((x) => x.origin.pack),
      ['base', 'base', 'left'],
    );
  });

  it('cycles and missing packs throw as resolveInheritance does', () => {
    const cyclic: { [id: string]: PolicyObject } = { ...packs, base: { metadata: { id: 'base', inherits: 'app' } } };
    assert.throws(() => effectivePolicy('app', (id) => cyclic[id]), /inheritance cycle: app -> left -> base -> app/);
    assert.throws(() => inheritedPolicy(['nowhere'], load), InheritanceError);
  });
});
