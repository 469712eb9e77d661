// Workspace symbols over a real stdio connection: packs and rules across the policy root, ranked like
// VS Code's quick open, capped, and up to date with the files (a pack changed on disk, an unsaved edit).
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  SymbolKind,
  type WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { LspClient } from './lspClient';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const PACKS = 30;
const RULES = 10;

const packText = (n: number, extra: string[] = []) =>
  `metadata:\n  id: cavra-p${n}\n  title: Team ${n} rules\n  description: Pack ${n}.\n  version: "1.0.0"\n` +
  `commands:\n  block:\n${[...Array.from({ length: RULES }, (_, r) => `tool-${n}-${r} *`), ...extra]
    .map((t) => `    - "${t}"\n`)
    .join('')}`;

describe('workspace symbols (real server over stdio)', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  beforeEach(async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < PACKS; n++) files[`policies/cavra-p${n}/policy.yaml`] = packText(n);
    ws = tempWorkspace(files);
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  const query = async (q: string) => (await client.request('workspace/symbol', { query: q })) as WorkspaceSymbol[];

  it('caps the answer at 100 symbols on a root with more', async () => {
    const all = await query('');
    assert.equal(all.length, 100, `${PACKS * (RULES + 1)} symbols exist`);
  });

  it('ranks the pack whose id matches exactly first', async () => {
    const found = await query('cavra-p12');
    assert.equal(found[0].name, 'cavra-p12');
    assert.equal(found[0].kind, SymbolKind.Package);
    assert.equal(found[0].containerName, 'Team 12 rules');
  });

  it('finds a pack by its title and a rule by letters in order', async () => {
    assert.deepEqual(
      (await query('team 7 rules')).slice(0, 1).map((s) => s.name),
      ['cavra-p7'],
    );
    const rule = (await query('tool-29-9')).find((s) => s.kind === SymbolKind.String);
    assert.equal(rule?.name, 'tool-29-9 *');
    assert.equal(rule?.containerName, 'cavra-p29 · commands.block');
    assert.equal('uri' in rule!.location && rule!.location.uri, client.uriOf('policies/cavra-p29/policy.yaml'));
  });

  it('sees a pack changed on disk, and a new pack once the watcher reports it', async () => {
    assert.deepEqual(await query('kubectl-delete'), []);
    writeFileSync(`${ws.root}/policies/cavra-p3/policy.yaml`, packText(3, ['kubectl-delete *']));
    assert.deepEqual(
      (await query('kubectl-delete')).map((s) => s.containerName),
      ['cavra-p3 · commands.block'],
    );
    ws.write('policies/cavra-new/policy.yaml', packText(99).replace('cavra-p99', 'cavra-new'));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: client.uriOf('policies/cavra-new/policy.yaml'), type: FileChangeType.Created }],
    });
    assert.deepEqual(
      (await query('cavra-new')).slice(0, 1).map((s) => s.name),
      ['cavra-new'],
    );
  });

  it('reads an open pack as typed, before it is saved', async () => {
    const uri = client.uriOf('policies/cavra-p5/policy.yaml');
    await client.open(uri, packText(5, ['helm-uninstall *']));
    await client.diagnostics(uri, 1);
    const found = await query('helm-uninstall');
    assert.deepEqual(
      found.map((s) => ('uri' in s.location ? s.location.uri : '')),
      [uri],
    );
  });
});
