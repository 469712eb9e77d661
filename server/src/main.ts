// LSP wiring only: connection, document sync, dispatch to the language service and the workflows.
// Settings are read by workflows/workspaceSettings.ts; signature checks are kept by SignatureStates.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, languageFeatures, relint, type Analysis } from './language/languageService';
import { PackCatalog } from './language/packCatalog';
import { warmUpLanguageService } from './language/warmUp';
import { SignatureStates } from './backend/local';
import { documentState } from './documentState';
import { CredentialsNotification, DocumentStateRequest } from './protocol';
import { createWorkflowBackend } from './workflows/backendFactory';
import { registerWorkflows, WORKFLOW_COMMANDS } from './workflows/registerWorkflows';
import { signatureDiagnostics } from './workflows/signatureDiagnostics';
import { WorkflowService, type SelectedBackend } from './workflows/workflowService';
import { registerPackDiagnostics } from './packDiagnostics';
import { ResultIds, WorkspaceDiagnostics } from './workspaceDiagnostics';
import {
  defaultWorkflowSettings,
  hmacKeyOf,
  languagePolicyRoots,
  readWorkflowSettings,
  signingKeyDirectory,
  type WorkflowSettings,
} from './workflows/workspaceSettings';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const catalog = new PackCatalog();
/** Signature checks of published packs, kept until a watched file or a setting changes. */
const signatures = new SignatureStates();
const analyses = new Map<string, Analysis>();
const timers = new Map<string, NodeJS.Timeout>();
let workspaceFolders: string[] = [];
let canPullConfig = false;
let trusted = true;
let settings: WorkflowSettings = { ...defaultWorkflowSettings };
let remoteToken: string | null = null;
let backend: SelectedBackend | undefined;
/** Per document: how long analysing its last edit took. The debounce follows it (see schedule()). */
const editCost = new Map<string, number>();
/** The client pulls diagnostics (textDocument/diagnostic, workspace/diagnostic); else they are pushed. */
let pullDiagnostics = false;
let refreshSupport = false;
const resultIds = new ResultIds();
const workspacePacks = new WorkspaceDiagnostics(
  catalog,
  {
    settings: () => ({ maxFileSize: settings.maxFileSizeMb * 1024 * 1024 }),
    extra: (file, text) => signatureOf(file, text),
  },
  resultIds,
);

function fileOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function policyRoots(): string[] {
  return languagePolicyRoots(settings, workspaceFolders);
}

function analysisOf(doc: TextDocument): Analysis {
  const cached = analyses.get(doc.uri);
  if (cached && cached.doc.version === doc.version) {
    if (catalog.isCurrent(cached.dependsOn)) return cached;
    // Same text, but a pack it inherits from changed: run the passes again on the same tree.
    const again = relint(cached);
    analyses.set(doc.uri, again);
    return again;
  }
  // The editor's copy works out its line offsets on first use: at the open, not on the first keystroke.
  if (!cached) void doc.lineCount;
  const file = fileOf(doc.uri);
  // The previous version's analysis lets an edit inside a list be applied instead of re-read.
  const a = analyze(
    doc.uri,
    doc.version,
    doc.getText(),
    { file, catalog },
    { maxFileSize: settings.maxFileSizeMb * 1024 * 1024 },
    cached,
  );
  analyses.set(doc.uri, a);
  if (file && a.packFolder && catalog.setOpen(file, a.packFolder, a.doc.value, a.doc)) packsChanged(doc.uri);
  return a;
}

/**
 * An open pack changed in the catalog (edited, closed): the open documents whose analysis read it are
 * analysed again at once. Packs that are not open read the disk, so a keystroke costs them nothing.
 */
function packsChanged(except?: string): void {
  const stale = documents.all().filter((d) => {
    const a = analyses.get(d.uri);
    return d.uri !== except && a !== undefined && !catalog.isCurrent(a.dependsOn);
  });
  if (pullDiagnostics) {
    if (stale.length) packDiagnostics.changed();
  } else {
    // After the edited document's own diagnostics: set off to the next turn of the event loop.
    setImmediate(() => {
      for (const d of stale) if (documents.get(d.uri) === d) validate(d);
    });
  }
}

function signatureOf(file: string, text: string): Diagnostic[] {
  return signatureDiagnostics(file, text, signingKeyDirectory(settings, workflowFolder()), hmacKeyOf(settings), signatures);
}

/** An open document's diagnostics: the signature check of a published pack, then the analysis. */
function documentDiagnostics(doc: TextDocument): Diagnostic[] {
  const a = analysisOf(doc);
  const file = fileOf(doc.uri);
  const signature = file && a.packFolder ? signatureOf(file, doc.getText()) : [];
  return signature.length ? [...signature, ...a.diagnostics] : a.diagnostics;
}

function workflowFolder(): string {
  return workspaceFolders[0] ?? process.cwd();
}

function validate(doc: TextDocument): void {
  const diagnostics = documentDiagnostics(doc);
  // A client that pulls asks for them itself (packDiagnostics.ts); pushing too would list them twice.
  if (!pullDiagnostics) void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

/**
 * The adaptive debounce. After an edit whose analysis was cheap (an incremental one: a few milliseconds,
 * well within the time between two keystrokes) the next is validated at once, so diagnostics follow
 * every keystroke; the dearer the last one (a full re-read of a big file), the longer the next waits
 * for typing to pause (up to 300 ms), so fast typing does not queue full re-reads.
 */
function debounceMs(lastEditCostMs: number): number {
  return Math.round(Math.min(300, Math.max(0, 2 * (lastEditCostMs - 30))));
}

function schedule(doc: TextDocument): void {
  clearTimeout(timers.get(doc.uri));
  timers.set(
    doc.uri,
    setTimeout(
      () => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (!current) return;
        const started = performance.now();
        validate(current);
        editCost.set(doc.uri, performance.now() - started);
      },
      debounceMs(editCost.get(doc.uri) ?? 0),
    ),
  );
}

function revalidateAll(): void {
  analyses.clear();
  workspacePacks.invalidate();
  for (const d of documents.all()) validate(d);
  if (pullDiagnostics) packDiagnostics.changed();
  packDiagnostics.schedulePass();
}

const isOpenFile = (file: string) => documents.get(pathToFileURL(file).href) !== undefined;

async function pullSettings(): Promise<void> {
  if (!canPullConfig) return;
  // VS Code's own `http` section too: its proxy settings apply to calls to a CAVRA server.
  const [cfg, http] = (await connection.workspace.getConfiguration([{ section: 'cavra' }, { section: 'http' }])) as (Record<
    string,
    unknown
  > | null)[];
  settings = readWorkflowSettings(cfg, trusted, http);
  backend = undefined;
  signatures.invalidate();
  catalog.scan(policyRoots());
}

connection.onInitialize((params): InitializeResult => {
  workspaceFolders = (params.workspaceFolders ?? []).map((f) => fileOf(f.uri)).filter((f): f is string => !!f);
  if (!workspaceFolders.length && params.rootUri) {
    const f = fileOf(params.rootUri);
    if (f) workspaceFolders.push(f);
  }
  const init = params.initializationOptions as Record<string, unknown> | undefined;
  if (init?.trusted === false) trusted = false;
  settings = readWorkflowSettings(init, trusted);
  canPullConfig = !!params.capabilities.workspace?.configuration;
  pullDiagnostics = !!params.capabilities.textDocument?.diagnostic;
  refreshSupport = !!params.capabilities.workspace?.diagnostics?.refreshSupport;
  catalog.scan(policyRoots());
  // Once the answer is out: compile the schema and warm every analysis pass before a document opens.
  setImmediate(warmUpLanguageService);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [':', ' ', '-', '['] },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      executeCommandProvider: { commands: WORKFLOW_COMMANDS },
      ...(pullDiagnostics
        ? { diagnosticProvider: { identifier: 'cavra', interFileDependencies: true, workspaceDiagnostics: true } }
        : {}),
    },
    serverInfo: { name: 'cavra-policy-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfig) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: ['cavra', 'http'] });
    await pullSettings();
    revalidateAll();
  } else packDiagnostics.schedulePass();
  void connection.client
    .register(DidChangeWatchedFilesNotification.type, {
      watchers: [
        { globPattern: '**/policy.yaml' },
        { globPattern: '**/policy.yaml.sig.json' },
        { globPattern: '**/*.public.pem' },
      ],
    })
    .catch(() => undefined);
});

connection.onDidChangeConfiguration(async () => {
  await pullSettings();
  revalidateAll();
});

connection.onDidChangeWatchedFiles(() => {
  signatures.invalidate();
  catalog.scan(policyRoots());
  revalidateAll();
});

documents.onDidOpen((e) => {
  packDiagnostics.opened(e.document.uri);
  packDiagnostics.busy();
  validate(e.document);
});
documents.onDidChangeContent((e) => {
  packDiagnostics.busy();
  schedule(e.document);
});
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  analyses.delete(e.document.uri);
  editCost.delete(e.document.uri);
  const file = fileOf(e.document.uri);
  if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  // Its children see the file on disk again; the pack itself is reported from disk from now on.
  if (file && catalog.closeOpen(file)) packsChanged();
  packDiagnostics.schedulePass();
});

const withDoc = <T>(uri: string, fn: (a: Analysis) => T, fallback: T): T => {
  const doc = documents.get(uri);
  return doc ? fn(analysisOf(doc)) : fallback;
};

connection.onHover((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.hover(a, p.position), null));
connection.onCompletion((p) =>
  withDoc(p.textDocument.uri, (a) => languageFeatures.completion(a, p.position), { isIncomplete: false, items: [] }),
);
connection.onCodeAction((p) =>
  withDoc(p.textDocument.uri, (a) => languageFeatures.codeActions(a, p.range, p.context.diagnostics), []),
);
connection.onCodeLens((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.codeLenses(a), []));
connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.symbols(a), []));

connection.onRequest(DocumentStateRequest, (p) => withDoc(p.uri, (a) => documentState(p.uri, a), null));

const workflows = new WorkflowService(() => {
  backend ??= createWorkflowBackend(settings, workflowFolder(), () => remoteToken, signatures);
  return { folder: workflowFolder(), settings, backend, openText: (uri) => documents.get(uri)?.getText() };
});
registerWorkflows(connection, workflows, () => settings.backend);
const packDiagnostics = registerPackDiagnostics(connection, {
  pull: () => pullDiagnostics,
  refreshSupport: () => refreshSupport,
  workspaceOn: () => settings.diagnostics.workspace,
  document: (uri) => documents.get(uri),
  isOpenFile,
  documentDiagnostics,
  workspace: workspacePacks,
  resultIds,
});
connection.onNotification(CredentialsNotification, (p) => {
  remoteToken = typeof p?.token === 'string' && p.token ? p.token : null;
});

documents.listen(connection);
connection.listen();
