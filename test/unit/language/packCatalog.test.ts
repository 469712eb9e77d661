import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { repoRoot } from '../../lsp/repoRoot';

const ROOT = join(repoRoot, 'test', 'fixtures', 'policies');

describe('pack catalog', () => {
  it('lists every <root>/<folder>/policy.yaml by metadata.id, else by folder, sorted', () => {
    const c = new PackCatalog();
    c.scan([ROOT, join(repoRoot, 'no', 'such', 'root')]);
    const ids = c.all().map((p) => p.id);
    assert.ok(ids.includes('cavra-agentic-delivery'));
    assert.ok(ids.includes('cavra-bad-id-folder'), 'the id, not the folder cavra-bad-id-folder-mismatch');
    assert.ok(ids.includes('cavra-bad-not-a-mapping'), 'no metadata: the folder name');
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('reads title, description, version, inherits and CAVRA rule counts from the raw YAML', () => {
    const c = new PackCatalog();
    c.scan([ROOT]);
    const p = c.get('cavra-agentic-delivery')!;
    assert.deepEqual(
      { ...p, file: undefined },
      {
        id: 'cavra-agentic-delivery',
        folder: 'cavra-agentic-delivery',
        file: undefined,
        title: 'CAVRA Transparent Agentic Delivery Governance',
        description:
          'Controls for transparent GitHub bots and AI engineering agents building CAVRA without misleading human identities.',
        version: '0.1.0',
        inherits: ['cavra-ai-agent-baseline', 'cavra-github-enterprise'],
        ruleCounts: { filesystem: 15, commands: 24, git: 4, mcp: 7, approvals: 6, evidence: 15, compliance: 5 },
      },
    );
  });

  it('lets an open pack override its file on disk, and adds an unsaved new pack', () => {
    const c = new PackCatalog();
    c.scan([ROOT]);
    c.setOpen(join(ROOT, 'cavra-studio-minimal', 'policy.yaml'), 'cavra-studio-minimal', {
      metadata: { id: 'cavra-studio-minimal', title: 'Typed' },
    });
    c.setOpen(join(ROOT, 'cavra-new', 'policy.yaml'), 'cavra-new', { metadata: { id: 'cavra-new' } });
    assert.equal(c.get('cavra-studio-minimal')?.title, 'Typed');
    assert.ok(c.get('cavra-new'));
    c.closeOpen(join(ROOT, 'cavra-studio-minimal', 'policy.yaml'));
    assert.equal(c.get('cavra-studio-minimal')?.title, 'Studio minimal pack');
  });

  it("does not take a draft, a deeper file or a sibling folder's file for a pack", () => {
    const c = new PackCatalog();
    c.scan([ROOT]);
    c.setOpen(join(ROOT, 'cavra-draft-only', 'policy.draft.yaml'), 'cavra-draft-only', { metadata: { id: 'cavra-draft-only' } });
    c.setOpen(join(ROOT, 'cavra-x', 'nested', 'policy.yaml'), 'nested', { metadata: { id: 'cavra-nested' } });
    c.setOpen(join(`${ROOT}-sibling`, 'cavra-y', 'policy.yaml'), 'cavra-y', { metadata: { id: 'cavra-sibling' } });
    for (const id of ['cavra-draft-only', 'cavra-nested', 'cavra-sibling']) assert.equal(c.get(id), undefined, id);
  });
});
