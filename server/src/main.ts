// LSP wiring only: connection, document sync, dispatch to the language service and the workflows.
// Settings are read by workflows/workspaceSettings.ts; signature checks are kept by SignatureStates.
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, languageFeatures, type Analysis } from './language/languageService';
import { PackCatalog } from './language/packCatalog';
import { warmUpLanguageService } from './language/warmUp';
import { SignatureStates } from './backend/local';
import { documentState } from './documentState';
import { CredentialsNotification, DocumentStateRequest, EffectivePolicyRequest } from './protocol';
import { effectivePolicyView, effectivePolicyViewOfFile } from './language/effectivePolicyView';
import { createWorkflowBackend } from './workflows/backendFactory';
import { registerWorkflows, WORKFLOW_COMMANDS } from './workflows/registerWorkflows';
import { signatureDiagnostics } from './workflows/signatureDiagnostics';
import { WorkflowService, type SelectedBackend } from './workflows/workflowService';
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
  if (cached && cached.doc.version === doc.version) return cached;
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
  if (file && a.packFolder) catalog.setOpen(file, a.packFolder, a.doc.value, a.doc);
  return a;
}

function workflowFolder(): string {
  return workspaceFolders[0] ?? process.cwd();
}

function validate(doc: TextDocument): void {
  const a = analysisOf(doc);
  const file = fileOf(doc.uri);
  const signature =
    file && a.packFolder
      ? signatureDiagnostics(
          file,
          doc.getText(),
          signingKeyDirectory(settings, workflowFolder()),
          hmacKeyOf(settings),
          signatures,
        )
      : [];
  void connection.sendDiagnostics({
    uri: doc.uri,
    version: doc.version,
    diagnostics: signature.length ? [...signature, ...a.diagnostics] : a.diagnostics,
  });
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
  for (const d of documents.all()) validate(d);
}

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
      definitionProvider: true,
      executeCommandProvider: { commands: WORKFLOW_COMMANDS },
    },
    serverInfo: { name: 'cavra-policy-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfig) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: ['cavra', 'http'] });
    await pullSettings();
    revalidateAll();
  }
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

documents.onDidOpen((e) => validate(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  analyses.delete(e.document.uri);
  editCost.delete(e.document.uri);
  const file = fileOf(e.document.uri);
  if (file) catalog.closeOpen(file);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
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
connection.onDefinition((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.coveringRule(a, p.position), null));
connection.onRequest(EffectivePolicyRequest, (p) => {
  const doc = documents.get(p.uri);
  const a = doc && analysisOf(doc);
  return a ? effectivePolicyView(catalog, a.doc, a.packFolder) : effectivePolicyViewOfFile(catalog, p.uri);
});

const workflows = new WorkflowService(() => {
  backend ??= createWorkflowBackend(settings, workflowFolder(), () => remoteToken, signatures);
  return { folder: workflowFolder(), settings, backend, openText: (uri) => documents.get(uri)?.getText() };
});
registerWorkflows(connection, workflows, () => settings.backend);
connection.onNotification(CredentialsNotification, (p) => {
  remoteToken = typeof p?.token === 'string' && p.token ? p.token : null;
});

documents.listen(connection);
connection.listen();
