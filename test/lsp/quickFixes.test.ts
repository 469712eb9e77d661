// Every quick fix the server offers, on every fixture pack and on flow and block lists: applied as an
// editor would, the YAML still parses and the diagnostics the fix names are gone.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from './lspClient';
import { repoRoot } from './repoRoot';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';
import { applyEdits, editsOf } from './textEdits';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'policies');
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };
const BROKEN = new Set(['yaml-syntax', 'duplicate-key', 'not-a-mapping', 'multiple-documents']);

describe('quick fixes leave valid YAML without the diagnostics they fix', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  before(async () => {
    ws = tempWorkspace({}, join(FIXTURES, '..'));
    client = await LspClient.start({ workspace: ws.root });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const count = (ds: Diagnostic[], code: unknown) => ds.filter((d) => d.code === code).length;

  /** Applies each action to `text` in turn (each from the original) and checks what it leaves. */
  async function checkAll(path: string, text: string): Promise<CodeAction[]> {
    const uri = client.uriOf(path);
    await client.open(uri, text);
    const before = await client.diagnostics(uri, 1);
    const actions = ((await client.codeActions(uri, WHOLE, before)) ?? []) as CodeAction[];
    for (const action of actions) {
      const after = applyEdits(text, editsOf(action, uri));
      const version = await client.change(uri, after);
      const now = await client.diagnostics(uri, version);
      const newlyBroken = now.filter((d) => BROKEN.has(String(d.code)) && count(before, d.code) < count(now, d.code));
      assert.deepEqual(newlyBroken, [], `"${action.title}" broke the YAML:\n${after}`);
      for (const fixed of action.diagnostics ?? []) {
        assert.ok(count(now, fixed.code) < count(before, fixed.code), `"${action.title}" left its ${fixed.code}:\n${after}`);
      }
    }
    await client.close(uri);
    return actions;
  }

  const packs = readdirSync(FIXTURES).filter((p) => p.startsWith('cavra-bad-'));
  for (const pack of packs) {
    it(`on ${pack}`, async () => {
      const path = `policies/${pack}/policy.yaml`;
      await checkAll(path, readFileSync(join(ws.root, path), 'utf8'));
    });
  }

  it('offers a fix for each fixable code of the fixture packs', async () => {
    const titles: string[] = [];
    for (const pack of packs) {
      const path = `policies/${pack}/policy.yaml`;
      titles.push(...(await checkAll(path, readFileSync(join(ws.root, path), 'utf8'))).map((a) => `${pack}: ${a.title}`));
    }
    for (const expected of [
      'cavra-bad-missing-field: Add the missing fields description, version',
      'cavra-bad-invalid-id: Change the id to cavra-bad-invalid-id',
      'cavra-bad-id-folder-mismatch: Change the id to cavra-bad-id-folder-mismatch',
      'cavra-bad-duplicate-entry: Remove the duplicate entry',
      'cavra-bad-unreachable-rule: Remove the entry that never fires',
      'cavra-bad-redundant-rule: Remove the redundant entry',
      'cavra-bad-inherited-duplicate: Remove the entry already inherited',
      'cavra-bad-inherited-unreachable-rule: Remove the entry that never fires',
      'cavra-bad-inherited-redundant-rule: Remove the redundant entry',
      'cavra-bad-unknown-key: Remove `filesystem.allow_read`',
      'cavra-bad-wrong-type: Quote as "1.10"',
      'cavra-bad-yaml11-difference: Change to true',
      'cavra-bad-yaml11-difference: Quote as "010"',
      'cavra-bad-yaml11-difference: Change to 8',
      'cavra-bad-wrong-mode-vocabulary: Change the mode to strict_regulated',
      'cavra-bad-dropped-by-draft: Remove `notes`',
      'cavra-bad-dropped-by-draft: Remove `metadata.owner`',
    ])
      assert.ok(titles.includes(expected), `missing: ${expected}\noffered:\n${titles.join('\n')}`);
  });

  const HEAD = 'metadata:\n  id: cavra-x\n  title: T\n  description: D\n  version: "1"\n';
  const lists: [string, string][] = [
    ['first entry of a flow list', 'commands:\n  block: ["a*"]\n  allow: ["ab", "c", "d"]\n'],
    ['middle entry of a flow list', 'commands:\n  block: ["a*"]\n  allow: ["c", "ab", "d"]\n'],
    ['last entry of a flow list', 'commands:\n  block: ["a*"]\n  allow: ["c", "d", "ab"]\n'],
    ['only entry of a flow list', 'commands:\n  block: ["a*"]\n  allow: ["ab"]\n'],
    ['only entry of a block list', 'commands:\n  block: ["a*"]\n  allow:\n    - "ab"\n'],
    ['entry of a flow list over two lines', 'commands:\n  block: ["a*"]\n  allow: ["c",\n    "ab", "d"]\n'],
    ['entry of a list inside a flow mapping', 'commands: {block: ["a*"], allow: ["ab", "c"]}\n'],
    [
      'duplicate in a block list with comments',
      'filesystem:\n  block_read:\n    - ".env" # first\n    # between\n    - ".env" # second\n',
    ],
    ['only key of a section', 'filesystem:\n  allow_read: [x]\n'],
    ['key of a flow mapping', 'filesystem: {block_read: [x], allow_read: [y]}\n'],
    ['first key of a flow mapping', 'filesystem: {allow_read: [y], block_read: [x]}\n'],
    ['missing fields of a flow mapping', 'metadata: {id: cavra-x}\n'],
    ['missing fields of an empty flow mapping', 'metadata: {}\n'],
    ['missing fields of a metadata key without value', 'metadata:\nfilesystem: {}\n'],
    ['missing fields of a metadata key set to ~', 'metadata: ~ # later\nfilesystem: {}\n'],
  ];
  for (const [name, body] of lists) {
    it(`on the ${name}`, async () => {
      const text = name.startsWith('missing') ? body : HEAD + body;
      const actions = await checkAll('policies/cavra-x/policy.yaml', text);
      assert.ok(actions.length > 0, 'no quick fix offered');
    });
  }
});
