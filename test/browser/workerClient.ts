// An LSP client for the browser build of the server: dist/browserServer.js runs in a Web Worker of a
// page in Debian's Chromium (playwright-core), and the JSON-RPC messages cross the worker's message
// channel (postMessage; the server side is vscode-languageserver/browser's BrowserMessageReader/Writer).
// The client half runs here in Node, bridged to the page, and answers `cavra/packFiles` from the
// workspace folder on disk as the browser client (client/src/browserExtension.ts) answers it through
// `workspace.fs`. Waits are bounded, so a silent worker fails the test instead of hanging it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createProtocolConnection,
  Disposable,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  DidChangeTextDocumentNotification,
  DidChangeWorkspaceFoldersNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type DataCallback,
  type Diagnostic,
  type Message,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { PackFilesRequest, type PackFileEntry } from '../../server/src/protocol/packFiles';
import { launchBrowser } from '../e2e/workbench';
import { repoRoot } from '../lsp/repoRoot';
import type { GoldenClient } from '../golden/goldenRunner';

const WAIT_LIMIT_MS = 15_000;

// What the functions passed to page.evaluate find in the page (tsconfig has no DOM lib: tests run in Node).
interface PageWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message: string }) => void) | null;
}
interface PageGlobals {
  cavraServerUrl: string;
  cavraWorkers: Record<number, PageWorker>;
  cavraFromWorker(id: number, message: unknown): void;
  cavraWorkerError(id: number, error: string): void;
}
declare const window: PageGlobals;
declare const Worker: new (url: string) => PageWorker;
declare const URL: { createObjectURL(blob: unknown): string };
declare const Blob: new (parts: string[], options: { type: string }) => unknown;
const ORIGIN = 'http://cavra.test';

/** Chromium with one page that can start workers of dist/browserServer.js; messages come back by worker id. */
export class WorkerHost {
  private readonly listeners = new Map<number, (message: Message) => void>();
  private readonly errors = new Map<number, (error: string) => void>();
  private next = 1;

  private constructor(
    readonly page: Page,
    private readonly closeBrowser: () => Promise<void>,
  ) {}

  static async launch(): Promise<WorkerHost> {
    const browser = await launchBrowser(true);
    const host = new WorkerHost(browser.page, browser.close);
    const { page } = browser;
    // A page with an origin (not about:blank), so it may start workers.
    await page.route(`${ORIGIN}/**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>CAVRA browser server</title>' }),
    );
    await page.goto(`${ORIGIN}/`);
    await page.exposeBinding('cavraFromWorker', (_source, id: number, message: Message) => host.listeners.get(id)?.(message));
    await page.exposeBinding('cavraWorkerError', (_source, id: number, error: string) => host.errors.get(id)?.(error));
    const bundle = readFileSync(join(repoRoot, 'dist', 'browserServer.js'), 'utf8');
    await page.evaluate((source) => {
      const w = window;
      w.cavraServerUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      w.cavraWorkers = {};
    }, bundle);
    return host;
  }

  /** A new worker running the server; `onMessage` gets what it posts. */
  async start(onMessage: (message: Message) => void, onError: (error: string) => void): Promise<number> {
    const id = this.next++;
    this.listeners.set(id, onMessage);
    this.errors.set(id, onError);
    await this.page.evaluate((workerId) => {
      const w = window;
      const worker = new Worker(w.cavraServerUrl);
      worker.onmessage = (e) => w.cavraFromWorker(workerId, e.data);
      worker.onerror = (e) => w.cavraWorkerError(workerId, e.message);
      w.cavraWorkers[workerId] = worker;
    }, id);
    return id;
  }

  post(id: number, message: Message): Promise<void> {
    return this.page.evaluate(([workerId, m]) => window.cavraWorkers[workerId].postMessage(m), [id, message] as const);
  }

  async terminate(id: number): Promise<void> {
    this.listeners.delete(id);
    this.errors.delete(id);
    await this.page.evaluate((workerId) => {
      const w = window;
      w.cavraWorkers[workerId]?.terminate();
      delete w.cavraWorkers[workerId];
    }, id);
  }

  close(): Promise<void> {
    return this.closeBrowser();
  }
}

class BridgeReader extends AbstractMessageReader {
  callback: DataCallback | undefined;
  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    return Disposable.create(() => (this.callback = undefined));
  }
  deliver(message: Message): void {
    this.callback?.(message);
  }
  fail(error: string): void {
    this.fireError(new Error(error));
  }
}

class BridgeWriter extends AbstractMessageWriter {
  constructor(private readonly send: (message: Message) => Promise<void>) {
    super();
  }
  async write(message: Message): Promise<void> {
    await this.send(message);
  }
  end(): void {}
}

/** What the browser client reads under a policy root: pack folders, each policy.yaml's text, signature files. */
export function packFilesOnDisk(roots: string[]): PackFileEntry[] {
  const entries: PackFileEntry[] = [];
  for (const rootUri of roots) {
    const root = fileURLToPath(rootUri);
    let names: string[];
    try {
      if (!statSync(root).isDirectory()) continue;
      names = readdirSync(root);
    } catch {
      continue;
    }
    entries.push({ uri: pathToFileURL(root).href, type: 'folder' });
    for (const name of names) {
      const folder = join(root, name);
      if (!statSync(folder).isDirectory()) continue;
      entries.push({ uri: pathToFileURL(folder).href, type: 'folder' });
      for (const file of ['policy.yaml', 'policy.yaml.sig.json']) {
        const path = join(folder, file);
        let stat;
        try {
          stat = statSync(path);
        } catch {
          continue;
        }
        if (!stat.isFile()) continue;
        entries.push({
          uri: pathToFileURL(path).href,
          type: 'file',
          ...(file === 'policy.yaml' ? { text: readFileSync(path, 'utf8') } : {}),
          mtime: stat.mtimeMs,
          size: stat.size,
        });
      }
    }
  }
  return entries;
}

export class WorkerLspClient implements GoldenClient {
  private published: PublishDiagnosticsParams[] = [];
  private waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private versions = new Map<string, number>();
  private workerErrors: string[] = [];

  private constructor(
    private readonly host: WorkerHost,
    private readonly id: number,
    readonly connection: ProtocolConnection,
    private workspace: string,
  ) {}

  /**
   * One worker for many workspaces, one after the other: each {@link enter} adds the folder (the server
   * reads its packs through `cavra/packFiles`), {@link leave} closes its documents and removes it. Starting
   * a worker per case would time the bundle's start, not the answers.
   */
  static async shared(host: WorkerHost): Promise<WorkerLspClient> {
    return WorkerLspClient.start(host, { workspace: '' });
  }

  async enter(workspace: string): Promise<GoldenClient> {
    this.workspace = workspace;
    this.published = [];
    this.versions.clear();
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }], removed: [] },
    });
    return { ...this.asGolden(), stop: () => this.leave() };
  }

  private async leave(): Promise<void> {
    for (const uri of this.versions.keys())
      await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [{ uri: pathToFileURL(this.workspace).href, name: 'workspace' }] },
    });
    this.versions.clear();
  }

  private asGolden(): GoldenClient {
    return {
      uriOf: (p) => this.uriOf(p),
      open: (uri, text) => this.open(uri, text),
      publication: (uri) => this.publication(uri),
      diagnostics: (uri, version) => this.diagnostics(uri, version),
      change: (uri, text) => this.change(uri, text),
      request: (method, params) => this.request(method, params),
      stop: () => this.stop(),
    };
  }

  static async start(host: WorkerHost, options: { workspace: string }): Promise<WorkerLspClient> {
    const reader = new BridgeReader();
    let id = 0;
    const writer = new BridgeWriter((m) => host.post(id, m));
    const errors: string[] = [];
    id = await host.start(
      (m) => reader.deliver(m),
      (e) => {
        errors.push(e);
        reader.fail(e);
      },
    );
    const connection = createProtocolConnection(reader, writer);
    const client = new WorkerLspClient(host, id, connection, options.workspace);
    client.workerErrors = errors;
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      client.published.push(p);
      const ready = client.waiters.filter((w) => w.match(p));
      client.waiters = client.waiters.filter((w) => !w.match(p));
      for (const w of ready) w.resolve(p);
    });
    connection.onRequest(PackFilesRequest, (p) => ({ entries: packFilesOnDisk(p.roots) }));
    connection.listen();
    const rootUri = options.workspace ? pathToFileURL(options.workspace).href : null;
    await client.bounded(
      connection.sendRequest(InitializeRequest.type, {
        processId: null,
        rootUri,
        workspaceFolders: rootUri ? [{ uri: rootUri, name: 'workspace' }] : [],
        capabilities: {
          workspace: {
            workspaceFolders: true,
            workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
          },
          textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown'] } },
        },
      }),
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  uriOf(relativePath: string): string {
    return pathToFileURL(`${this.workspace}/${relativePath}`).href;
  }

  async open(uri: string, text: string): Promise<void> {
    this.published = this.published.filter((p) => p.uri !== uri);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'cavra-policy', version: 1, text },
    });
  }

  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  diagnostics(uri: string, version: number = this.versions.get(uri) ?? 1): Promise<Diagnostic[]> {
    return this.publication(uri, version).then((p) => p.diagnostics);
  }

  publication(uri: string, version: number = this.versions.get(uri) ?? 1): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && p.version === version;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen);
    return this.bounded(
      new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ match, resolve })),
      `publishDiagnostics for ${uri} version ${version}`,
    );
  }

  request(method: string, params: unknown): Promise<unknown> {
    return this.bounded(this.connection.sendRequest(method, params), method);
  }

  async stop(): Promise<void> {
    try {
      await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'shutdown', 5_000);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // terminated below either way
    }
    this.connection.dispose();
    await this.host.terminate(this.id);
  }

  private bounded<T>(p: Promise<T>, what: string, limit = WAIT_LIMIT_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const errors = this.workerErrors.length ? `\nWorker errors:\n${this.workerErrors.join('\n')}` : '';
        reject(new Error(`No answer to ${what} from the browser language server.${errors}`));
      }, limit);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}
