// The effective policy in the editor, over a real stdio connection: the merged pack CAVRA evaluates
// (`cavra/effectivePolicy`, shown by the `cavra.showEffectivePolicy` command and code lens), go to
// definition from a dead rule to the inherited rule that kills it, and hover counts of inherited entries.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionRequest, type Hover, type Location, type MarkupContent } from 'vscode-languageserver-protocol';
import { EffectivePolicyRequest, type EffectivePolicyView } from '../../server/src/protocol';
import { LspClient } from './lspClient';
import { repoRoot } from './repoRoot';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'inherited');

describe('the effective policy in the editor (language server over stdio)', () => {
  const started: { ws: TempWorkspace; client: LspClient }[] = [];
  afterEach(async () => {
    for (const { ws, client } of started.splice(0)) {
      await client.stop();
      ws.remove();
    }
  });

  /** A workspace copied from a fixture, with `pack` open as it is on disk. */
  async function openPack(fixture: string, pack: string): Promise<{ client: LspClient; uri: string; ws: TempWorkspace }> {
    const ws = tempWorkspace({}, join(FIXTURES, fixture));
    const client = await LspClient.start({ workspace: ws.root });
    started.push({ ws, client });
    const path = `policies/${pack}/policy.yaml`;
    const uri = client.uriOf(path);
    await client.open(uri, readFileSync(join(ws.root, path), 'utf8'));
    await client.diagnostics(uri);
    return { client, uri, ws };
  }

  const view = (client: LspClient, uri: string) =>
    client.connection.sendRequest(EffectivePolicyRequest, { uri }) as Promise<EffectivePolicyView>;
  /** The one location definition answers (the server answers a list: `inherits` and covering rules share it), or null. */
  const definition = async (client: LspClient, uri: string, line: number, character: number): Promise<Location | null> => {
    const answer = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri },
      position: { line, character },
    })) as Location | Location[] | null;
    if (!Array.isArray(answer)) return answer;
    assert.ok(answer.length <= 1, JSON.stringify(answer));
    return answer[0] ?? null;
  };
  const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';

  it('two levels: the merged pack as CAVRA evaluates it, each entry naming its pack', async () => {
    const { client, uri } = await openPack('two-levels', 'cavra-child');
    assert.deepEqual(await view(client, uri), {
      packId: 'cavra-child',
      packs: ['cavra-base', 'cavra-child'],
      error: null,
      text: [
        '# The policy CAVRA evaluates for cavra-child (read-only).',
        "# Merged in CAVRA's order: cavra-base, cavra-child (parents first, the pack itself last).",
        '# Lists are concatenated without repeats and sorted; each entry names the pack it comes from.',
        'metadata:',
        '  id: "cavra-child"  # from cavra-child',
        '  title: "Child"  # from cavra-child',
        '  description: "Lets the agent push main, or so it seems."  # from cavra-child',
        '  version: "1.0.0"  # from cavra-child',
        '  inherits: "cavra-base"  # from cavra-child',
        'commands:',
        '  block:',
        '    - "git push*"  # from cavra-base',
        '  allow:',
        '    - "git push origin main"  # from cavra-child',
        '    - "npm test"  # from cavra-child',
        '',
      ].join('\n'),
    });
  });

  it('a diamond: the shared grandparent is merged once, first, and named as the origin of what both parents carry', async () => {
    const { client, uri } = await openPack('diamond', 'cavra-app');
    const v = await view(client, uri);
    assert.deepEqual(v.packs, ['cavra-base', 'cavra-left', 'cavra-right', 'cavra-app']);
    assert.deepEqual(
      v.text.split('\n').filter((l) => l.startsWith('    - ')),
      [
        '    - "cavra-left"',
        '    - "cavra-right"',
        '    - "curl*"  # from cavra-base',
        '    - "wget*"  # from cavra-left',
        '    - "git status"  # from cavra-app',
        '    - "wget https://example.com/file"  # from cavra-app',
        '    - "**"  # from cavra-right',
        '    - ".env"  # from cavra-app',
      ],
    );
  });

  it('three levels: metadata overwritten child last (mode from the child), lists from every level', async () => {
    const { client, uri } = await openPack('three-levels', 'cavra-service');
    const v = await view(client, uri);
    assert.deepEqual(v.packs, ['cavra-root', 'cavra-team', 'cavra-service']);
    assert.ok(v.text.includes('  mode: "audit_only"  # from cavra-service\n'), v.text);
    assert.ok(v.text.includes('  block_write:\n    - "secrets/**"  # from cavra-root\n'), v.text);
    assert.ok(
      v.text.includes('  allow:\n    - "make build"  # from cavra-service\n    - "npm test"  # from cavra-team\n'),
      v.text,
    );
    assert.ok(v.text.includes('  blocked_servers:\n    - "shady-mcp"  # from cavra-team\n'), v.text);
  });

  it("an open parent's unsaved text is what the view merges", async () => {
    const { client, uri, ws } = await openPack('two-levels', 'cavra-child');
    const base = client.uriOf('policies/cavra-base/policy.yaml');
    const text = readFileSync(join(ws.root, 'policies/cavra-base/policy.yaml'), 'utf8');
    await client.open(base, text.replace('"git push*"', '"git push --force*"'));
    await client.diagnostics(base);
    assert.match((await view(client, uri)).text, /\n {4}- "git push --force\*" {2}# from cavra-base\n/);
  });

  it('a pack CAVRA cannot merge (a cycle) answers the reason, in the text too', async () => {
    const { client, uri, ws } = await openPack('two-levels', 'cavra-child');
    const base = client.uriOf('policies/cavra-base/policy.yaml');
    const text = readFileSync(join(ws.root, 'policies/cavra-base/policy.yaml'), 'utf8');
    await client.open(base, text.replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: cavra-child\n'));
    await client.diagnostics(base);
    const v = await view(client, uri);
    assert.equal(v.error, 'policy pack inheritance cycle: cavra-child -> cavra-base -> cavra-child');
    assert.equal(v.text, `# CAVRA cannot build the policy it would evaluate for cavra-child:\n# ${v.error}\n`);
  });

  it('a pack file not open in the editor is read from disk; a pack without parents is shown as written', async () => {
    const { client, uri } = await openPack('two-levels', 'cavra-base');
    const v = await view(client, client.uriOf('policies/cavra-child/policy.yaml'));
    assert.deepEqual(v.packs, ['cavra-base', 'cavra-child']);
    assert.equal(
      (await view(client, uri)).text,
      [
        '# The policy CAVRA evaluates for cavra-base (read-only).',
        '# It inherits nothing: CAVRA evaluates it as written.',
        'metadata:',
        '  id: "cavra-base"  # from cavra-base',
        '  title: "Base"  # from cavra-base',
        '  description: "Shared guardrails."  # from cavra-base',
        '  version: "1.0.0"  # from cavra-base',
        'commands:',
        '  block:',
        '    - "git push*"  # from cavra-base',
        '',
      ].join('\n'),
    );
  });

  it("go to definition on a dead rule jumps to the inherited rule that covers it, in the parent's (or grandparent's) file", async () => {
    const two = await openPack('two-levels', 'cavra-child');
    assert.deepEqual(await definition(two.client, two.uri, 9, 10), {
      uri: two.client.uriOf('policies/cavra-base/policy.yaml'),
      range: { start: { line: 7, character: 6 }, end: { line: 7, character: 17 } },
    });
    // `npm test` is not covered by anything inherited: no definition.
    assert.equal(await definition(two.client, two.uri, 8, 10), null);
    const three = await openPack('three-levels', 'cavra-service');
    assert.deepEqual(await definition(three.client, three.uri, 9, 10), {
      uri: three.client.uriOf('policies/cavra-root/policy.yaml'),
      range: { start: { line: 8, character: 6 }, end: { line: 8, character: 18 } },
    });
    // On a list's key whose merged list matches everything: the inherited pattern that does.
    const diamond = await openPack('diamond', 'cavra-app');
    assert.deepEqual(await definition(diamond.client, diamond.uri, 7, 4), {
      uri: diamond.client.uriOf('policies/cavra-right/policy.yaml'),
      range: { start: { line: 8, character: 6 }, end: { line: 8, character: 10 } },
    });
  });

  it('hover on a pattern an inherited rule makes dead names that rule among what shadows it', async () => {
    const { client, uri } = await openPack('two-levels', 'cavra-child');
    const text = hoverText(await client.hover(uri, { line: 9, character: 10 }));
    assert.ok(
      text.includes(
        '\n\nShadowed by:\n- "git push*" in `commands.block` of `cavra-base` (line 8), inherited — checked first, so this entry never fires\n\n',
      ),
      text,
    );
    // Then the link that asks CAVRA about a sample action of this rule (it will say: blocked by that parent).
    assert.match(
      text,
      /\n\n\[What would CAVRA decide for execute_command `git push origin main`\?\]\(command:cavra\.evaluateAction\?[^)]+\)$/,
    );
  });

  it('hover on a section or list key says how many entries are inherited, and from which packs', async () => {
    const { client, uri } = await openPack('three-levels', 'cavra-service');
    const commands = hoverText(await client.hover(uri, { line: 11, character: 2 }));
    assert.ok(
      commands.endsWith(
        "\n\n**Inherited:** 2 entries (1 from `cavra-root`, 1 from `cavra-team`), merged from `cavra-team` before this pack.\n\nThis pack adds 2 entries, and repeats 1 entry already inherited (CAVRA's merge drops the repeats).",
      ),
      commands,
    );
    const block = hoverText(await client.hover(uri, { line: 12, character: 4 }));
    assert.ok(
      block.endsWith(
        '\n\n**Inherited:** 1 entry (1 from `cavra-root`), merged from `cavra-team` before this pack.\n\nThis pack adds 1 entry.',
      ),
      block,
    );
    const approval = hoverText(await client.hover(uri, { line: 8, character: 4 }));
    assert.ok(approval.endsWith('\n\n**Inherited:** nothing here from `cavra-team`.\n\nThis pack adds 2 entries.'), approval);
  });

  it('a code lens on `metadata` of a pack with parents opens the effective policy; a pack without parents has none', async () => {
    const { client, uri } = await openPack('diamond', 'cavra-app');
    const lens = ((await client.codeLenses(uri)) ?? []).find((l) => l.command?.command === 'cavra.showEffectivePolicy');
    assert.deepEqual(lens, {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } },
      command: {
        title: 'Effective policy (inherits cavra-left, cavra-right)',
        command: 'cavra.showEffectivePolicy',
        arguments: [uri],
      },
    });
    const base = client.uriOf('policies/cavra-base/policy.yaml');
    await client.open(base, readFileSync(join(client.workspace, 'policies/cavra-base/policy.yaml'), 'utf8'));
    assert.deepEqual(
      ((await client.codeLenses(base)) ?? []).map((l) => l.command?.command),
      ['cavra.showRuleCounts', 'cavra.previewDraft', 'cavra.planPublish'],
    );
  });
});
