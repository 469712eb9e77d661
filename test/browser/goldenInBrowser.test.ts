// The browser build of the language server (dist/browserServer.js) in a Web Worker in Chromium answers
// the same golden cases as the Node server over stdio (test/golden/): same cases, same expected answers.
import { goldenSuite } from '../golden/goldenRunner';
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
