// The publish plan's change entry by entry, beside CAVRA's dotted paths: every path it names is one
// CAVRA's diff names, and every path CAVRA's diff names is explained by at least one entry.
import assert from 'node:assert/strict';
import { diffPolicies } from '../../../server/src/policy/policyDiff';
import { entryDiffLines, isEmptyEntryDiff, policyEntryDiff, publishEntryDiff } from '../../../server/src/policy/policyEntryDiff';
import { PyFloat } from '../../../server/src/policy/pythonValues';

const published = {
  metadata: { id: 'cavra-iam', title: 'IAM', description: 'D', version: '1.0.0' },
  filesystem: { block_write: ['iam/**', 'secrets/**'] },
  commands: { block: ['terraform destroy'] },
  git: { require_pull_request: true },
};

const draft = {
  metadata: { id: 'cavra-iam', title: 'IAM', description: 'D', version: '1.1.0', mode: 'strict_regulated' },
  filesystem: { block_write: ['secrets/**', 'iam/prod/**'], block_read: ['.env'] },
  commands: {},
  git: { require_pull_request: false },
};

describe('policyEntryDiff', () => {
  it('names each list entry added and removed and each value changed from what to what', () => {
    assert.deepEqual(publishEntryDiff(published, draft), {
      entries_added: [
        { list: 'filesystem.block_read', entry: '.env' },
        { list: 'filesystem.block_write', entry: 'iam/prod/**' },
      ],
      entries_removed: [
        { list: 'commands.block', entry: 'terraform destroy' },
        { list: 'filesystem.block_write', entry: 'iam/**' },
      ],
      scalars_changed: [
        { path: 'git.require_pull_request', before: 'true', after: 'false' },
        { path: 'metadata.mode', before: null, after: '"strict_regulated"' },
        { path: 'metadata.version', before: '"1.0.0"', after: '"1.1.0"' },
      ],
    });
  });

  it("covers exactly CAVRA's paths: no path CAVRA's diff leaves out, none it names left unexplained", () => {
    const entries = publishEntryDiff(published, draft);
    const cavra = diffPolicies(published, draft);
    const named = new Set([
      ...entries.entries_added.map((e) => e.list),
      ...entries.entries_removed.map((e) => e.list),
      ...entries.scalars_changed.map((c) => c.path),
    ]);
    assert.deepEqual([...named].sort(), [...cavra.added, ...cavra.removed, ...cavra.changed].sort());
  });

  it('ignores list order and Python-equal values (1 == 1.0), as CAVRA does', () => {
    const diff = policyEntryDiff({ a: { l: ['q', 'p'], x: 1 } }, { a: { l: ['p', 'q'], x: new PyFloat(1) } });
    assert.ok(isEmptyEntryDiff(diff));
  });

  it("reads list items as CAVRA's normalize does (str(item)) under filesystem and commands", () => {
    const diff = publishEntryDiff({ commands: { block: [1] } }, { commands: { block: ['1', true] } });
    assert.deepEqual(diff.entries_added, [{ list: 'commands.block', entry: 'True' }]);
    assert.deepEqual(diff.entries_removed, []);
  });

  it('reports a value that became a list both as its entries and as a change of type', () => {
    const diff = policyEntryDiff({ mcp: { allowed_servers: 'github' } }, { mcp: { allowed_servers: ['github'] } });
    assert.deepEqual(diff.entries_added, [{ list: 'mcp.allowed_servers', entry: 'github' }]);
    assert.deepEqual(diff.scalars_changed, [{ path: 'mcp.allowed_servers', before: '"github"', after: '["github"]' }]);
  });

  it('writes one line per change: + added, - removed, ~ changed with (none) for a missing value', () => {
    assert.deepEqual(entryDiffLines(publishEntryDiff(published, draft)), [
      '+ filesystem.block_read: .env',
      '+ filesystem.block_write: iam/prod/**',
      '- commands.block: terraform destroy',
      '- filesystem.block_write: iam/**',
      '~ git.require_pull_request: true → false',
      '~ metadata.mode: (none) → "strict_regulated"',
      '~ metadata.version: "1.0.0" → "1.1.0"',
    ]);
  });
});
