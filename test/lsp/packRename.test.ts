// Renaming a pack id over a real stdio connection: the WorkspaceEdit, applied as an editor applies it
// (text edits on the old paths, then the folder rename), leaves a policy root in which every `inherits`
// still resolves; and each refusal reaches the user as an error that says why.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ResponseError,
  type Location,
  type Position,
  type RenameFile,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { caret } from './caret';
import { LspClient, type StartOptions } from './lspClient';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';
import { applyEdits } from './textEdits';

const pack = (id: string, inherits: string[] | string | undefined, rules = '') =>
  `metadata:\n  id: ${id}\n  title: ${id}\n  description: ${id} rules.\n  version: "1.0.0"\n` +
  (inherits === undefined
    ? ''
    : typeof inherits === 'string'
      ? `  inherits: ${inherits}\n`
      : `  inherits:\n${inherits.map((i) => `    - ${i}\n`).join('')}`) +
  rules;

/** Three levels (base <- team <- service) beside a diamond (base <- left, right <- bottom). */
const ROOT: Record<string, string> = {
  'policies/cavra-base/policy.yaml': pack('cavra-base', undefined, 'commands:\n  block:\n    - "rm -rf /"\n'),
  'policies/cavra-base/policy.tests.yaml':
    'cases:\n  - action: execute_command\n    target: rm -rf /\n    expect: {decision: block}\n',
  'policies/cavra-team/policy.yaml': pack('cavra-team', 'cavra-base'),
  'policies/cavra-service/policy.yaml': pack('cavra-service', ['cavra-team']),
  'policies/cavra-left/policy.yaml': pack('cavra-left', ['cavra-base']),
  'policies/cavra-right/policy.yaml': pack('cavra-right', '[cavra-base]'),
  'policies/cavra-bottom/policy.yaml': pack('cavra-bottom', ['cavra-left', 'cavra-right']),
};
const SIGNATURE = '{"algorithm": "sha256", "digest": "0"}\n';

/** Applies a WorkspaceEdit to the files on disk, in order, as VS Code does. */
function applyToDisk(edit: WorkspaceEdit): void {
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      assert.equal(change.kind, 'rename');
      const r = change as RenameFile;
      renameSync(fileURLToPath(r.oldUri), fileURLToPath(r.newUri));
    } else {
      const e = change as TextDocumentEdit;
      const file = fileURLToPath(e.textDocument.uri);
      writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), e.edits as never));
    }
  }
}

describe('renaming a pack id (real server over stdio)', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  const start = async (files: Record<string, string>, options: Partial<StartOptions> = {}) => {
    ws = tempWorkspace(files);
    client = await LspClient.start({ workspace: ws.root, ...options });
  };
  afterEach(async () => {
    await client?.stop();
    ws?.remove();
  });

  /** Opens `path` and asks for a rename with the cursor near the end of `find` (on the id it ends with). */
  async function rename(path: string, find: string, newName: string): Promise<WorkspaceEdit> {
    const text = readFileSync(`${ws.root}/${path}`, 'utf8');
    const at = text.indexOf(find);
    assert.ok(at >= 0, `${find} not in ${path}`);
    const { text: plain, position } = caret(`${text.slice(0, at + find.length - 2)}|${text.slice(at + find.length - 2)}`);
    const uri = client.uriOf(path);
    await client.open(uri, plain);
    return (await client.request('textDocument/rename', { textDocument: { uri }, position, newName })) as WorkspaceEdit;
  }

  async function refusal(path: string, find: string, newName: string): Promise<string> {
    try {
      await rename(path, find, newName);
    } catch (e) {
      assert.ok(e instanceof ResponseError, `expected a ResponseError, got ${String(e)}`);
      return e.message;
    }
    assert.fail(`renaming to ${newName} from ${path} should have been refused`);
  }

  it('applied as an editor applies it, leaves a root where every inherits resolves, the tests moved with the folder', async () => {
    await start(ROOT);
    const edit = await rename('policies/cavra-left/policy.yaml', '- cavra-base', 'cavra-foundation');
    const changes = edit.documentChanges ?? [];
    // The text edits first, on the old paths; the folder last.
    assert.deepEqual(
      changes.map((c) =>
        'kind' in c
          ? `${c.kind} ${(c as RenameFile).oldUri.split('/policies/')[1]} -> ${(c as RenameFile).newUri.split('/policies/')[1]}`
          : `edit ${c.textDocument.uri.split('/policies/')[1]} v${c.textDocument.version}`,
      ),
      [
        'edit cavra-base/policy.yaml vnull',
        'edit cavra-left/policy.yaml v1',
        'edit cavra-right/policy.yaml vnull',
        'edit cavra-team/policy.yaml vnull',
        'rename cavra-base -> cavra-foundation',
      ],
    );
    applyToDisk(edit);
    assert.ok(!existsSync(`${ws.root}/policies/cavra-base`), 'the old folder is gone');
    assert.ok(existsSync(`${ws.root}/policies/cavra-foundation/policy.tests.yaml`), 'the decision tests moved with the pack');
    assert.match(readFileSync(`${ws.root}/policies/cavra-foundation/policy.yaml`, 'utf8'), /^ {2}id: cavra-foundation$/m);
    assert.match(readFileSync(`${ws.root}/policies/cavra-right/policy.yaml`, 'utf8'), /^ {2}inherits: \[cavra-foundation\]$/m);
    assert.match(readFileSync(`${ws.root}/policies/cavra-team/policy.yaml`, 'utf8'), /^ {2}inherits: cavra-foundation$/m);
    // Once the watcher reports the move, every pack of both structures still finds its parents.
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: client.uriOf('policies/cavra-foundation/policy.yaml'), type: FileChangeType.Created }],
    });
    for (const id of ['cavra-team', 'cavra-left', 'cavra-right', 'cavra-bottom', 'cavra-service']) {
      const path = `policies/${id}/policy.yaml`;
      const uri = client.uriOf(path);
      await client.close(uri);
      await client.open(uri, readFileSync(`${ws.root}/${path}`, 'utf8'), 'cavra-policy', 10);
      const unknown = (await client.diagnostics(uri, 10)).filter((d) => d.code === 'unknown-inherits');
      assert.deepEqual(unknown, [], `${id} still names a pack that is gone`);
    }
    const left = client.uriOf('policies/cavra-left/policy.yaml');
    const position: Position = { line: 6, character: 8 };
    const found = (await client.request('textDocument/definition', { textDocument: { uri: left }, position })) as Location[];
    assert.deepEqual(
      found.map((l) => l.uri),
      [client.uriOf('policies/cavra-foundation/policy.yaml')],
    );
  });

  it('rewrites a scalar inherits and a list entry in one edit (three levels)', async () => {
    await start(ROOT);
    const edit = await rename('policies/cavra-base/policy.yaml', 'id: cavra-base', 'cavra-root');
    applyToDisk(edit);
    assert.match(readFileSync(`${ws.root}/policies/cavra-team/policy.yaml`, 'utf8'), /^ {2}inherits: cavra-root$/m);
    assert.match(readFileSync(`${ws.root}/policies/cavra-left/policy.yaml`, 'utf8'), /^ {4}- cavra-root$/m);
    // The grandchild names only its parent: untouched.
    assert.equal(
      readFileSync(`${ws.root}/policies/cavra-service/policy.yaml`, 'utf8'),
      ROOT['policies/cavra-service/policy.yaml'],
    );
  });

  it('refuses when the pack itself is published', async () => {
    await start({ ...ROOT, 'policies/cavra-team/policy.yaml.sig.json': SIGNATURE });
    const message = await refusal('policies/cavra-team/policy.yaml', 'id: cavra-team', 'cavra-crew');
    assert.match(message, /Cannot rename `cavra-team`: policies\/cavra-team\/policy\.yaml is published/);
    assert.match(message, /breaks its policy\.yaml\.sig\.json and the approvals bound to its digest/);
  });

  it('refuses when a child whose inherits would change is published, naming it', async () => {
    await start({ ...ROOT, 'policies/cavra-right/policy.yaml.sig.json': SIGNATURE });
    const message = await refusal('policies/cavra-team/policy.yaml', 'inherits: cavra-base', 'cavra-root');
    assert.match(message, /published policies\/cavra-right\/policy\.yaml inherits it/);
  });

  it('a published grandchild does not stop a rename: its bytes do not change', async () => {
    await start({ ...ROOT, 'policies/cavra-service/policy.yaml.sig.json': SIGNATURE });
    const edit = await rename('policies/cavra-base/policy.yaml', 'id: cavra-base', 'cavra-root');
    const touched = (edit.documentChanges ?? []).flatMap((c) => ('kind' in c ? [] : [c.textDocument.uri]));
    assert.ok(!touched.some((u) => u.includes('cavra-service')));
  });

  for (const bad of ['Team', 'cavra_team', 'cavra-', 'cavra-Team', 'team-cavra', 'cavra-a/b', '']) {
    it(`refuses the invalid id ${JSON.stringify(bad)} with CAVRA's rule`, async () => {
      await start(ROOT);
      const message = await refusal('policies/cavra-team/policy.yaml', 'id: cavra-team', bad);
      assert.match(message, /is not a valid pack id: CAVRA needs `cavra-` followed by lowercase letters, digits and hyphens/);
    });
  }

  it('refuses an id another pack has', async () => {
    await start(ROOT);
    const message = await refusal('policies/cavra-team/policy.yaml', 'id: cavra-team', 'cavra-left');
    assert.match(message, /A pack `cavra-left` already exists/);
  });

  it('refuses a folder that exists without a pack in it', async () => {
    await start({ ...ROOT, 'policies/cavra-new/README.md': 'not a pack\n' });
    const message = await refusal('policies/cavra-team/policy.yaml', 'id: cavra-team', 'cavra-new');
    assert.match(message, /The folder .*cavra-new already exists/);
  });

  it('refuses an inherits entry naming no pack', async () => {
    await start({ ...ROOT, 'policies/cavra-lone/policy.yaml': pack('cavra-lone', ['cavra-missing']) });
    const message = await refusal('policies/cavra-lone/policy.yaml', '- cavra-missing', 'cavra-found');
    assert.match(message, /No pack `cavra-missing` under the policy root/);
  });

  it('refuses when the editor cannot rename folders, instead of leaving the folder behind', async () => {
    await start(ROOT, { workspaceEdit: { documentChanges: true } });
    const message = await refusal('policies/cavra-team/policy.yaml', 'id: cavra-team', 'cavra-crew');
    assert.match(message, /cannot rename folders/);
  });

  it('renaming to the same id changes nothing', async () => {
    await start(ROOT);
    const edit = await rename('policies/cavra-team/policy.yaml', 'id: cavra-team', 'cavra-team');
    assert.deepEqual(edit, { documentChanges: [] });
  });
});
