// Lint on the merged pack over a real stdio connection: what the editor shows while packs are typed.
// An open parent's text wins over its file; an edit in the child re-judges against the parents' merge;
// cycles and missing ancestors keep their own diagnostics and never crash the server.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from './lspClient';
import { repoRoot } from './repoRoot';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'inherited');
const CHILD = 'policies/cavra-child/policy.yaml';
const BASE = 'policies/cavra-base/policy.yaml';

const inherited = (ds: Diagnostic[]) => ds.filter((d) => String(d.code).startsWith('inherited-'));
const summary = (ds: Diagnostic[]) =>
  inherited(ds).map(
    (d) =>
      `${d.range.start.line + 1} ${String(d.code)} -> ${(d.relatedInformation ?? [])
        .map((r) => `${r.location.uri.replace(/^.*\/policies\//, '')}:${r.location.range.start.line + 1}`)
        .join(',')}`,
  );

describe('lint on the merged pack (language server over stdio)', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  beforeEach(async () => {
    ws = tempWorkspace({}, join(FIXTURES, 'two-levels'));
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it("flags the child's allow on its own line, with relatedInformation at the parent's blocking rule", async () => {
    const uri = client.uriOf(CHILD);
    await client.open(uri, readFileSync(join(ws.root, CHILD), 'utf8'));
    const [d] = inherited(await client.diagnostics(uri));
    assert.equal(d.code, 'inherited-unreachable-rule');
    assert.deepEqual(d.range, { start: { line: 9, character: 6 }, end: { line: 9, character: 28 } });
    assert.deepEqual(d.relatedInformation, [
      {
        location: { uri: client.uriOf(BASE), range: { start: { line: 7, character: 6 }, end: { line: 7, character: 17 } } },
        message: '"git push*" in `commands.block` of `cavra-base`',
      },
    ]);
  });

  it("an open parent's text wins over its file: the finding follows what is typed there", async () => {
    const base = client.uriOf(BASE);
    const baseText = readFileSync(join(ws.root, BASE), 'utf8');
    // The blocking rule moves three lines down in the editor only.
    await client.open(base, baseText.replace('commands:\n', 'git:\n  require_pull_request: true\n\ncommands:\n'));
    await client.diagnostics(base);
    const uri = client.uriOf(CHILD);
    await client.open(uri, readFileSync(join(ws.root, CHILD), 'utf8'));
    const first = await client.diagnostics(uri);
    assert.deepEqual(summary(first), ['10 inherited-unreachable-rule -> cavra-base/policy.yaml:11']);
    assert.match(String(inherited(first)[0].message), /of `cavra-base` \(line 11\)/);
    // The parent, still unsaved, stops blocking pushes: the child's next version has no finding.
    await client.change(base, baseText.replace('"git push*"', '"git push --force*"'));
    await client.diagnostics(base, 2);
    const version = await client.change(uri, `${readFileSync(join(ws.root, CHILD), 'utf8')}\n`);
    assert.deepEqual(summary(await client.diagnostics(uri, version)), []);
  });

  it('an edit inside a list of the child is judged against the merge: added entries flagged, removed ones gone', async () => {
    const uri = client.uriOf(CHILD);
    await client.open(uri, readFileSync(join(ws.root, CHILD), 'utf8'));
    assert.equal(inherited(await client.diagnostics(uri)).length, 1);
    // Type a new allow entry after line 10 (the editor sends ranged changes).
    const at = { line: 10, character: 0 };
    let version = await client.change(uri, [{ range: { start: at, end: at }, text: '    - "git push --tags"\n' }]);
    assert.deepEqual(summary(await client.diagnostics(uri, version)), [
      '10 inherited-unreachable-rule -> cavra-base/policy.yaml:8',
      '11 inherited-unreachable-rule -> cavra-base/policy.yaml:8',
    ]);
    version = await client.change(uri, [
      { range: { start: { line: 9, character: 0 }, end: { line: 10, character: 0 } }, text: '' },
    ]);
    const after = await client.diagnostics(uri, version);
    assert.deepEqual(summary(after), ['10 inherited-unreachable-rule -> cavra-base/policy.yaml:8']);
    assert.match(String(inherited(after)[0].message), /every target of "git push --tags"/);
  });

  it('a cycle keeps its inheritance-cycle error and no merged finding; the server keeps answering', async () => {
    const a = 'policies/cavra-a/policy.yaml';
    ws.write(
      'policies/cavra-b/policy.yaml',
      'metadata:\n  id: cavra-b\n  title: B\n  description: B\n  version: "1"\n  inherits: cavra-a\ncommands:\n  block: ["git*"]\n',
    );
    await client.stop();
    client = await LspClient.start({ workspace: ws.root });
    const uri = client.uriOf(a);
    await client.open(
      uri,
      'metadata:\n  id: cavra-a\n  title: A\n  description: A\n  version: "1"\n  inherits: cavra-b\ncommands:\n  allow: ["git status"]\n',
    );
    const ds = await client.diagnostics(uri);
    assert.deepEqual(
      ds.map((d) => d.code),
      ['inheritance-cycle'],
    );
    assert.ok(await client.hover(uri, { line: 7, character: 14 }));
  });

  it('a missing grandparent: no merged finding and no crash (CAVRA cannot load the pack either)', async () => {
    ws.write(
      'policies/cavra-mid/policy.yaml',
      'metadata:\n  id: cavra-mid\n  title: Mid\n  description: Mid\n  version: "1"\n  inherits: cavra-gone\ncommands:\n  block: ["git*"]\n',
    );
    await client.stop();
    client = await LspClient.start({ workspace: ws.root });
    const uri = client.uriOf('policies/cavra-leaf/policy.yaml');
    await client.open(
      uri,
      'metadata:\n  id: cavra-leaf\n  title: Leaf\n  description: Leaf\n  version: "1"\n  inherits: cavra-mid\ncommands:\n  allow: ["git status"]\n',
    );
    assert.deepEqual(inherited(await client.diagnostics(uri)), []);
    assert.ok(await client.hover(uri, { line: 7, character: 14 }));
  });

  it('malformed parents (not a mapping, a syntax error, odd list items, a numeric inherits) never crash the merge', async () => {
    const meta = (id: string, extra = '') => `metadata:\n  id: ${id}\n  title: T\n  description: D\n  version: "1"\n${extra}`;
    ws.write('policies/cavra-list/policy.yaml', '- just\n- a list\n');
    ws.write('policies/cavra-broken/policy.yaml', 'metadata: [unclosed\n');
    ws.write('policies/cavra-odd/policy.yaml', `${meta('cavra-odd')}commands:\n  block: [1, {a: b}, null, "git*"]\n`);
    ws.write('policies/cavra-number/policy.yaml', meta('cavra-number', '  inherits: 5\n'));
    ws.write('policies/cavra-empty/policy.yaml', '');
    await client.stop();
    client = await LspClient.start({ workspace: ws.root });
    const found: string[] = [];
    const parents = ['cavra-list', 'cavra-broken', 'cavra-odd', 'cavra-number', 'cavra-empty', '[cavra-odd, cavra-list]'];
    for (const [i, parent] of parents.entries()) {
      const uri = client.uriOf(`policies/cavra-kid/policy.yaml`);
      // A new version each time: the diagnostics awaited are this opening's, never the previous one's.
      await client.open(
        uri,
        `${meta('cavra-kid', `  inherits: ${parent}\n`)}commands:\n  allow: ["git status", 7]\n`,
        'cavra-policy',
        i + 1,
      );
      found.push(
        `${parent}: ${
          inherited(await client.diagnostics(uri))
            .map((d) => String(d.code))
            .join(' ') || 'none'
        }`,
      );
      assert.ok(await client.hover(uri, { line: 6, character: 2 }), parent);
      await client.close(uri);
    }
    // Only a parent CAVRA can merge gives findings: the odd items are merged as CAVRA's str() reads them.
    assert.deepEqual(found, [
      'cavra-list: none',
      'cavra-broken: none',
      'cavra-odd: inherited-unreachable-rule',
      'cavra-number: none',
      'cavra-empty: none',
      '[cavra-odd, cavra-list]: none',
    ]);
  });
});
