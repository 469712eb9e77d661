// CAVRA's policy diff: normalized, flattened to dotted paths, string lists compared sorted.
import assert from 'node:assert/strict';
import { compareCodePoints, diffPolicies, flattenPolicy, normalizePolicy, pyEquals } from '../../../server/src/policy/policyDiff';
import { PyFloat } from '../../../server/src/policy/pythonValues';
import { byCodePoint } from '../../../server/src/policy/canonicalJson';
import fc from 'fast-check';

describe('policyDiff', () => {
  const base = {
    metadata: { id: 'cavra-x', title: 'T', description: 'D', version: '1' },
    filesystem: { block_read: ['b', 'a'] },
    commands: { block: ['x'] },
    git: { require_pull_request: true },
  };

  it('reports added, removed and changed dotted paths, each sorted', () => {
    const next = {
      metadata: { id: 'cavra-x', title: 'T2', description: 'D', version: '1' },
      filesystem: { block_read: ['a', 'b'], block_write: ['w'] },
      mcp: { allowed_servers: ['github'] },
      git: { require_pull_request: true },
    };
    assert.deepEqual(diffPolicies(base, next), {
      added: ['filesystem.block_write', 'mcp.allowed_servers'],
      removed: ['commands.block'],
      changed: ['metadata.title'],
    });
  });

  it('ignores list order of strings and Python-equal scalars (1 == 1.0 == True)', () => {
    assert.deepEqual(diffPolicies({ a: { x: 1, l: ['q', 'p'] } }, { a: { x: new PyFloat(1), l: ['p', 'q'] } }), {
      added: [],
      removed: [],
      changed: [],
    });
    assert.equal(pyEquals(true, 1), true);
    assert.equal(pyEquals('1', 1), false);
    assert.equal(pyEquals(null, false), false);
  });

  it('an empty mapping has no paths; lists that are not all strings stay as they are', () => {
    assert.deepEqual([...flattenPolicy({ git: {}, a: [2, 1] }).entries()], [['a', [2, 1]]]);
  });

  it('normalizes like CAVRA: filesystem/commands lists and MCP server lists sorted as strings', () => {
    assert.deepEqual(
      normalizePolicy({ commands: { allow: ['b', 1, 'a'] }, mcp: { allowed_servers: ['z', 'a'], other: ['z', 'a'] } }),
      { commands: { allow: ['1', 'a', 'b'] }, mcp: { allowed_servers: ['a', 'z'], other: ['z', 'a'] } },
    );
  });

  it('sorts by code point as Python does', () => {
    assert.deepEqual(['\uff5e', '\u{1F600}', 'b', 'B'].sort(compareCodePoints), ['B', 'b', '\uff5e', '\u{1F600}']);
  });

  it('the quick comparison orders as the code point definition does, lone surrogates included', () => {
    // Units chosen to meet every boundary: ASCII, just below and inside the surrogates, above them, astral.
    const unit = fc.constantFrom(0x61, 0x62, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xff5e);
    const text = fc.array(unit, { maxLength: 6 }).map((units) => String.fromCharCode(...units));
    const sign = (n: number) => Math.sign(n);
    fc.assert(
      fc.property(text, text, fc.string({ maxLength: 3 }), (a, b, prefix) => {
        assert.equal(sign(compareCodePoints(prefix + a, prefix + b)), sign(byCodePoint(prefix + a, prefix + b)));
        assert.equal(sign(compareCodePoints(a, a)), 0);
      }),
      { numRuns: 20000 },
    );
  });
});
