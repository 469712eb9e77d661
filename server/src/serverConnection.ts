// The server's connection to its client. Over stdio (`--stdio`: every client but VS Code, which uses IPC) it
// is made here rather than by vscode-languageserver's own `--stdio` handling, so that its writer is the
// FindingsEncoder (messageEncoder.ts). What that handling does besides is done here as well: the server
// exits when the client closes its input (code 1 unless `shutdown` was asked first), and nothing but the
// protocol reaches stdout (console output goes to stderr, which clients keep as the server's log).
import { Console } from 'node:console';
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
} from 'vscode-languageserver/node';
import { FindingsEncoder } from './messageEncoder';

/** Reads messages from a stream and notes whether the client has asked the server to shut down. */
class ShutdownAwareReader extends StreamMessageReader {
  shutdownAsked = false;

  override listen(callback: DataCallback): Disposable {
    return super.listen((message) => {
      if ((message as { method?: unknown }).method === 'shutdown') this.shutdownAsked = true;
      callback(message);
    });
  }
}

export function createServerConnection() {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all);
  const reader = new ShutdownAwareReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: new FindingsEncoder() });
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  const clientGone = () => process.exit(reader.shutdownAsked ? 0 : 1);
  process.stdin.on('end', clientGone);
  process.stdin.on('close', clientGone);
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  return connection;
}
