// The server's launcher (dist/server.js, server/src/launch/serverLauncher.ts) with its code cache: the
// first server writes it (at exit at the latest), the next one takes it and answers the same.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tempWorkspace } from './tempWorkspace';

const PATH = 'policies/cavra-platform-baseline/policy.yaml';
const TEXT = `metadata:
  id: cavra-platform-baseline
  title: Platform Baseline
  description: Platform engineering controls.
  version: "2026.05"
commands:
  block: ["terraform apply", "terraform apply"]
  mode: sometimes
`;

describe('language server code cache (dist/server.js)', () => {
  it('is written by the first server and taken by the next, which answers the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cavra-server-code-cache-'));
    const ws = tempWorkspace({ [PATH]: TEXT });
    try {
      const session = async () => {
        const client = await LspClient.start({ workspace: ws.root, env: { CAVRA_CODE_CACHE: dir } });
        try {
          const uri = pathToFileURL(join(ws.root, PATH)).href;
          await client.open(uri, TEXT);
          return await client.diagnostics(uri);
        } finally {
          await client.stop();
        }
      };
      const first = await session();
      assert.ok(first.length >= 2, 'the duplicate and the mode are reported');
      const files = readdirSync(dir);
      assert.equal(files.length, 1);
      assert.match(files[0], /^server-[0-9a-f]{16}-v[\d.]+-\w+\.v8$/);
      const written = statSync(join(dir, files[0]));
      assert.deepEqual(await session(), first);
      const after = statSync(join(dir, files[0]));
      assert.deepEqual([after.ino, after.mtimeMs], [written.ino, written.mtimeMs], 'taken, not written again');
    } finally {
      ws.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
