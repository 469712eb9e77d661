// Draft validation errors in CAVRA's words: jsonschema's messages with Python reprs, "<dotted.path>: ",
// sorted by path. Expected lines are Python jsonschema 4.26's output for the same instance.
import assert from 'node:assert/strict';
import { createLocalBackend } from '../../../server/src/backend/local';
import { workspace } from './backendFixtures';

describe('draft validation errors as CAVRA reports them', () => {
  it('formats every kind of error like jsonschema and sorts them by path', async () => {
    const ws = workspace();
    try {
      const draft = await ws.backend.draft({
        draft: {
          metadata: { id: 'platform', title: 'T', description: 'D', version: '1', mode: 'x', inherits: [] },
          filesystem: { z: 1, a: 2, block_read: ['a', 'a'] },
          commands: { block: 'x' },
          mcp: { risk_scoring: { a: 'huge' } },
        },
      });
      assert.equal(draft.valid, false);
      assert.deepEqual(draft.errors, [
        "commands.block: 'x' is not of type 'array'",
        "filesystem: Additional properties are not allowed ('a', 'z' were unexpected)",
        "filesystem.block_read: ['a', 'a'] has non-unique elements",
        "mcp.risk_scoring.a: 'huge' is not one of ['low', 'medium', 'high', 'critical']",
        "metadata.id: 'platform' does not match '^cavra-[a-z0-9-]+$'",
        "metadata.mode: 'x' is not one of ['audit_only', 'enforce', 'strict_regulated', 'break_glass']",
      ]);
      // `inherits: []` is falsy, so CAVRA's draft drops it before validating.
      assert.equal('inherits' in draft.policy_pack.metadata, false);
    } finally {
      ws.cleanup();
    }
  });

  it("a draft without id, title or description is CAVRA's 400; the preview never writes", async () => {
    const ws = workspace();
    try {
      const b = createLocalBackend({ root: ws.root });
      await assert.rejects(b.draft({ draft: { id: 'cavra-x', title: 'T' } }), /policy draft requires id, title, and description/);
      await assert.rejects(b.draft({ draft: {}, draft_yaml: 'a: 1' }), /not both/);
      const fromYaml = await b.draft({
        draft_yaml: 'metadata:\n  id: cavra-x\n  title: T\n  description: D\n  version: 2026.05\n',
      });
      assert.equal(fromYaml.policy_pack.metadata.version, '2026.05');
      assert.equal(fromYaml.valid, true);
    } finally {
      ws.cleanup();
    }
  });
});
