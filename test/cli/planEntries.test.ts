// `cavra-policy plan` shows the change entry by entry beside CAVRA's dotted paths (text and --json),
// for an update of a published pack; a new pack keeps CAVRA's plan exactly (no entries).
// A CAVRA server's plan gets the same entries, computed from the server's own draft and registry
// answers; a server without GET /policy-packs keeps CAVRA's plan and says why there are none.
// Fixture: test/fixtures/inheritance-root (cavra-top is published there; written for these tests).
import { strict as assert } from 'node:assert';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishPlan } from '../../server/src/protocol';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { createLocalBackend } from '../../server/src/backend/local';
import { CavraTestServer } from '../server/cavraTestServer';
import { startLocalCavraServer } from '../server/localCavraServer';
import { cli, cliAsync, cliJson } from './cliProcess';

const FIXTURE = join(repoRoot, 'test/fixtures/inheritance-root');

const TOP_DRAFT = `metadata:
  id: cavra-top
  title: Top
  description: The diamond's top.
  version: "1.1.0"
mcp:
  blocked_servers:
    - "shell-everything"
commands:
  block:
    - "curl | sh"
`;

/** The text output's lines from `from` up to the next section heading. */
function section(stdout: string, from: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l === from);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && /^\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('cavra-policy plan: entry by entry', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({}, FIXTURE);
  });
  afterEach(() => ws.remove());

  it("lists CAVRA's paths and, beside them, the entries added and removed and the values changed", () => {
    ws.write('drafts/top.yaml', TOP_DRAFT);
    const text = cli(ws.root, ['plan', 'drafts/top.yaml']);
    assert.equal(text.status, 0, text.stderr);
    assert.deepEqual(section(text.stdout, 'Diff:'), [
      'Diff:',
      '  + commands.block',
      '  ~ mcp.blocked_servers',
      '  ~ metadata.version',
    ]);
    assert.deepEqual(section(text.stdout, 'Entries:'), [
      'Entries:',
      '  + commands.block: curl | sh',
      '  + mcp.blocked_servers: shell-everything',
      '  - mcp.blocked_servers: shell-anything',
      '  ~ metadata.version: "1.0.0" → "1.1.0"',
    ]);

    const plan = cliJson<PublishPlan>(ws.root, ['plan', 'drafts/top.yaml']);
    assert.deepEqual(plan.diff, { added: ['commands.block'], removed: [], changed: ['mcp.blocked_servers', 'metadata.version'] });
    assert.deepEqual(plan.entries, {
      entries_added: [
        { list: 'commands.block', entry: 'curl | sh' },
        { list: 'mcp.blocked_servers', entry: 'shell-everything' },
      ],
      entries_removed: [{ list: 'mcp.blocked_servers', entry: 'shell-anything' }],
      scalars_changed: [{ path: 'metadata.version', before: '"1.0.0"', after: '"1.1.0"' }],
    });
  });

  it('says nothing entry by entry when the draft equals the published pack, or for a new pack', () => {
    ws.write('drafts/same.yaml', readFileSync(join(FIXTURE, 'policies/cavra-top/policy.yaml'), 'utf8'));
    const same = cli(ws.root, ['plan', 'drafts/same.yaml']);
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /Diff: no changes/);
    assert.doesNotMatch(same.stdout, /Entries:/);
    assert.equal(cliJson<PublishPlan>(ws.root, ['plan', 'drafts/same.yaml']).entries, undefined);

    ws.write('drafts/new.yaml', TOP_DRAFT.replace('id: cavra-top', 'id: cavra-new'));
    const created = cliJson<PublishPlan>(ws.root, ['plan', 'drafts/new.yaml']);
    assert.equal(created.operation, 'create');
    assert.equal(created.entries, undefined);
  });

  it('a CAVRA server: the same entries, from its own draft and registry answers', async () => {
    const server = await startLocalCavraServer();
    try {
      cpSync(join(FIXTURE, 'policies'), join(server.root, 'policies'), { recursive: true });
      ws.write('drafts/top.yaml', TOP_DRAFT);
      const run = await cliAsync(ws.root, ['plan', 'drafts/top.yaml', '--json', '--backend', 'remote', '--url', server.url]);
      assert.equal(run.status, 0, run.stderr);
      const plan = JSON.parse(run.stdout) as PublishPlan;
      assert.deepEqual(plan.diff, {
        added: ['commands.block'],
        removed: [],
        changed: ['mcp.blocked_servers', 'metadata.version'],
      });
      assert.deepEqual(plan.entries, cliJson<PublishPlan>(ws.root, ['plan', 'drafts/top.yaml']).entries, 'the local plan');
      assert.equal(plan.entries_unavailable, undefined);
      const text = await cliAsync(ws.root, ['plan', 'drafts/top.yaml', '--backend', 'remote', '--url', server.url]);
      assert.deepEqual(section(text.stdout, 'Entries:').slice(0, 2), ['Entries:', '  + commands.block: curl | sh']);
    } finally {
      await server.close();
    }
  });

  it("a CAVRA server that does not list its packs: CAVRA's plan as it is, and why no entries", async () => {
    const root = tempWorkspace({}, FIXTURE);
    const server = await CavraTestServer.start({ engine: createLocalBackend({ root: root.root }) });
    try {
      ws.write('drafts/top.yaml', TOP_DRAFT);
      const run = await cliAsync(ws.root, ['plan', 'drafts/top.yaml', '--backend', 'remote', '--url', server.url]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /~ mcp\.blocked_servers/, "CAVRA's diff is still shown");
      assert.match(run.stdout, /^Entries: unavailable \(the server did not give both sides: .*404.*\)$/m);
    } finally {
      await server.close();
      root.remove();
    }
  });
});
