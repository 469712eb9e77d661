// A parent's reach in `cavra-policy plan` (text and --json) and in `request` (the approver's summary):
// the packs that inherit the planned one whose effective policy changes, entry by entry, merged with
// CAVRA's inheritance over the published parent and over the draft.
// Fixture: test/fixtures/inheritance-root (two levels, three levels, a diamond, an orphan).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { PublishPlan } from '../../server/src/protocol';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';

const FIXTURE = join(repoRoot, 'test/fixtures/inheritance-root');

const TOP_DRAFT = `metadata:
  id: cavra-top
  title: Top
  description: The diamond's top.
  version: "1.1.0"
  mode: strict_regulated
mcp:
  blocked_servers:
    - "shell-everything"
commands:
  block:
    - "curl | sh"
`;

/** The text output's lines from "Reach:" up to "Notes:". */
function reachSection(stdout: string): string[] {
  const lines = stdout.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Reach:'));
  const to = lines.findIndex((l) => l.startsWith('Notes:'));
  return from < 0 ? [] : lines.slice(from, to);
}

describe("cavra-policy plan: a parent's reach", () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({}, FIXTURE);
  });
  afterEach(() => ws.remove());

  it('lists each side and the bottom of a diamond with the entries and values their agents would get', () => {
    ws.write('drafts/top.yaml', TOP_DRAFT);
    const text = cli(ws.root, ['plan', 'drafts/top.yaml']);
    assert.equal(text.status, 0, text.stderr);
    const changes = [
      '    + commands.block: curl | sh',
      '    + mcp.blocked_servers: shell-everything',
      '    - mcp.blocked_servers: shell-anything',
      '    ~ metadata.mode: (none) → "strict_regulated"',
    ];
    assert.deepEqual(reachSection(text.stdout), [
      'Reach: 3 packs inherit this one; 3 get a different effective policy',
      '  cavra-bottom (via cavra-left → cavra-top)',
      ...changes,
      '  cavra-left (inherits cavra-top)',
      ...changes,
      '  cavra-right (inherits cavra-top)',
      ...changes,
    ]);

    const plan = cliJson<PublishPlan>(ws.root, ['plan', 'drafts/top.yaml']);
    assert.equal(plan.reach?.descendants, 3);
    assert.equal(plan.reach?.unchanged, 0);
    assert.deepEqual(plan.reach?.changed[0], {
      policy_id: 'cavra-bottom',
      via: ['cavra-bottom', 'cavra-left', 'cavra-top'],
      entries_added: [
        { list: 'commands.block', entry: 'curl | sh' },
        { list: 'mcp.blocked_servers', entry: 'shell-everything' },
      ],
      entries_removed: [{ list: 'mcp.blocked_servers', entry: 'shell-anything' }],
      scalars_changed: [{ path: 'metadata.mode', before: null, after: '"strict_regulated"' }],
    });
  });

  it('counts but does not list descendants whose effective policy stays the same (three levels)', () => {
    // The children keep their own title and version: renaming the top changes nothing they get.
    ws.write(
      'drafts/org.yaml',
      `metadata:\n  id: cavra-org\n  title: Org renamed\n  description: Three levels, the top.\n  version: "2.0.0"\n  mode: enforce\nfilesystem:\n  block_read:\n    - ".env"\n`,
    );
    const plan = cliJson<PublishPlan>(ws.root, ['plan', 'drafts/org.yaml']);
    assert.deepEqual(plan.reach, { descendants: 2, changed: [], unchanged: 2 });
    assert.deepEqual(reachSection(cli(ws.root, ['plan', 'drafts/org.yaml']).stdout), [
      'Reach: 2 packs inherit this one; 0 get a different effective policy; 2 packs unchanged (not listed)',
    ]);
  });

  it('shows the middle of three levels reaching only the pack below it', () => {
    ws.write(
      'drafts/team.yaml',
      `metadata:\n  id: cavra-team\n  title: Team\n  description: Three levels, the middle.\n  version: "1.0.0"\n  inherits: cavra-org\nfilesystem:\n  block_write:\n    - "infra/prod/**"\n`,
    );
    const plan = cliJson<PublishPlan>(ws.root, ['plan', 'drafts/team.yaml']);
    assert.deepEqual(plan.reach, {
      descendants: 1,
      unchanged: 0,
      changed: [
        {
          policy_id: 'cavra-service',
          via: ['cavra-service', 'cavra-team'],
          entries_added: [{ list: 'filesystem.block_write', entry: 'infra/prod/**' }],
          entries_removed: [{ list: 'filesystem.block_write', entry: 'infra/**' }],
          scalars_changed: [],
        },
      ],
    });
  });

  it('creating a pack an orphan already inherits: the orphan loads for the first time, and says why it did not', () => {
    ws.write(
      'drafts/missing.yaml',
      `metadata:\n  id: cavra-missing\n  title: Missing\n  description: The orphan's parent.\n  version: "1.0.0"\ncommands:\n  block:\n    - "rm -rf /"\n`,
    );
    const text = cli(ws.root, ['plan', 'drafts/missing.yaml']);
    assert.deepEqual(reachSection(text.stdout), [
      'Reach: 1 pack inherits this one; 1 get a different effective policy',
      '  cavra-orphan (inherits cavra-missing)',
      "    ! does not load today: Policy pack 'cavra-missing' not found.",
      '    + commands.block: rm -rf /',
      '    ~ metadata.description: (none) → "Inherits a pack that does not exist."',
      '    ~ metadata.id: (none) → "cavra-orphan"',
      '    ~ metadata.inherits: (none) → "cavra-missing"',
      '    ~ metadata.title: (none) → "Orphan"',
      '    ~ metadata.version: (none) → "1.0.0"',
    ]);
  });

  it('says which descendants CAVRA could no longer load once the draft is published (a cycle through the diamond)', () => {
    ws.write(
      'drafts/top.yaml',
      `metadata:\n  id: cavra-top\n  title: Top\n  description: x\n  version: "1.0.0"\n  inherits: cavra-bottom\n`,
    );
    assert.deepEqual(reachSection(cli(ws.root, ['plan', 'drafts/top.yaml']).stdout), [
      'Reach: 3 packs inherit this one; 3 get a different effective policy',
      '  cavra-bottom (via cavra-left → cavra-top)',
      '    ! would not load once published: policy pack inheritance cycle: cavra-bottom -> cavra-left -> cavra-top -> cavra-bottom',
      '  cavra-left (inherits cavra-top)',
      '    ! would not load once published: policy pack inheritance cycle: cavra-left -> cavra-top -> cavra-bottom -> cavra-left',
      '  cavra-right (inherits cavra-top)',
      '    ! would not load once published: policy pack inheritance cycle: cavra-top -> cavra-bottom -> cavra-left -> cavra-top',
    ]);
  });

  it('a pack nobody inherits plans exactly as CAVRA does: no reach', () => {
    ws.write(
      'drafts/service.yaml',
      `metadata:\n  id: cavra-service\n  title: Service\n  description: x\n  version: "1.0.1"\n  inherits: cavra-team\n`,
    );
    const plan = cliJson<Record<string, unknown>>(ws.root, ['plan', 'drafts/service.yaml']);
    assert.equal('reach' in plan, false);
    assert.deepEqual(reachSection(cli(ws.root, ['plan', 'drafts/service.yaml']).stdout), []);
  });

  it('request tells the approver which inheriting packs change', () => {
    ws.write('drafts/top.yaml', TOP_DRAFT);
    const r = cli(ws.root, ['request', 'drafts/top.yaml', '--requested-by', 'alice']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\n {2}reach +3 of 3 packs inheriting it change: cavra-bottom, cavra-left, cavra-right\n/);
  });
});
