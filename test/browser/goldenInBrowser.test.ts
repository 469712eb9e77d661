// The browser build of the language server (dist/browserServer.js) in a Web Worker in Chromium answers
// the same golden cases as the Node server over stdio (test/golden/): same cases, same expected answers;
// and the workflow requests it cannot run say where they do.
import { strict as assert } from 'node:assert';
import { ResponseError } from 'vscode-languageserver-protocol';
import { goldenSuite } from '../golden/goldenRunner';
import { tempWorkspace } from '../lsp/tempWorkspace';
import { WorkerHost, WorkerLspClient } from './workerClient';

let host: WorkerHost | undefined;
let server: WorkerLspClient | undefined;

before(async function () {
  this.timeout(60_000);
  host = await WorkerHost.launch();
  server = await WorkerLspClient.shared(host);
});
after(async () => {
  await server?.stop();
  await host?.close();
});

goldenSuite(
  'golden cases (browser server in a Web Worker, Chromium)',
  (options) => {
    if (!server) throw new Error('Chromium or the worker did not start');
    return server.enter(options.workspace);
  },
  {
    // The worker answers pushed diagnostics of open documents; the Node server's pull of every pack is not in it.
    workspaceDiagnostic: 'needs pull diagnostics of every pack: desktop server only',
    // References also list the approvals bound to a pack, read from the local approval store.
    'references/from-inherits-entry': 'lists approvals from the local approval store: desktop server only',
  },
);

describe('browser server: workflows need the desktop or a remote workspace', () => {
  it('answers a workflow request with where it runs and the CORS condition of a CAVRA server', async () => {
    if (!server) throw new Error('Chromium or the worker did not start');
    const ws = tempWorkspace({ 'policies/cavra-example/policy.yaml': 'metadata:\n  id: cavra-example\n' });
    const client = await server.enter(ws.root);
    try {
      const uri = client.uriOf('policies/cavra-example/policy.yaml');
      const refusal = await client.request('cavra/publishPlan', { uri }).then(
        () => assert.fail('the browser server ran a publish plan'),
        (e: unknown) => e,
      );
      assert.ok(refusal instanceof ResponseError, `not an LSP error: ${String(refusal)}`);
      assert.equal(refusal.code, -32099);
      assert.match(refusal.message, /^cavra\/publishPlan does not run in the browser build/);
      assert.match(refusal.message, /VS Code on the desktop/);
      assert.match(refusal.message, /\$CAVRA_CORS_ORIGINS lists that origin/);
      assert.deepEqual(refusal.data, { status: 501, detail: refusal.message, backend: 'local' });
    } finally {
      await client.stop();
      ws.remove();
    }
  });
});
