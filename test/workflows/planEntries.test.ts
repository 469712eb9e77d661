// The publish plan over the language server (stdio) carries the change entry by entry beside CAVRA's
// `diff`, for an open, unsaved edit of a published pack, and the plan webview shows it.
// Fixture: test/fixtures/inheritance-root (written for these tests; cavra-top is published there).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkflowRequests } from '../../server/src/protocol';
import { renderPublishPlan } from '../../client/src/webview/render/publishPlan';
import { LspClient } from '../lsp/lspClient';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace } from '../lsp/tempWorkspace';

describe('workflow requests: the publish plan entry by entry', function () {
  this.timeout(30_000);
  it("plans an edited pack with the entries added and removed and the values changed, beside CAVRA's diff", async () => {
    const ws = tempWorkspace({}, join(repoRoot, 'test/fixtures/inheritance-root'));
    const client = await LspClient.start({ workspace: ws.root });
    try {
      const file = join(ws.root, 'policies/cavra-top/policy.yaml');
      const uri = pathToFileURL(file).href;
      const published = readFileSync(file, 'utf8');
      const edited = published
        .replace('version: "1.0.0"', 'version: "1.0.1"')
        .replace('    - "shell-anything"\n', '    - "<b>shell</b>"\ncommands:\n  block:\n    - "terraform destroy"\n');
      await client.open(uri, edited);
      const plan = await client.connection.sendRequest(WorkflowRequests.publishPlan, { uri });
      assert.equal(plan.operation, 'update');
      assert.deepEqual(plan.diff, {
        added: ['commands.block'],
        removed: [],
        changed: ['mcp.blocked_servers', 'metadata.version'],
      });
      assert.deepEqual(plan.entries, {
        entries_added: [
          { list: 'commands.block', entry: 'terraform destroy' },
          { list: 'mcp.blocked_servers', entry: '<b>shell</b>' },
        ],
        entries_removed: [{ list: 'mcp.blocked_servers', entry: 'shell-anything' }],
        scalars_changed: [{ path: 'metadata.version', before: '"1.0.0"', after: '"1.0.1"' }],
      });

      const page = renderPublishPlan(plan, 'local').toString();
      assert.match(page, /<h2>Entry by entry<\/h2>/);
      assert.ok(page.includes('<code>+ mcp.blocked_servers: &lt;b&gt;shell&lt;/b&gt;</code>'), page);
      assert.ok(page.includes('<code>− mcp.blocked_servers: shell-anything</code>'), page);
      assert.ok(page.includes('<code>~ metadata.version: &quot;1.0.0&quot; → &quot;1.0.1&quot;</code>'), page);
      // CAVRA's paths stay beside it.
      assert.ok(page.includes('<code>~ metadata.version</code>'), page);

      // The request an approver approves carries the same entries.
      const request = await client.connection.sendRequest(WorkflowRequests.publishRequest, { uri });
      assert.deepEqual(request.plan.entries, plan.entries);
    } finally {
      await client.stop();
      ws.remove();
    }
  });
});
