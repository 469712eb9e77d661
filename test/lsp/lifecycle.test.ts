// The server as an editor drives it: initialize, open, change, close, custom state, shutdown.
import { strict as assert } from 'node:assert';
import { LspClient } from './lspClient';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const VALID = `metadata:
  id: cavra-platform-baseline
  title: Platform Baseline
  description: Platform engineering controls.
  version: "2026.05"
commands:
  block: ["terraform apply -auto-approve"]
`;
const PATH = 'policies/cavra-platform-baseline/policy.yaml';

describe('language server lifecycle over stdio', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  beforeEach(async () => {
    ws = tempWorkspace({ [PATH]: VALID });
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it('advertises the features it serves', () => {
    const caps = client.initializeResult.capabilities;
    assert.equal(caps.textDocumentSync, 2, 'incremental sync');
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.completionProvider?.triggerCharacters, [':', ' ', '-', '[']);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.equal(caps.documentSymbolProvider, true);
    // Navigation across packs: without these VS Code never sends the requests.
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.equal(caps.workspaceSymbolProvider, true);
    assert.deepEqual(caps.documentLinkProvider, { resolveProvider: false });
    assert.equal(caps.foldingRangeProvider, true);
    assert.equal(caps.selectionRangeProvider, true);
  });

  it('publishes diagnostics for each version and clears them when the problem is fixed', async () => {
    const uri = client.uriOf(PATH);
    await client.open(uri, VALID);
    assert.deepEqual(await client.diagnostics(uri, 1), []);

    const v2 = await client.change(uri, VALID.replace('  title: Platform Baseline\n', ''));
    const d2 = await client.diagnostics(uri, v2);
    assert.deepEqual(
      d2.map((d) => [d.code, d.range.start.line, d.message]),
      [['missing-field', 0, '`metadata` is missing the required field `title`.']],
    );

    const v3 = await client.change(uri, VALID);
    assert.deepEqual(await client.diagnostics(uri, v3), []);
  });

  it('applies ranged (incremental) changes to the text it analyses', async () => {
    const uri = client.uriOf(PATH);
    await client.open(uri, VALID);
    await client.diagnostics(uri, 1);
    // Replace `block` (line 6, characters 2-7) with `allow_all`: a key commands does not allow.
    const v2 = await client.change(uri, [
      { range: { start: { line: 6, character: 2 }, end: { line: 6, character: 7 } }, text: 'allow_all' },
    ]);
    const d = await client.diagnostics(uri, v2);
    assert.deepEqual(
      d.map((x) => [x.code, x.range]),
      [['unknown-key', { start: { line: 6, character: 2 }, end: { line: 6, character: 11 } }]],
    );
  });

  it('publishes, after edits that keep most findings, exactly what a fresh open of the same text publishes', async () => {
    // Many findings that an edit elsewhere leaves as they were: the analysis hands them out again as the
    // same objects and the stdio writer writes them from their kept JSON (server/src/messageEncoder.ts).
    const entries = Array.from({ length: 300 }, (_, i) => `    - "secrets/team-${i}/*.pem"`).join('\n');
    const text = `${VALID}filesystem:\n  block_read:\n    - "**/*.pem"\n${entries}\n`;
    const uri = client.uriOf(PATH);
    await client.open(uri, text);
    const first = await client.diagnostics(uri, 1);
    assert.equal(first.filter((d) => d.code === 'redundant-rule').length, 300);
    const lines = text.split('\n');
    const line = lines.indexOf('    - "secrets/team-150/*.pem"');
    let version = 1;
    // Three keystrokes: `team-150` → `team-15077`, then `secrets` → `secretxs`.
    for (const [after, insert] of [
      ['team-150', '7'],
      ['team-1507', '7'],
      ['secret', 'x'],
    ] as const) {
      const character = lines[line].indexOf(after) + after.length;
      lines[line] = lines[line].slice(0, character) + insert + lines[line].slice(character);
      version = await client.change(uri, [{ range: { start: { line, character }, end: { line, character } }, text: insert }]);
    }
    // A fourth: a new entry after it, so every finding below moves down a line.
    const end = lines[line].length;
    lines.splice(line + 1, 0, '    - "secrets/new/*.pem"');
    version = await client.change(uri, [
      { range: { start: { line, character: end }, end: { line, character: end } }, text: '\n    - "secrets/new/*.pem"' },
    ]);
    const edited = await client.diagnostics(uri, version);
    const finalText = lines.join('\n');
    await client.close(uri);
    await client.cleared(uri);
    await client.open(uri, finalText);
    assert.deepEqual(edited, await client.diagnostics(uri, 1));
    assert.ok(
      edited.some((d) => JSON.stringify(d.message).includes('secretxs/team-15077/*.pem')),
      'the edited entry is in the findings',
    );
    assert.equal(edited.filter((d) => d.code === 'redundant-rule').length, 301);
  });

  it('publishes, after keystrokes inside the entries of a pack written as JSON, what a fresh open publishes', async () => {
    // `json.dumps(policy, indent=2)` output is YAML too: flow collections of double-quoted strings.
    // Typing inside an entry is applied to the tree (parse/documentEdit.ts); the findings must not tell.
    const policy = {
      metadata: { id: 'cavra-platform-baseline', title: 'T', description: 'D', version: '1' },
      filesystem: {
        block_read: ['**/*.pem', ...Array.from({ length: 200 }, (_, i) => `secrets/team-${i}/*.pem`)],
        block_write: ['infra/**', 'infra/**x'],
      },
      commands: { block: ['rm -rf *'], allow: ['rm -rf /tmp/x', 'git status'] },
      mcp: { allowed_servers: ['github'], risk_scoring: { github: 'low' } },
    };
    const lines = JSON.stringify(policy, null, 2).split('\n');
    const uri = client.uriOf(PATH);
    await client.open(uri, lines.join('\n'));
    assert.equal((await client.diagnostics(uri, 1)).filter((d) => d.code === 'redundant-rule').length, 201);
    let version = 1;
    // `team-100` becomes `team-1007x`; `infra/**x` loses its `x` (a duplicate now); `rm -rf /tmp/x` becomes
    // `xrm -rf /tmp/x`; the risk level `low` becomes `lowx` (no risk level).
    for (const [entry, at, remove, insert] of [
      ['"secrets/team-100/*.pem"', 17, 0, '7'],
      ['"secrets/team-1007/*.pem"', 18, 0, 'x'],
      ['"infra/**x"', 9, 1, ''],
      ['"rm -rf /tmp/x"', 1, 0, 'x'],
      ['"github": "low"', 14, 0, 'x'],
    ] as const) {
      const line = lines.findIndex((l) => l.includes(entry));
      const character = lines[line].indexOf(entry) + at;
      lines[line] = lines[line].slice(0, character) + insert + lines[line].slice(character + remove);
      version = await client.change(uri, [
        { range: { start: { line, character }, end: { line, character: character + remove } }, text: insert },
      ]);
    }
    const edited = await client.diagnostics(uri, version);
    await client.close(uri);
    await client.cleared(uri);
    await client.open(uri, lines.join('\n'));
    assert.deepEqual(edited, await client.diagnostics(uri, 1));
    const codes = edited.map((d) => d.code);
    assert.ok(codes.includes('duplicate-entry'), codes.join());
    assert.ok(codes.includes('invalid-value'), codes.join());
    assert.ok(!codes.includes('unreachable-rule'), 'the edited allow entry no longer matches the block');
    assert.equal(codes.filter((c) => c === 'redundant-rule').length, 200);
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = client.uriOf(PATH);
    await client.open(uri, VALID.replace('  title: Platform Baseline\n', ''));
    assert.equal((await client.diagnostics(uri, 1)).length, 1);
    await client.close(uri);
    assert.deepEqual((await client.cleared(uri)).diagnostics, []);
  });

  it('answers cavra/documentState with validity, counts and the draft digest CAVRA would compute', async () => {
    const uri = client.uriOf(PATH);
    await client.open(uri, VALID);
    const state = await client.documentState(uri);
    assert.deepEqual(state, {
      uri,
      version: 1,
      valid: true,
      errors: 0,
      warnings: 0,
      summary: {
        policy_id: 'cavra-platform-baseline',
        title: 'Platform Baseline',
        version: '2026.05',
        inherits: null,
        mode: 'enforce',
        rule_counts: { filesystem: 0, commands: 1, git: 0, mcp: 0, approvals: 0, evidence: 0, compliance: 0 },
      },
      totalRules: 1,
      policyDigest: 'sha256:ffd4dd7d79d86d297af948537f2a0fea8d97488a7c00175d6c7928969b5b05ea',
      packFolder: 'cavra-platform-baseline',
    });
  });

  it('reports an invalid document as invalid, with no digest when CAVRA could not build a draft', async () => {
    const uri = client.uriOf(PATH);
    await client.open(uri, 'metadata:\n  id: cavra-platform-baseline\n');
    const state = await client.documentState(uri);
    assert.equal(state?.valid, false);
    assert.equal(state?.errors, 1);
    assert.equal(state?.policyDigest, null);
  });

  it('answers null for a document it was never given', async () => {
    assert.equal(await client.documentState(client.uriOf('policies/none/policy.yaml')), null);
    assert.equal(await client.hover(client.uriOf('policies/none/policy.yaml'), { line: 0, character: 0 }), null);
  });
});

describe('language server shutdown', () => {
  it('exits with code 0 after shutdown and exit', async () => {
    const ws = tempWorkspace();
    const client = await LspClient.start({ workspace: ws.root });
    assert.equal(await client.stop(), 0);
    ws.remove();
  });

  it('exits when the client closes its input: code 1 without shutdown, 0 after it', async () => {
    const ws = tempWorkspace();
    try {
      assert.equal(await (await LspClient.start({ workspace: ws.root })).closeInput(false), 1);
      assert.equal(await (await LspClient.start({ workspace: ws.root })).closeInput(true), 0);
    } finally {
      ws.remove();
    }
  });
});
