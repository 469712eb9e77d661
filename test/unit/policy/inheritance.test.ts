// CAVRA's inheritance merge: parents first in the order listed, child last; metadata keys replaced
// unless null, `inherits` always replaced; lists concatenated without repeats; then normalized.
import assert from 'node:assert/strict';
import {
  compilePolicy,
  dedupe,
  InheritanceError,
  mergePolicy,
  resolveInheritance,
  type PolicyObject,
} from '../../../server/src/policy/inheritance';

describe('inheritance', () => {
  const packs: { [id: string]: PolicyObject } = {
    base: {
      metadata: { id: 'base', title: 'Base', mode: 'audit_only' },
      filesystem: { block_read: ['.env', 'z'] },
      commands: { allow: ['pytest*'] },
      extra: [1],
    },
    gh: {
      metadata: { id: 'gh', title: 'GH' },
      filesystem: { block_read: ['.env', '.github/x'] },
      git: { require_pull_request: true },
    },
    child: {
      metadata: { id: 'child', title: 'Child', mode: null, inherits: ['base', 'gh'] },
      filesystem: { block_read: ['a'] },
      extra: [2],
    },
    solo: { metadata: { id: 'solo' }, commands: { block: ['z', 'a'] } },
    loop1: { metadata: { inherits: 'loop2' } },
    loop2: { metadata: { inherits: ['loop1'] } },
  };
  const load = (id: string) => {
    if (!packs[id]) throw new Error(`missing ${id}`);
    return packs[id];
  };

  it('merges parents then child, and normalizes the result', () => {
    assert.deepEqual(resolveInheritance('child', load), {
      metadata: { id: 'child', title: 'Child', mode: 'audit_only', inherits: ['base', 'gh'] },
      filesystem: { block_read: ['.env', '.github/x', 'a', 'z'] },
      commands: { allow: ['pytest*'] },
      extra: [2],
      git: { require_pull_request: true },
    });
  });

  it("returns a pack without inherits as written (not normalized), as CAVRA's load_policy does", () => {
    assert.deepEqual(resolveInheritance('solo', load).commands, { block: ['z', 'a'] });
  });

  it('names an inheritance cycle', () => {
    assert.throws(
      () => resolveInheritance('loop1', load),
      (e: unknown) => e instanceof InheritanceError && e.message === 'policy pack inheritance cycle: loop1 -> loop2 -> loop1',
    );
  });

  it('dedupes by JSON identity and merges nested sections', () => {
    assert.deepEqual(dedupe(['a', 'a', { x: 1, y: 2 }, { y: 2, x: 1 }, 1]), ['a', { x: 1, y: 2 }, 1]);
    assert.deepEqual(mergePolicy({ approvals: { a: { approvers: ['x'] } } }, { approvals: { a: { approvers: ['y'] }, b: 1 } }), {
      approvals: { a: { approvers: ['x', 'y'] }, b: 1 },
    });
    assert.deepEqual(compilePolicy({ metadata: { inherits: 'p' } }, [{ metadata: { inherits: null } }]), {
      metadata: { inherits: null },
    });
  });
});
