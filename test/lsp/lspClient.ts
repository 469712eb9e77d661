// A small LSP client for tests: spawns `node dist/server.js --stdio` and talks to it over a real
// stdio connection, as an editor would. Waits are bounded so a silent server fails the test instead
// of hanging it; nothing here measures time.
import { spawn, type ChildProcess } from 'node:child_process';
import { testKeyHome } from '../cli/cliProcess';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  FileChangeType,
  WorkspaceDiagnosticRequest,
  type DocumentDiagnosticReport,
  type WorkspaceDiagnosticReport,
  DidChangeTextDocumentNotification,
  DidChangeWorkspaceFoldersNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CodeLens,
  type Command,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type SymbolInformation,
  type TextDocumentContentChangeEvent,
  type WorkspaceEditClientCapabilities,
} from 'vscode-languageserver-protocol/node';
import { DocumentStateRequest, type DocumentState } from '../../server/src/protocol';
import type { ServerSettings } from '../../server/src/workflows/workspaceSettings';
import { repoRoot } from './repoRoot';

/** How long any single wait may take before the test fails with a clear message. */
const WAIT_LIMIT_MS = 15_000;

export interface StartOptions {
  /** Workspace folder (absolute path); sent as the one workspace folder. */
  workspace: string;
  /** Settings answered to `workspace/configuration` for the `cavra` section. */
  settings?: Partial<ServerSettings>;
  /** Answered to `workspace/configuration` for VS Code's `http` section (`proxy`, `noProxy`). */
  httpSettings?: Record<string, unknown>;
  /** Extra environment for the server process (e.g. CAVRA_POLICY_DIR). */
  env?: NodeJS.ProcessEnv;
  /** Sent as `initializationOptions` (the VS Code client sends settings and workspace trust). */
  initializationOptions?: Record<string, unknown>;
  /** What the client says it can apply in a WorkspaceEdit; default VS Code's (documentChanges, file operations). */
  workspaceEdit?: WorkspaceEditClientCapabilities;
  /** More workspace folders after `workspace` (a multi-root workspace), each with its own `cavra` settings. */
  folders?: FolderOptions[];
  /**
   * Answer `workspace/configuration` only after this long, and return from start() without waiting for
   * it (an editor busy at startup: requests arrive before the settings do).
   */
  slowConfigurationMs?: number;
  /** Declare pull diagnostics (`textDocument.diagnostic`, `workspace.diagnostics.refreshSupport`), as VS Code does. */
  pullDiagnostics?: boolean;
}

export interface FolderOptions {
  /** Absolute path. */
  path: string;
  /** Answered to `workspace/configuration` for the `cavra` section with this folder's `scopeUri` (over `settings`). */
  settings?: Record<string, unknown>;
}

export class LspClient {
  published: PublishDiagnosticsParams[] = [];
  private waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private versions = new Map<string, number>();
  private stderr = '';
  /** Each extra folder's `cavra` settings, by folder URI (the `scopeUri` the server asks with). */
  private folderSettings = new Map<string, Record<string, unknown>>();
  initializeResult!: InitializeResult;
  /** How many `workspace/diagnostic/refresh` requests the server sent. */
  refreshes = 0;
  private refreshWaiters: (() => void)[] = [];
  /** What `workspace/configuration` answers for `cavra` (changeSettings replaces it). */
  private cavraSettings: Record<string, unknown> = {};

  private constructor(
    private readonly proc: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly workspace: string,
  ) {
    proc.stderr!.on('data', (b: Buffer) => {
      this.stderr += b.toString();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      const ready = this.waiters.filter((w) => w.match(p));
      this.waiters = this.waiters.filter((w) => !w.match(p));
      for (const w of ready) w.resolve(p);
    });
  }

  static async start(options: StartOptions): Promise<LspClient> {
    const proc = spawn(process.execPath, [`${repoRoot}/dist/server.js`, '--stdio'], {
      cwd: options.workspace,
      // The key home (pins, revocations) of this workspace's user: never the developer's own.
      env: { ...process.env, CAVRA_POLICY_DIR: '', CAVRA_KEY_HOME: testKeyHome(options.workspace), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, connection, options.workspace);
    client.cavraSettings = { policyRoot: 'policies', maxFileSizeMb: 5, ...options.settings };
    let configured!: () => void;
    const asked = new Promise<void>((resolve) => {
      configured = resolve;
    });
    connection.onRequest(ConfigurationRequest.type, async (p) => {
      setImmediate(configured);
      if (options.slowConfigurationMs) await new Promise((r) => setTimeout(r, options.slowConfigurationMs));
      return p.items.map((item) =>
        item.section === 'cavra'
          ? { ...client.cavraSettings, ...client.folderSettings.get(item.scopeUri ?? '') }
          : item.section === 'http'
            ? (options.httpSettings ?? null)
            : null,
      );
    });
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      client.refreshes++;
      for (const w of client.refreshWaiters.splice(0)) w();
    });
    connection.listen();
    const rootUri = pathToFileURL(options.workspace).href;
    for (const f of options.folders ?? []) client.folderSettings.set(pathToFileURL(f.path).href, f.settings ?? {});
    client.initializeResult = await client.bounded(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [
          { uri: rootUri, name: 'workspace' },
          ...(options.folders ?? []).map((f) => ({ uri: pathToFileURL(f.path).href, name: basename(f.path) })),
        ],
        initializationOptions: options.initializationOptions,
        capabilities: {
          workspace: {
            configuration: true,
            workspaceFolders: true,
            didChangeConfiguration: { dynamicRegistration: true },
            didChangeWatchedFiles: { dynamicRegistration: true },
            // As VS Code: a pack rename moves its folder.
            workspaceEdit: options.workspaceEdit ?? { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
            ...(options.pullDiagnostics ? { diagnostics: { refreshSupport: true } } : {}),
          },
          textDocument: {
            publishDiagnostics: { versionSupport: true },
            hover: { contentFormat: ['markdown'] },
            ...(options.pullDiagnostics ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
          },
          ...(options.pullDiagnostics ? { window: { workDoneProgress: true } } : {}),
        },
      }),
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    // The server pulls `cavra` settings once initialized; documents opened after that see them.
    if (!options.slowConfigurationMs) await client.bounded(asked, 'workspace/configuration');
    return client;
  }

  /** Folders added (with their settings) and removed while the server runs, as VS Code sends them. */
  async changeFolders(added: FolderOptions[], removed: string[] = []): Promise<void> {
    for (const f of added) this.folderSettings.set(pathToFileURL(f.path).href, f.settings ?? {});
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: {
        added: added.map((f) => ({ uri: pathToFileURL(f.path).href, name: basename(f.path) })),
        removed: removed.map((path) => ({ uri: pathToFileURL(path).href, name: basename(path) })),
      },
    });
  }

  uriOf(relativePath: string): string {
    return pathToFileURL(`${this.workspace}/${relativePath}`).href;
  }

  async open(uri: string, text: string, languageId = 'cavra-policy', version = 1): Promise<void> {
    // A reopened document starts its versions again: forget what was published for the old one.
    this.published = this.published.filter((p) => p.uri !== uri);
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
  }

  /** Replaces the whole text (or applies ranged changes) and returns the new version. */
  async change(uri: string, changes: string | TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const contentChanges = typeof changes === 'string' ? [{ text: changes }] : changes;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The first publishDiagnostics for `uri` at `version` (already received or still to come). */
  diagnostics(uri: string, version: number = this.versions.get(uri) ?? 1): Promise<Diagnostic[]> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && p.version === version;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen.diagnostics);
    return this.bounded(
      new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ match, resolve })),
      `publishDiagnostics for ${uri} version ${version}`,
    ).then((p) => p.diagnostics);
  }

  /** The whole publishDiagnostics notification, for golden cases. */
  async publication(uri: string, version: number = this.versions.get(uri) ?? 1): Promise<PublishDiagnosticsParams> {
    await this.diagnostics(uri, version);
    return this.published.find((p) => p.uri === uri && p.version === version)!;
  }

  /** A publication without a version (the server clears diagnostics this way on close). */
  cleared(uri: string): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && p.version === undefined;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen);
    return this.bounded(
      new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ match, resolve })),
      `cleared diagnostics for ${uri}`,
    );
  }

  /**
   * The first publication for `uri` that satisfies `match`, looking at the last one received and
   * those still to come: for diagnostics that change although the document did not (a parent changed).
   */
  publishedFor(uri: string, match: (p: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams> {
    const last = this.published.filter((p) => p.uri === uri).at(-1);
    if (last && match(last)) return Promise.resolve(last);
    const full = (p: PublishDiagnosticsParams) => p.uri === uri && match(p);
    return this.bounded(new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ match: full, resolve })), what);
  }

  /** `textDocument/diagnostic` (pull). */
  pullDiagnostics(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return this.bounded(
      this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId }),
      'textDocument/diagnostic',
    );
  }

  /** `workspace/diagnostic` (pull), with the result ids of the last answer. */
  workspaceDiagnostics(previousResultIds: { uri: string; value: string }[] = []): Promise<WorkspaceDiagnosticReport> {
    return this.bounded(
      this.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds }),
      'workspace/diagnostic',
    );
  }

  /** `workspace/diagnostic` with a partial result token: the parts streamed by `$/progress`, then the final answer. */
  async workspaceDiagnosticsInParts(): Promise<{ parts: WorkspaceDiagnosticReport[]; final: WorkspaceDiagnosticReport }> {
    const token = `workspace-diagnostics-${Date.now()}`;
    const parts: WorkspaceDiagnosticReport[] = [];
    const listening = this.connection.onProgress(WorkspaceDiagnosticRequest.partialResult, token, (part) => {
      parts.push(part);
    });
    try {
      const final = await this.bounded(
        this.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [], partialResultToken: token }),
        'workspace/diagnostic',
      );
      return { parts, final };
    } finally {
      listening.dispose();
    }
  }

  /** Resolves at the next `workspace/diagnostic/refresh` the server sends (or at once if `after` were already exceeded). */
  refreshed(after: number): Promise<void> {
    if (this.refreshes > after) return Promise.resolve();
    return this.bounded(new Promise<void>((resolve) => this.refreshWaiters.push(resolve)), 'workspace/diagnostic/refresh');
  }

  /** Changes the `cavra` settings the client answers and tells the server, as VS Code does. */
  async changeSettings(settings: Partial<ServerSettings>): Promise<void> {
    this.cavraSettings = { ...this.cavraSettings, ...settings };
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** Tells the server files changed on disk (VS Code's file watcher does after a save). */
  async filesChanged(relativePaths: string[], type: FileChangeType = FileChangeType.Changed): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: relativePaths.map((p) => ({ uri: this.uriOf(p), type })),
    });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.bounded(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 'hover');
  }

  completion(uri: string, position: Position): Promise<CompletionList | CompletionItem[] | null> {
    return this.bounded(this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }), 'completion');
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<(Command | CodeAction)[] | null> {
    return this.bounded(
      this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } }),
      'codeAction',
    );
  }

  codeLenses(uri: string): Promise<CodeLens[] | null> {
    return this.bounded(this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), 'codeLens');
  }

  documentSymbols(uri: string): Promise<DocumentSymbol[] | SymbolInformation[] | null> {
    return this.bounded(this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), 'documentSymbol');
  }

  documentState(uri: string): Promise<DocumentState | null> {
    return this.bounded(this.connection.sendRequest(DocumentStateRequest, { uri }), 'cavra/documentState');
  }

  /** Any request by method name, for golden cases. */
  request(method: string, params: unknown): Promise<unknown> {
    return this.bounded(this.connection.sendRequest(method, params), method);
  }

  /**
   * shutdown + exit; the process is killed if it does not leave on its own. Resolves to the exit
   * code (0 after a clean shutdown, per LSP) or the signal that ended it.
   */
  async stop(): Promise<number | string | null> {
    return this.leave(async () => {
      try {
        await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'shutdown', 5_000);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // the kill in leave() still ends it
      }
    });
  }

  /**
   * The client goes away without `exit` (an editor killed): its end of stdin closes, optionally after
   * `shutdown`. Resolves with the server's exit code; a server still running after 5 s is killed and
   * the answer is 'SIGKILL'.
   */
  async closeInput(afterShutdown: boolean): Promise<number | string | null> {
    return this.leave(async () => {
      if (afterShutdown) await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'shutdown', 5_000);
      this.proc.stdin!.end();
    });
  }

  /** Does what ends the session, then waits for the server to exit (killed after 5 s); its code or signal. */
  private async leave(end: () => Promise<void>): Promise<number | string | null> {
    const exited = new Promise<number | string | null>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) resolve(this.proc.exitCode ?? this.proc.signalCode);
      else this.proc.once('exit', (code, signal) => resolve(code ?? signal));
    });
    await end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    const code = await exited;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }

  private bounded<T>(p: Promise<T>, what: string, limit = WAIT_LIMIT_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`No answer to ${what} from the language server.${this.stderr ? `\nServer stderr:\n${this.stderr}` : ''}`),
          ),
        limit,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}
