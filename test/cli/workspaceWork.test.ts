// The CLI on a whole workspace (issue 14: `catalog` < 1 s, `validate policies/*/policy.yaml` < 1.5 s,
// measured by `npm run bench -- --only-workspace`): the work is counted here, never timed. The findings
// themselves are held to the editor's by test/lsp/workspaceDiagnostics.test.ts.
import { strict as assert } from 'node:assert';
import { isUtf8 } from 'node:buffer';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../server/src/cli';
import { firstInvalidUtf8 } from '../../server/src/cli/input';
import { PolicyDocument } from '../../server/src/language/parse/policyDocument';
import { policyLoads } from '../../server/src/policy/policyYaml';
import { workspaceTree } from '../bench/measure/workspaceScale';
import { tempWorkspace } from '../lsp/tempWorkspace';
import { runCli } from './runCli';

/** The bench's workspace, smaller: every shape of pack in turn, a four-level inheritance tree. */
function benchWorkspace(packs: number, rules: number) {
  const ws = tempWorkspace({});
  const tree = workspaceTree(packs, rules);
  for (const p of tree.packs) {
    mkdirSync(join(ws.root, 'policies', p.id), { recursive: true });
    writeFileSync(join(ws.root, 'policies', p.id, 'policy.yaml'), p.text);
  }
  return { ws, files: tree.packs.map((p) => `policies/${p.id}/policy.yaml`) };
}

/** Runs the CLI's main() in this process, so the work it does can be counted. */
async function inProcess(args: string[], cwd: string): Promise<{ status: number; stdout: string }> {
  const out: string[] = [];
  const status = await main(
    args,
    (s) => out.push(`${s}\n`),
    () => undefined,
    { ...process.env, CAVRA_POLICY_DIR: '' },
    cwd,
  );
  return { status, stdout: out.join('') };
}

describe('cavra-policy on a whole workspace', () => {
  it('catalog reads each pack file once, with the block reader (the flow reader for packs written as JSON) and never the full yaml parser', async () => {
    const { ws, files } = benchWorkspace(100, 30);
    try {
      const before = { ...policyLoads };
      const r = await inProcess(['catalog'], ws.root);
      assert.equal(r.status, 0);
      const json = files.filter((f) => readFileSync(join(ws.root, f), 'utf8').startsWith('{')).length;
      assert.ok(json > 0, 'the workspace has packs written as JSON');
      assert.equal(policyLoads.block - before.block, files.length - json, 'packs read by the block reader');
      assert.equal(policyLoads.flow - before.flow, json, 'packs read by the flow reader');
      assert.equal(policyLoads.yaml - before.yaml, 0, 'packs read by the full yaml parser');
      // The production bundle prints the same, as a fresh process.
      const p = runCli(['catalog'], { cwd: ws.root });
      assert.equal(p.status, 0, p.stderr);
      assert.equal(p.stdout, r.stdout);
      assert.match(p.stdout, /\n100 packs\n$/);
    } finally {
      ws.remove();
    }
  });

  it('a pack outside the block subset is still read, by the full parser, to the same catalog row', async () => {
    const ws = tempWorkspace({
      'policies/cavra-flow/policy.yaml':
        'metadata: {id: cavra-flow, title: Flow, version: "1.0.0"}\ncommands:\n  block: ["rm -rf*", "sudo *"]\n',
      'policies/cavra-block/policy.yaml':
        'metadata:\n  id: cavra-block\n  title: Block\n  version: "1.0.0"\ncommands:\n  block:\n    - "rm -rf*"\n    - sudo *\n',
    });
    try {
      const before = { ...policyLoads };
      const r = await inProcess(['catalog'], ws.root);
      assert.equal(policyLoads.block - before.block, 1);
      assert.equal(policyLoads.yaml - before.yaml, 1);
      assert.deepEqual(
        r.stdout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()),
        ['ID VERSION RULES INHERITS TITLE', 'cavra-block 1.0.0 2 - Block', 'cavra-flow 1.0.0 2 - Flow', '', '2 packs', ''],
      );
    } finally {
      ws.remove();
    }
  });

  it("validate reads each pack into a tree once and prints every pack's findings, the same in-process as from the production bundle", async () => {
    const { ws, files } = benchWorkspace(90, 20);
    try {
      const reads = PolicyDocument.reads;
      const r = await inProcess(['validate', ...files], ws.root);
      // A parent's own findings and its children's merges read the same tree (before: every parent twice).
      assert.equal(PolicyDocument.reads - reads, files.length, 'pack files read into a tree');
      const p = runCli(['validate', ...files], { cwd: ws.root });
      assert.equal(p.status, 1, p.stderr);
      assert.equal(r.status, 1);
      assert.equal(p.stdout, r.stdout);
      // Every pack holds the generator's deliberate mistakes, and each finding is one line.
      for (const f of files) assert.ok(p.stdout.includes(`${f}:`), f);
      assert.ok(p.stdout.split('\n').every((l) => l === '' || /^policies\/[^:]+:\d+:\d+: (error|warning|info|hint) /.test(l)));
    } finally {
      ws.remove();
    }
  });

  it("the native UTF-8 check agrees with the CLI's own walk on any bytes", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 32 }).map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
      fc
        .tuple(fc.string({ maxLength: 16 }), fc.uint8Array({ minLength: 1, maxLength: 4 }))
        .map(([t, tail]) => new Uint8Array([...Buffer.from(t, 'utf8'), ...tail])),
    );
    fc.assert(
      fc.property(bytes, (b) => isUtf8(b) === firstInvalidUtf8(b) < 0),
      { numRuns: 5000 },
    );
  });
});
