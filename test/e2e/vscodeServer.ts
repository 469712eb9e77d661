// Starts VS Code's own server from an older code-server package (4.93 = VS Code 1.93), for the
// extension-host suites (extension-host.sh). Newer code-server releases keep upstream's server-main.js,
// which listens by itself; older ones strip that startup and only export loadCodeWithNls() (code-server
// serves VS Code through its own router), so this does what upstream's server-main.js does when run:
// an HTTP server handing every request and WebSocket upgrade to VS Code's server.
// Runs on the code-server's Node. Usage:
//   node vscodeServer.js <code-server dir> --host <host> --port <port> [--<flag> | --<name> <value>]...
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';

interface VsCodeServer {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex): void;
}

interface ServerMain {
  loadCodeWithNls(): Promise<{ createServer(address: null, args: Record<string, unknown>): Promise<VsCodeServer> }>;
}

/** `--name value` and `--flag` pairs, as VS Code's server parses its command line (minimist). */
function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`vscodeServer: unexpected argument '${arg}' (expected --name [value])`);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[arg.slice(2)] = next;
      i++;
    } else out[arg.slice(2)] = true;
  }
  return out;
}

async function main(): Promise<void> {
  const [codeServerDir, ...rest] = process.argv.slice(2);
  if (!codeServerDir) throw new Error('usage: vscodeServer.js <code-server dir> --host <host> --port <port> [...]');
  const args = parseArgs(rest);
  const host = String(args.host ?? '127.0.0.1');
  const port = Number(args.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`vscodeServer: --port '${String(args.port)}' is not a port`);
  const serverMain = require(join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js')) as ServerMain;
  const code = await serverMain.loadCodeWithNls();
  // Loaded before listening, so the first answered request means the server is ready.
  const vscode = await code.createServer(null, { _: [], ...args });
  const http = createServer((req, res) => vscode.handleRequest(req, res));
  http.on('upgrade', (req: IncomingMessage, socket: Duplex) => vscode.handleUpgrade(req, socket));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  });
  console.log(`vscodeServer: VS Code server listening on http://${host}:${port}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
