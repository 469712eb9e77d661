// Diagnostics of the whole policy root over LSP. A client with pull diagnostics asks for them
// (`textDocument/diagnostic` for open documents, `workspace/diagnostic` for every pack, answered
// "unchanged" by result id) and is asked to pull again when a parent change makes a child stale
// (`workspace/diagnostic/refresh`). A client without pulls gets the packs that are not open pushed
// by a background pass. Both walk the root in chunks, yielding between them, so a keystroke is never
// queued behind a large root; a pass that analyses many packs reports progress.
import { fileURLToPath } from 'node:url';
import {
  DocumentDiagnosticReportKind,
  type Connection,
  type Diagnostic,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ResultIds, WorkspaceReports } from './workspaceDiagnostics';

/** How long the editor must be quiet before a pass for pushing clients starts. */
const QUIET_MS = 300;
/** Reports per partial result. */
const CHUNK = 50;
/** Work between two yields to the event loop: a keystroke waits at most about this long. */
const SLICE_MS = 5;
/** Result id of a workspace report while `cavra.diagnostics.workspace` is off: nothing listed. */
const OFF = 'workspace-diagnostics-off';

export interface PackDiagnosticsHost {
  /** The client pulls diagnostics (else the server pushes them). */
  pull(): boolean;
  /** The client takes `workspace/diagnostic/refresh`. */
  refreshSupport(): boolean;
  /** `cavra.diagnostics.workspace`. */
  workspaceOn(): boolean;
  document(uri: string): TextDocument | undefined;
  isOpenFile: (file: string) => boolean;
  documentDiagnostics(doc: TextDocument): Diagnostic[];
  workspace: WorkspaceReports;
  resultIds: ResultIds;
}

function fileOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Yields to the event loop once a slice of work has taken SLICE_MS; true when it did. */
function slicer(): () => Promise<boolean> {
  let started = performance.now();
  return async () => {
    if (performance.now() - started < SLICE_MS) return false;
    await nextTurn();
    started = performance.now();
    return true;
  };
}

export interface PackDiagnostics {
  /** Some analysis went stale: pulling clients are asked to pull again. */
  changed(): void;
  /** Runs the background pass for pushing clients soon (coalesced). */
  schedulePass(): void;
  /** A pack was opened: its document publishes from now on, and is pushed again when it closes. */
  opened(uri: string): void;
  /** The user is typing or opening: a pending pass waits for a pause (one large pack cannot be sliced). */
  busy(): void;
}

export function registerPackDiagnostics(connection: Connection, host: PackDiagnosticsHost): PackDiagnostics {
  const { workspace, resultIds } = host;

  /** One pack's report; a pack that cannot be checked is logged and skipped, never the end of the pass. */
  const reportOf = (file: string) => {
    try {
      return workspace.report(file);
    } catch (e) {
      connection.console.error(`CAVRA: could not check ${file}: ${(e as Error).stack ?? String(e)}`);
      return undefined;
    }
  };

  connection.languages.diagnostics.on((params) => {
    const uri = params.textDocument.uri;
    const doc = host.document(uri);
    let report: { resultId: string; diagnostics: Diagnostic[] } | undefined;
    if (doc) {
      const diagnostics = host.documentDiagnostics(doc);
      report = { resultId: resultIds.of(uri, diagnostics), diagnostics };
    } else {
      const file = fileOf(uri);
      report = file && host.workspaceOn() ? reportOf(file) : undefined;
    }
    if (!report) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    if (params.previousResultId === report.resultId)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: report.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: report.resultId, items: report.diagnostics };
  });

  connection.languages.diagnostics.onWorkspace(async (params, token, workDone, resultProgress) => {
    const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    if (!host.workspaceOn()) {
      // Off: every pack reported before is reported once more, empty, so the client drops its findings.
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      for (const [uri, value] of previous) {
        if (host.document(uri)) continue;
        items.push(
          value === OFF
            ? { kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId: OFF }
            : { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: OFF, items: [] },
        );
      }
      return { items };
    }
    const files = workspace.files(host.isOpenFile);
    // Progress only once the work outlasts a slice: answering "unchanged" for a whole root shows none.
    let shown = false;
    let items: WorkspaceDocumentDiagnosticReport[] = [];
    const pause = slicer();
    for (let i = 0; i < files.length; i++) {
      if (token.isCancellationRequested) break;
      const r = reportOf(files[i]);
      if (r) {
        items.push(
          previous.get(r.uri) === r.resultId
            ? { kind: DocumentDiagnosticReportKind.Unchanged, uri: r.uri, version: null, resultId: r.resultId }
            : { kind: DocumentDiagnosticReportKind.Full, uri: r.uri, version: null, resultId: r.resultId, items: r.diagnostics },
        );
      }
      // Reports are sent in parts when the client takes partial results.
      if (i + 1 < files.length && resultProgress && items.length >= CHUNK) {
        resultProgress.report({ items });
        items = [];
      }
      if (await pause()) {
        if (!shown) workDone.begin('CAVRA: checking policy packs', 0, `${files.length} packs`, true);
        shown = true;
        workDone.report(Math.round((100 * (i + 1)) / files.length), `${i + 1} of ${files.length} packs`);
      }
    }
    if (shown) workDone.done();
    return { items };
  });

  /** uri -> result id last pushed for a pack that is not open. */
  const pushed = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  const startPass = () => {
    timer = undefined;
    pass().catch((e: unknown) => connection.console.error(`CAVRA: checking the policy root failed: ${String(e)}`));
  };
  let running = false;
  let again = false;

  async function pass(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await pushOnce();
      } while (again);
    } finally {
      running = false;
    }
  }

  async function pushOnce(): Promise<void> {
    const files = host.workspaceOn() ? workspace.files(host.isOpenFile) : [];
    const current = new Set<string>();
    let progress: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined;
    let shown = false;
    const pause = slicer();
    for (let i = 0; i < files.length; i++) {
      const r = reportOf(files[i]);
      if (r && !host.isOpenFile(r.file)) {
        current.add(r.uri);
        if (pushed.get(r.uri) !== r.resultId) {
          pushed.set(r.uri, r.resultId);
          void connection.sendDiagnostics({ uri: r.uri, diagnostics: r.diagnostics });
        }
      }
      if (await pause()) {
        // Progress only once the pass outlasts a slice (a client without the capability gets none).
        if (!shown) {
          shown = true;
          progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
          progress?.begin('CAVRA: checking policy packs', 0, `${files.length} packs`);
        }
        progress?.report(Math.round((100 * (i + 1)) / files.length), `${i + 1} of ${files.length} packs`);
      }
    }
    progress?.done();
    for (const uri of [...pushed.keys()]) {
      if (current.has(uri)) continue;
      pushed.delete(uri);
      // An opened pack publishes its own diagnostics; a removed one (or the setting off) is cleared.
      const file = fileOf(uri);
      if (!file || !host.isOpenFile(file)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }

  return {
    opened(uri) {
      pushed.delete(uri);
    },
    changed() {
      if (host.pull() && host.refreshSupport()) void connection.languages.diagnostics.refresh().catch(() => undefined);
    },
    schedulePass() {
      if (host.pull()) return;
      clearTimeout(timer);
      // Coalesces the bursts (a save that is also a watched-file event, several closes).
      timer = setTimeout(startPass, QUIET_MS);
    },
    busy() {
      if (!timer) return;
      clearTimeout(timer);
      timer = setTimeout(startPass, QUIET_MS);
    },
  };
}
