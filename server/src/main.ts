// LSP wiring only: connection, document sync, dispatch to the language service and the workflows.
// Settings are read by workflows/workspaceSettings.ts; signature checks are kept by SignatureStates.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DidChangeConfigurationNotification,
  type ConfigurationItem,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  type FormattingOptions,
  type Diagnostic,
  type InitializeResult,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, languageFeatures, relint, sameTextAnalysis, type Analysis } from './language/languageService';
import { DiskPackDocuments } from './language/packDocuments';
import { warmUpLanguageService } from './language/warmUp';
import { SignatureStates } from './backend/local';
import { documentState } from './documentState';
import {
  CredentialsNotification,
  DocumentStateRequest,
  EffectivePolicyRequest,
  KeyTrustChangedNotification,
  RuleLocationRequest,
} from './protocol';
import { ruleLocation } from './language/ruleLocation';
import { effectivePolicyView, effectivePolicyViewOfFile } from './language/effectivePolicyView';
import { createWorkflowBackend } from './workflows/backendFactory';
import { StoreApprovalLocations } from './workflows/approvalLocations';
import { watchKeyHome } from './workflows/keyHomeWatch';
import { registerWorkflows, WORKFLOW_COMMANDS } from './workflows/registerWorkflows';
import { chainSources, signatureDiagnostics } from './workflows/signatureDiagnostics';
import { RuleActivities } from './workflows/ruleActivity';
import type { RuleActivity } from './policy/ruleActivity';
import { WorkflowService } from './workflows/workflowService';
import { PrivateKeyWarnings } from './workflows/privateKeysInWorkspace';
import {
  defaultWorkflowSettings,
  hmacKeyOf,
  keyPinsOf,
  readWorkflowSettings,
  signingKeyDirectory,
} from './workflows/workspaceSettings';
import { WorkspaceFolders } from './workspaceFolders';
import { isSignedPolicy, SignedFormattingGuard, signedFormattingWarning } from './workflows/signedPolicyFormatting';
import { registerPackDiagnostics } from './packDiagnostics';
import { LANGUAGE_CAPABILITIES, registerLanguageHandlers } from './languageHandlers';
import { FolderReports, ResultIds } from './workspaceDiagnostics';
import { usePackFiles } from './language/packFiles';
import { diskPackFiles } from './diskPackFiles';
import { createServerConnection } from './serverConnection';

// Packs are read from disk (the browser server reads them through the client instead).
usePackFiles(diskPackFiles);

const connection = createServerConnection();
const documents = new TextDocuments(TextDocument);
/** Signature checks of published packs, kept until a watched file or a setting changes. */
const signatures = new SignatureStates();
const analyses = new Map<string, Analysis>();
const timers = new Map<string, NodeJS.Timeout>();
/** Each workspace folder with its settings, packs and backend (one folder, or several in a multi-root workspace). */
const folders = new WorkspaceFolders({ ...defaultWorkflowSettings });
let canPullConfig = false;
/**
 * Settles once the first settings pull after `initialized` is done (or failed, or impossible). Workflow
 * requests wait for it: one answered on the defaults would say "local" for a remote workspace, and the
 * client would keep believing it (the inbox watched a store instead of polling the server).
 */
let settingsPulled!: () => void;
const firstSettings = new Promise<void>((resolve) => (settingsPulled = resolve));
/** The client applies a WorkspaceEdit's folder rename (a pack rename moves its folder). */
let canRenameFiles = false;
let canFollowFolders = false;
let trusted = true;
let remoteToken: string | null = null;
/** Per document: how long analysing its last edit took. The debounce follows it (see schedule()). */
const editCost = new Map<string, number>();
/** The client pulls diagnostics (textDocument/diagnostic, workspace/diagnostic); else they are pushed. */
let pullDiagnostics = false;
let refreshSupport = false;
const resultIds = new ResultIds();
/** The packs that are not open, per workspace folder (each against its own policy root and settings). */
const reportFolder = (f: (typeof folders.all)[number]) => ({
  catalog: f.catalog,
  workspaceOn: f.settings.diagnostics.workspace,
  check: {
    settings: () => ({ maxFileSize: f.settings.maxFileSizeMb * 1024 * 1024 }),
    extra: (file: string, text: string) => signatureOf(file, text),
  },
});
const workspacePacks = new FolderReports(
  () => folders.all.map(reportFolder),
  (file) => reportFolder(folders.ofFile(file)),
  resultIds,
);

function fileOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function analysisOf(doc: TextDocument): Analysis {
  const cached = analyses.get(doc.uri);
  const file = fileOf(doc.uri);
  // The document's own folder decides its policy root, packs and size limit.
  const { catalog, settings } = folders.ofFile(file);
  if (cached && cached.doc.version === doc.version && cached.context.catalog === catalog) {
    if (catalog.isCurrent(cached.dependsOn)) return cached;
    // Same text, but a pack it inherits from changed: run the passes again on the same tree.
    const again = relint(cached);
    analyses.set(doc.uri, again);
    return again;
  }
  // The previous version's analysis lets an edit inside a list be applied instead of re-read; without
  // one, the same text just read (by the workspace pass, or before settings changed) is taken over.
  const text = doc.getText();
  const a = analyze(
    doc.uri,
    doc.version,
    text,
    { file, catalog },
    { maxFileSize: settings.maxFileSizeMb * 1024 * 1024 },
    cached ?? sameTextAnalysis(doc.uri, text),
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
    return d.uri !== except && a !== undefined && !folders.ofFile(fileOf(d.uri)).catalog.isCurrent(a.dependsOn);
  });
  if (pullDiagnostics) {
    if (stale.length) packDiagnostics.changed();
  } else {
    // After the edited document's own diagnostics are written (validate() flushes them once its message
    // is out): the connection writes each message from a later turn of the event loop, so re-linting
    // here first made the edited file's answer wait behind every dependent (135 open children: seconds).
    for (const d of stale) dependents.add(d);
    if (!validating) setImmediate(relintDependents);
  }
}

/** The signature check of a published pack, with the keys of the folder it is in. */
function signatureOf(file: string, text: string): Diagnostic[] {
  const folder = folders.ofFile(file);
  return signatureDiagnostics(
    file,
    text,
    signingKeyDirectory(folder.settings, folder.path),
    hmacKeyOf(folder.settings),
    signatures,
    () => keyPinsOf(folder.settings),
    chainSources(folder.settings, folder.path),
  );
}

/**
 * Each open document's signature check, for the version it was made on. A re-lint after a parent changed
 * keeps the text, so it reads no key, pin or publish record again (with 135 open children that was a fifth
 * of an edit's re-lint). Cleared by revalidateAll, which follows every `signatures.invalidate()`.
 */
const signatureChecks = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

function signatureOfDocument(doc: TextDocument, file: string): Diagnostic[] {
  const kept = signatureChecks.get(doc.uri);
  if (kept?.version === doc.version) return kept.diagnostics;
  const diagnostics = signatureOf(file, doc.getText());
  signatureChecks.set(doc.uri, { version: doc.version, diagnostics });
  return diagnostics;
}

/** An open document's diagnostics: the signature check of a published pack, then the analysis. */
function documentDiagnostics(doc: TextDocument): Diagnostic[] {
  const a = analysisOf(doc);
  const file = fileOf(doc.uri);
  const signature = file && a.packFolder ? signatureOfDocument(doc, file) : [];
  const unused = a.packFolder ? languageFeatures.unusedRuleHints(a, activityOf(file)) : [];
  return signature.length || unused.length ? [...signature, ...a.diagnostics, ...unused] : a.diagnostics;
}

/** The decision log's counts per rule for a file's folder (workflows/ruleActivity.ts), when the log is set. */
const ruleActivities = new RuleActivities(
  () => {
    for (const d of documents.all()) validate(d);
    if (pullDiagnostics) packDiagnostics.changed();
  },
  (m) => connection.console.warn(m),
);
function activityOf(file: string | undefined): RuleActivity | undefined {
  if (!file) return undefined;
  const f = folders.ofFile(file);
  return ruleActivities.get(
    f.path,
    f.settings,
    () => (f.backend ??= createWorkflowBackend(f.settings, f.path, () => remoteToken, signatures)),
  );
}

/** Open documents whose parents changed, re-linted once the edited document's diagnostics are out. */
const dependents = new Set<TextDocument>();
let validating = false;

function relintDependents(): void {
  const due = [...dependents];
  dependents.clear();
  for (const d of due) if (documents.get(d.uri) === d) validate(d);
}

function validate(doc: TextDocument): void {
  validating = true;
  let diagnostics: Diagnostic[];
  try {
    diagnostics = documentDiagnostics(doc);
  } finally {
    validating = false;
  }
  // A client that pulls asks for them itself (packDiagnostics.ts); pushing too would list them twice.
  if (pullDiagnostics) return;
  const sent = connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  if (dependents.size) void sent.finally(() => setImmediate(relintDependents));
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
  signatureChecks.clear();
  workspacePacks.invalidate();
  for (const d of documents.all()) validate(d);
  if (pullDiagnostics) packDiagnostics.changed();
  packDiagnostics.schedulePass();
}

const isOpenFile = (file: string) => documents.get(pathToFileURL(file).href) !== undefined;

async function pullSettings(): Promise<void> {
  if (!canPullConfig) return;
  // VS Code's own `http` section too: its proxy settings apply to calls to a CAVRA server. Then each
  // folder's `cavra` section (its scopeUri): resource settings may differ from folder to folder.
  const each = folders.all;
  const items: ConfigurationItem[] = [
    { section: 'cavra' },
    { section: 'http' },
    ...each.map((f) => ({ scopeUri: f.uri, section: 'cavra' })),
  ];
  const [cfg, http, ...own] = (await connection.workspace.getConfiguration(items)) as (Record<string, unknown> | null)[];
  folders.configure(readWorkflowSettings(cfg, trusted, http), new Map(each.map((f, i) => [f.uri, own[i] ?? null])));
  signatures.invalidate();
}

connection.onInitialize((params): InitializeResult => {
  const init = params.initializationOptions as Record<string, unknown> | undefined;
  if (init?.trusted === false) trusted = false;
  const editorFolders = params.workspaceFolders?.map((f) => f.uri) ?? [];
  folders.setFolders(editorFolders.length ? editorFolders : params.rootUri ? [params.rootUri] : []);
  folders.configure(readWorkflowSettings(init, trusted));
  canPullConfig = !!params.capabilities.workspace?.configuration;
  const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
  canRenameFiles = !!workspaceEdit?.documentChanges && !!workspaceEdit.resourceOperations?.includes('rename');
  canFollowFolders = !!params.capabilities.workspace?.workspaceFolders;
  pullDiagnostics = !!params.capabilities.textDocument?.diagnostic;
  refreshSupport = !!params.capabilities.workspace?.diagnostics?.refreshSupport;
  // Once the answer is out: compile the schema and warm every analysis pass before a document opens.
  setImmediate(warmUpLanguageService);
  return {
    capabilities: {
      ...LANGUAGE_CAPABILITIES,
      executeCommandProvider: { commands: WORKFLOW_COMMANDS },
      ...(pullDiagnostics
        ? { diagnosticProvider: { identifier: 'cavra', interFileDependencies: true, workspaceDiagnostics: true } }
        : {}),
    },
    serverInfo: { name: 'cavra-policy-language-server', version: '0.1.0' },
  };
});

// Private keys under a workspace folder get a warning on the key file (workflows/privateKeysInWorkspace).
const privateKeys = new PrivateKeyWarnings((uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }));
const warnPrivateKeys = () => setImmediate(() => privateKeys.report(folders.all.map((f) => f.path)));

connection.onInitialized(async () => {
  warnPrivateKeys();
  // A pin or revocation made in a terminal (cavra-policy keys pin|revoke) changes every signature's state.
  watchKeyHome((home) => {
    signatures.invalidate();
    revalidateAll();
    void connection.sendNotification(KeyTrustChangedNotification, { keyHome: home });
  });
  if (canFollowFolders)
    connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
      folders.change(
        e.added.map((f) => f.uri),
        e.removed.map((f) => f.uri),
      );
      // A client that fails to answer leaves the new folders on the window's settings, not a dead server.
      if (canPullConfig) await pullSettings().catch((err: unknown) => connection.console.warn(`settings: ${String(err)}`));
      folders.scan();
      revalidateAll();
      warnPrivateKeys();
    });
  if (canPullConfig) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: ['cavra', 'http'] });
    await pullSettings()
      .catch((err: unknown) => connection.console.warn(`settings: ${String(err)}`))
      .finally(settingsPulled);
    revalidateAll();
  } else {
    settingsPulled();
    packDiagnostics.schedulePass();
  }
  void connection.client
    .register(DidChangeWatchedFilesNotification.type, {
      watchers: [
        { globPattern: '**/policy.yaml' },
        { globPattern: '**/policy.yaml.sig.json' },
        { globPattern: '**/*.public.pem' },
        { globPattern: '**/*.{pem,key,p8,pk8}' },
      ],
    })
    .catch(() => undefined);
});

/**
 * The settings pull in flight, else the last one: a workflow request that follows a settings change (a decision
 * log just chosen, then the plan asked for) is answered on the settings that change announced.
 */
let currentSettings: Promise<void> = firstSettings;
connection.onDidChangeConfiguration(async () => {
  const pulled = pullSettings().catch((err: unknown) => connection.console.warn(`settings: ${String(err)}`));
  currentSettings = pulled;
  await pulled;
  revalidateAll();
});

connection.onDidChangeWatchedFiles(() => {
  signatures.invalidate();
  folders.scan();
  revalidateAll();
  warnPrivateKeys();
});

/** TextDocuments fires a content change right after each open: the open's validate() already answered it. */
let justOpened: TextDocument | undefined;
documents.onDidOpen((e) => {
  packDiagnostics.opened(e.document.uri);
  packDiagnostics.busy();
  validate(e.document);
  justOpened = e.document;
  // The editor's copy works out its line offsets on first use (7 ms at 20k rules): once the open is
  // answered, not on the first keystroke.
  const uri = e.document.uri;
  setImmediate(() => void documents.get(uri)?.lineCount);
});
documents.onDidChangeContent((e) => {
  const opening = e.document === justOpened;
  justOpened = undefined;
  // Validating it again sent the same diagnostics twice (135 packs opened: 135 needless large messages).
  if (opening) return;
  packDiagnostics.busy();
  schedule(e.document);
});
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  analyses.delete(e.document.uri);
  signatureChecks.delete(e.document.uri);
  editCost.delete(e.document.uri);
  signedFormatting.forget(e.document.uri);
  const file = fileOf(e.document.uri);
  if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  // Its children see the file on disk again; the pack itself is reported from disk from now on.
  let changed = false;
  if (file) for (const f of folders.all) changed = f.catalog.closeOpen(file) || changed;
  if (changed) packsChanged();
  packDiagnostics.schedulePass();
});

const withDoc = <T>(uri: string, fn: (a: Analysis) => T, fallback: T): T => {
  const doc = documents.get(uri);
  return doc ? fn(analysisOf(doc)) : fallback;
};

/** Other pack files for navigation: an open one as the editor holds it, else from disk. */
const packDocuments = new DiskPackDocuments((file) => {
  for (const d of documents.all()) if (fileOf(d.uri) === file) return analysisOf(d).doc;
  return undefined;
});
/** Per workspace folder: the approvals of its own store (each keeps its read per file stamp). */
const approvalStores = new Map<string, StoreApprovalLocations>();
function approvalLocationsFor(uri: string): StoreApprovalLocations {
  const f = folders.ofFile(fileOf(uri));
  let store = approvalStores.get(f.path);
  if (!store) approvalStores.set(f.path, (store = new StoreApprovalLocations(() => ({ settings: f.settings, folder: f.path }))));
  return store;
}
const signedFormatting = new SignedFormattingGuard();
/** Formatting, except that a signed policy.yaml is formatted only when asked twice (signedPolicyFormatting.ts). */
function format(uri: string, options: FormattingOptions, range?: Range): TextEdit[] {
  const doc = documents.get(uri);
  if (!doc) return [];
  const edits = languageFeatures.formatting(analysisOf(doc), options, range);
  const file = fileOf(uri);
  if (!edits.length || !isSignedPolicy(file) || signedFormatting.confirmed(uri, doc.version)) return edits;
  // A notification, not showWarningMessage (a request): nothing to answer, nothing left pending.
  void connection.sendNotification(ShowMessageNotification.type, {
    type: MessageType.Warning,
    message: signedFormattingWarning(file),
  });
  return [];
}
registerLanguageHandlers(connection, {
  withDoc,
  packDocuments,
  catalogs: () => folders.all.map((f) => f.catalog),
  approvals: approvalLocationsFor,
  activity: (uri) => activityOf(fileOf(uri)),
  format,
  canRenameFiles: () => canRenameFiles,
});

connection.onRequest(DocumentStateRequest, (p) => withDoc(p.uri, (a) => documentState(p.uri, a), null));
connection.onRequest(EffectivePolicyRequest, (p) => {
  const doc = documents.get(p.uri);
  const a = doc && analysisOf(doc);
  const catalog = folders.ofFile(fileOf(p.uri)).catalog;
  return a ? effectivePolicyView(catalog, a.doc, a.packFolder) : effectivePolicyViewOfFile(catalog, p.uri);
});
connection.onRequest(RuleLocationRequest, (p) =>
  ruleLocation(folders.ofFile(fileOf(p.uri)).catalog, p.packId, p.list, p.pattern),
);

const workflows = new WorkflowService((target) => {
  const f = folders.forRequest(target.folder, target.uri);
  f.backend ??= createWorkflowBackend(f.settings, f.path, () => remoteToken, signatures);
  return { folder: f.path, settings: f.settings, backend: f.backend, openText: (uri) => documents.get(uri)?.getText() };
});
registerWorkflows(
  connection,
  workflows,
  () => folders.windowSettings.backend,
  () => currentSettings,
);
const packDiagnostics = registerPackDiagnostics(connection, {
  pull: () => pullDiagnostics,
  refreshSupport: () => refreshSupport,
  workspaceOn: () => folders.all.some((f) => f.settings.diagnostics.workspace),
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
