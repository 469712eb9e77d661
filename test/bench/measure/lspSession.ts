// One language server process driven over a real LSP stdio connection, as an editor drives it.
// Every wait is bounded; a server that exits, errors or stays silent makes the wait reject with a
// reason, and `stop()` always ends the process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  type DocumentDiagnosticReport,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ConfigurationItem,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  WorkspaceDiagnosticRequest,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol/node';

export interface ServerSpec {
  /** Short name used in the report. */
  name: string;
  node: string;
  args: string[];
  languageId: string;
  /** The answer to one `workspace/configuration` item. */
  configuration(item: ConfigurationItem): unknown;
  /** yaml-language-server publishes without a version, so "the next publication" is all we can match. */
  publishesVersions: boolean;
  /** Extra environment of the server process (e.g. `CAVRA_CODE_CACHE: 'off'` for a first start). */
  env?: NodeJS.ProcessEnv;
}

export class TimeoutError extends Error {}

interface Waiter {
  match: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

/**
 * How long a server must use no CPU to count as quiet. Longer than any pause after which a server
 * starts work of its own: ours starts its workspace pass after 300 ms without events, so a 300 ms
 * criterion sometimes opened the file just before a 20k-rule pack's pass began and measured the wait
 * for that pass (quiet opens at 20k were 150-200 ms or 400-550 ms, nothing between).
 */
export const QUIET_MS = 1000;

export class LspSession {
  private waiters: Waiter[] = [];
  private lastPublishAt = 0;
  private configAnswered = 0;
  private exited: string | undefined;
  private stderr = '';
  private version = 0;

  private constructor(
    readonly spec: ServerSpec,
    private readonly proc: ChildProcess,
    private readonly connection: ProtocolConnection,
  ) {
    proc.stderr!.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
    proc.on('exit', (code, signal) => {
      this.exited = `exited (code ${code}, signal ${signal})`;
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.lastPublishAt = performance.now();
      const ready = this.waiters.filter((w) => w.match(p));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(p);
    });
    connection.onRequest(ConfigurationRequest.type, (p) => {
      this.configAnswered++;
      return p.items.map((item) => spec.configuration(item));
    });
    connection.onRequest(RegistrationRequest.type, () => undefined);
    // What else these servers send; any other request gets the protocol's MethodNotFound answer.
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    // `$/progress` is left to the connection, which hands partial results to their request (see
    // workspaceDiagnostics) and drops work-done progress it has no handler for.
    for (const method of ['window/logMessage', 'window/showMessage', 'telemetry/event'])
      connection.onNotification(method, () => undefined);
    connection.onError(() => undefined);
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /**
   * `quiet: false` returns right after `initialized`, as the extension opens its files (issue 14).
   * `pullDiagnostics` declares what VS Code declares for `workspace/diagnostic` (the whole-workspace run).
   */
  static async start(
    spec: ServerSpec,
    workspace: string,
    limitMs: number,
    quiet = true,
    pullDiagnostics = false,
  ): Promise<LspSession> {
    const proc = spawn(spec.node, spec.args, {
      cwd: workspace,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, CAVRA_POLICY_DIR: '', ...spec.env },
    });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const session = new LspSession(spec, proc, connection);
    connection.listen();
    const rootUri = pathToFileURL(workspace).href;
    try {
      await session.bounded(
        connection.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri,
          workspaceFolders: [{ uri: rootUri, name: 'bench' }],
          capabilities: {
            workspace: {
              configuration: true,
              workspaceFolders: true,
              didChangeConfiguration: { dynamicRegistration: true },
              ...(pullDiagnostics ? { diagnostics: { refreshSupport: true } } : {}),
            },
            textDocument: {
              ...(pullDiagnostics ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
              synchronization: { dynamicRegistration: false },
              publishDiagnostics: { versionSupport: true },
              hover: { contentFormat: ['markdown', 'plaintext'] },
              completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
            },
          },
        }),
        'initialize',
        limitMs,
      );
      await connection.sendNotification(InitializedNotification.type, {});
      if (!quiet) return session;
      // Both servers pull their settings after `initialized`; open only once that is done and quiet,
      // so the cold-open time is the document's, not the start-up's. Quiet is measured, not assumed:
      // the server has used no CPU for QUIET_MS (a server may warm up for a while once it is idle).
      await session.until(() => session.configAnswered > 0, 'settings pull', Math.min(limitMs, 10_000)).catch(() => undefined);
      await session.idle(QUIET_MS, Math.min(limitMs, 10_000));
    } catch (e) {
      await session.stop();
      throw e;
    }
    return session;
  }

  /** didOpen; resolves with the first diagnostics for the document. */
  async open(uri: string, text: string, limitMs: number): Promise<PublishDiagnosticsParams> {
    this.version = 1;
    const first = this.nextPublication(uri, 1, limitMs);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: this.spec.languageId, version: 1, text },
    });
    return first;
  }

  /** One incremental change; resolves with the diagnostics published for it. */
  async insert(uri: string, at: Position, text: string, limitMs: number): Promise<PublishDiagnosticsParams> {
    const version = ++this.version;
    const next = this.nextPublication(uri, version, limitMs);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: at, end: at }, text }],
    });
    return next;
  }

  /**
   * Pull diagnostics as VS Code asks them (vscode-languageclient with `diagnosticPullOptions.onChange`):
   * didOpen or one incremental change, then at once `textDocument/diagnostic` with the previous answer's
   * result id; resolves with the answer (full, or "unchanged" when the findings are the same).
   */
  async openPulled(uri: string, text: string, limitMs: number): Promise<DocumentDiagnosticReport> {
    this.version = 1;
    this.pulledId = undefined;
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: this.spec.languageId, version: 1, text },
    });
    return this.pull(uri, limitMs);
  }

  async insertPulled(uri: string, at: Position, text: string, limitMs: number): Promise<DocumentDiagnosticReport> {
    const version = ++this.version;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: at, end: at }, text }],
    });
    return this.pull(uri, limitMs);
  }

  /** Answers to pulls so far that said "unchanged". */
  unchangedAnswers = 0;
  private pulledId: string | undefined;

  private async pull(uri: string, limitMs: number): Promise<DocumentDiagnosticReport> {
    const report = await this.bounded(
      this.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
        ...(this.pulledId === undefined ? {} : { previousResultId: this.pulledId }),
      }),
      'textDocument/diagnostic',
      limitMs,
    );
    if (report.kind === 'unchanged') this.unchangedAnswers++;
    this.pulledId = report.resultId;
    return report;
  }

  /** `workspace/diagnostic` with no previous results: every pack under the policy root. */
  /**
   * `workspace/diagnostic` as VS Code asks it: vscode-languageclient sends a partial result token, so
   * reports stream in by `$/progress` while the server goes on (the Problems panel fills as they come),
   * and the response holds the rest. Answers every report, parts first.
   */
  async workspaceDiagnostics(limitMs: number): Promise<WorkspaceDiagnosticReport> {
    const token = `bench-workspace-diagnostics-${++this.partialTokens}`;
    const parts: WorkspaceDiagnosticReport['items'] = [];
    const listening = this.connection.onProgress(WorkspaceDiagnosticRequest.partialResult, token, (part) => {
      parts.push(...part.items);
    });
    try {
      const last = await this.bounded(
        this.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [], partialResultToken: token }),
        'workspace/diagnostic',
        limitMs,
      );
      return { items: [...parts, ...last.items] };
    } finally {
      listening.dispose();
    }
  }

  private partialTokens = 0;

  /** The next publication for `uri`, whatever its version (a child re-linted after its parent changed). */
  nextPublicationFor(uri: string, limitMs: number): Promise<PublishDiagnosticsParams> {
    return this.bounded(
      new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ match: (p) => p.uri === uri, resolve })),
      `diagnostics for ${uri}`,
      limitMs,
    );
  }

  /** didOpen without waiting for its diagnostics (many files opened at once). */
  async openQuietly(uri: string, text: string): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: this.spec.languageId, version: 1, text },
    });
  }

  hover(uri: string, position: Position, limitMs: number): Promise<unknown> {
    return this.bounded(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 'hover', limitMs);
  }

  completion(uri: string, position: Position, limitMs: number): Promise<unknown> {
    return this.bounded(
      this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }),
      'completion',
      limitMs,
    );
  }

  /** Waits until no diagnostics were published for `quietMs` (bounded), so late publications of one step do not end the next. */
  async settle(quietMs: number, limitMs: number): Promise<void> {
    await this.until(() => performance.now() - this.lastPublishAt >= quietMs, 'quiet', limitMs).catch(() => undefined);
  }

  /** Resident and peak resident memory of the server process, in bytes (Linux /proc). */
  /** CPU time used by the server so far (user + system, ms), from /proc; undefined elsewhere. */
  cpuMs(): number | undefined {
    try {
      // Fields after the command name (which may hold spaces, hence the last ')'): utime is 14th, stime 15th.
      const fields = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
    } catch {
      return undefined;
    }
  }

  /** Waits until the server has used no CPU for `quietMs` (at most `limitMs`; a fixed pause without /proc). */
  async idle(quietMs: number, limitMs: number): Promise<void> {
    const deadline = performance.now() + limitMs;
    let last = this.cpuMs();
    if (last === undefined) return sleep(quietMs);
    let since = performance.now();
    while (performance.now() < deadline) {
      await sleep(50);
      const now = this.cpuMs();
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since >= quietMs) return;
    }
  }

  memory(): { rss: number; peak: number } | undefined {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    } catch {
      return undefined;
    }
  }

  /** shutdown + exit, then SIGKILL if the process is still there. */
  async stop(): Promise<void> {
    if (!this.exited) {
      await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'shutdown', 3_000).catch(() => undefined);
      await this.connection.sendNotification(ExitNotification.type).catch(() => undefined);
      await this.until(() => !!this.exited, 'exit', 2_000).catch(() => undefined);
    }
    if (!this.exited) this.proc.kill('SIGKILL');
    await this.until(() => !!this.exited, 'kill', 2_000).catch(() => undefined);
    this.connection.dispose();
  }

  private nextPublication(uri: string, version: number, limitMs: number): Promise<PublishDiagnosticsParams> {
    const match = this.spec.publishesVersions
      ? (p: PublishDiagnosticsParams) => p.uri === uri && p.version === version
      : (p: PublishDiagnosticsParams) => p.uri === uri;
    return this.bounded(
      new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ match, resolve })),
      `diagnostics for version ${version}`,
      limitMs,
    );
  }

  private until(condition: () => boolean, what: string, limitMs: number): Promise<void> {
    const deadline = performance.now() + limitMs;
    return this.bounded(
      new Promise<void>((resolve) => {
        const tick = () => {
          if (condition()) resolve();
          else if (performance.now() < deadline) setTimeout(tick, 10);
        };
        tick();
      }),
      what,
      limitMs,
    );
  }

  private bounded<T>(p: Promise<T>, what: string, limitMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${this.spec.name}: no ${what} within ${limitMs / 1000} s`)), limitMs);
      const check = () => {
        if (this.exited)
          reject(
            new Error(
              `${this.spec.name} ${this.exited} while waiting for ${what}${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
            ),
          );
        else poll = setTimeout(check, 50);
      };
      check();
    });
    return Promise.race([p, failure]).finally(() => {
      clearTimeout(timer);
      clearTimeout(poll);
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
