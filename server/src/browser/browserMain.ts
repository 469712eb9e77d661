// The language server in a web worker (vscode.dev, github.dev): the language features only, over the
// worker's message channel. There is no file system: the packs under each policy root are read by the
// client through `workspace.fs` (`cavra/packFiles`) and kept in a snapshot. Workflows need the store,
// keys or the network and answer that they need the desktop or a remote CAVRA server.
// The Node server is server/src/main.ts; this file imports no node: module (.dependency-cruiser.cjs).
import {
  BrowserMessageReader,
  BrowserMessageWriter,
  createConnection,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  type Diagnostic,
  type FormattingOptions,
  type InitializeResult,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/browser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { documentState } from '../documentState';
import { LANGUAGE_CAPABILITIES, registerLanguageHandlers } from '../languageHandlers';
import { analyze, languageFeatures, relint, type Analysis } from '../language/languageService';
import { effectivePolicyView, effectivePolicyViewOfFile } from '../language/effectivePolicyView';
import { PackCatalog } from '../language/packCatalog';
import { DiskPackDocuments } from '../language/packDocuments';
import { usePackFiles } from '../language/packFiles';
import { ruleLocation } from '../language/ruleLocation';
import { warmUpLanguageService } from '../language/warmUp';
import { DEFAULT_POLICY_ROOT } from '../policy/policyRoot';
import {
  DocumentStateRequest,
  EffectivePolicyRequest,
  PackFilesRequest,
  RuleLocationRequest,
  type PackFileEntry,
  WORKFLOW_METHODS,
  WorkflowRequests,
  type WorkflowErrorData,
} from '../protocol';
import { isSignedPolicy, SignedFormattingGuard, signedFormattingWarning } from '../workflows/signedPolicyFormatting';
import { PackFileSnapshot } from './packFileSnapshot';
import { pathToUri, uriToPath } from './uriPaths';
import { workflowUnavailable } from './workflowUnavailable';

/** The worker's own scope (tsconfig has no WebWorker lib: the rest of the server is Node). */
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0];

const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
const documents = new TextDocuments(TextDocument);
const snapshot = new PackFileSnapshot();
usePackFiles(snapshot);

interface Folder {
  uri: string;
  path: string;
  catalog: PackCatalog;
}
let folders: Folder[] = [];
/** Without a workspace folder (a single file): packs are not looked up. */
const loose: Folder = { uri: '', path: '/', catalog: new PackCatalog() };
let policyRootSetting = DEFAULT_POLICY_ROOT;
let maxFileSizeMb = 5;
const analyses = new Map<string, Analysis>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** The last read of the packs through the client: analyses wait for it, so none runs against packs half read. */
let packsRead: Promise<void> = Promise.resolve();

const fileOf = (uri: string) => uriToPath(uri);
const rootOf = (f: Folder) =>
  policyRootSetting.startsWith('/') ? policyRootSetting : `${f.path.replace(/\/$/, '')}/${policyRootSetting}`;

function folderOf(file: string | undefined): Folder {
  if (!file) return folders[0] ?? loose;
  let best: Folder | undefined;
  for (const f of folders)
    if ((file === f.path || file.startsWith(`${f.path.replace(/\/$/, '')}/`)) && (!best || f.path.length > best.path.length))
      best = f;
  return best ?? folders[0] ?? loose;
}

/** Reads every policy root again through the client, then re-analyses the open documents. */
async function readPacks(): Promise<void> {
  const reading = folders;
  let entries: PackFileEntry[] = [];
  try {
    ({ entries } = await connection.sendRequest(PackFilesRequest, { roots: reading.map((f) => pathToUri(rootOf(f))) }));
  } catch (e) {
    connection.console.warn(`cavra/packFiles: ${String(e)}: packs other than the open documents are not seen`);
  }
  // Folders changed while the client was reading: the read queued after this one covers them, and a
  // document of a new folder must not be checked against packs that were never read.
  if (reading !== folders) return;
  snapshot.replace(entries);
  for (const f of folders) f.catalog.scan([rootOf(f)]);
  analyses.clear();
  for (const d of documents.all()) validate(d);
}

function analysisOf(doc: TextDocument): Analysis {
  const cached = analyses.get(doc.uri);
  const file = fileOf(doc.uri);
  const { catalog } = folderOf(file);
  if (cached && cached.doc.version === doc.version && cached.context.catalog === catalog) {
    if (catalog.isCurrent(cached.dependsOn)) return cached;
    const again = relint(cached);
    analyses.set(doc.uri, again);
    return again;
  }
  const a = analyze(doc.uri, doc.version, doc.getText(), { file, catalog }, { maxFileSize: maxFileSizeMb * 1024 * 1024 }, cached);
  analyses.set(doc.uri, a);
  if (file && a.packFolder && catalog.setOpen(file, a.packFolder, a.doc.value, a.doc)) packsChanged(doc.uri);
  return a;
}

/** An open pack changed: the open documents that read it are checked again. */
function packsChanged(except?: string): void {
  setTimeout(() => {
    for (const d of documents.all()) {
      const a = analyses.get(d.uri);
      if (d.uri !== except && a && !folderOf(fileOf(d.uri)).catalog.isCurrent(a.dependsOn)) validate(d);
    }
  }, 0);
}

function validate(doc: TextDocument): void {
  const diagnostics: Diagnostic[] = analysisOf(doc).diagnostics;
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

function schedule(doc: TextDocument): void {
  clearTimeout(timers.get(doc.uri));
  timers.set(
    doc.uri,
    setTimeout(() => {
      timers.delete(doc.uri);
      // Never against packs still being read (an open also fires a content change).
      void packsRead.then(() => {
        const current = documents.get(doc.uri);
        if (current && !timers.has(doc.uri)) validate(current);
      });
    }, 50),
  );
}

const foldersOf = (uris: readonly string[]): Folder[] =>
  uris.flatMap((uri) => {
    const path = uriToPath(uri);
    return path === undefined ? [] : [{ uri, path, catalog: new PackCatalog() }];
  });
let canFollowFolders = false;

connection.onInitialize((params): InitializeResult => {
  const init = params.initializationOptions as { policyRoot?: unknown; maxFileSizeMb?: unknown } | undefined;
  if (typeof init?.policyRoot === 'string' && init.policyRoot) policyRootSetting = init.policyRoot;
  if (typeof init?.maxFileSizeMb === 'number' && init.maxFileSizeMb > 0) maxFileSizeMb = init.maxFileSizeMb;
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  folders = foldersOf(uris);
  canFollowFolders = !!params.capabilities.workspace?.workspaceFolders;
  setTimeout(warmUpLanguageService, 0);
  return {
    capabilities: LANGUAGE_CAPABILITIES,
    serverInfo: { name: 'cavra-policy-language-server (browser)', version: '0.1.0' },
  };
});

/** Reads follow one another: the last folder change is the one the packs are read for. */
const readAgain = (): void => {
  packsRead = packsRead.then(readPacks).catch((e: unknown) => connection.console.error(`reading the packs: ${String(e)}`));
};
connection.onInitialized(() => {
  readAgain();
  if (canFollowFolders)
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => f.uri));
      const kept = folders.filter((f) => !removed.has(f.uri));
      folders = [...kept, ...foldersOf(e.added.map((f) => f.uri).filter((uri) => !kept.some((f) => f.uri === uri)))];
      readAgain();
    });
});
connection.onDidChangeWatchedFiles(() => readAgain());

documents.onDidOpen((e) => void packsRead.then(() => documents.get(e.document.uri) && validate(documents.get(e.document.uri)!)));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  analyses.delete(e.document.uri);
  signedFormatting.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  const file = fileOf(e.document.uri);
  let changed = false;
  if (file) for (const f of folders) changed = f.catalog.closeOpen(file) || changed;
  if (changed) packsChanged();
});

const withDoc = async <T>(uri: string, fn: (a: Analysis) => T, fallback: T): Promise<T> => {
  await packsRead;
  const doc = documents.get(uri);
  return doc ? fn(analysisOf(doc)) : fallback;
};

const packDocuments = new DiskPackDocuments((file) => {
  for (const d of documents.all()) if (fileOf(d.uri) === file) return analysisOf(d).doc;
  return undefined;
});
/** No approval store in the browser: references list packs and decision tests only. */
const noApprovals = { boundTo: () => [] };
const signedFormatting = new SignedFormattingGuard();
/** Formatting, except that a signed policy.yaml is formatted only when asked twice (as on the desktop). */
async function format(uri: string, options: FormattingOptions, range?: Range): Promise<TextEdit[]> {
  const edits = await withDoc(uri, (a) => languageFeatures.formatting(a, options, range), []);
  const file = fileOf(uri);
  const doc = documents.get(uri);
  if (!edits.length || !doc || !isSignedPolicy(file) || signedFormatting.confirmed(uri, doc.version)) return edits;
  void connection.sendNotification(ShowMessageNotification.type, {
    type: MessageType.Warning,
    message: signedFormattingWarning(file),
  });
  return [];
}
registerLanguageHandlers(connection, {
  withDoc,
  packDocuments,
  catalogs: async () => {
    await packsRead;
    return folders.map((f) => f.catalog);
  },
  approvals: () => noApprovals,
  format,
});

connection.onRequest(DocumentStateRequest, (p) => withDoc(p.uri, (a) => documentState(p.uri, a), null));
connection.onRequest(EffectivePolicyRequest, async (p) => {
  await packsRead;
  const doc = documents.get(p.uri);
  const a = doc && analysisOf(doc);
  const catalog = folderOf(fileOf(p.uri)).catalog;
  return a ? effectivePolicyView(catalog, a.doc, a.packFolder) : effectivePolicyViewOfFile(catalog, p.uri);
});
connection.onRequest(RuleLocationRequest, async (p) => {
  await packsRead;
  return ruleLocation(folderOf(fileOf(p.uri)).catalog, p.packId, p.list, p.pattern);
});

// Every workflow request is answered, with the reason it cannot run here.
const WORKFLOW_ERROR_CODE = -32099;
for (const method of WORKFLOW_METHODS)
  connection.onRequest(WorkflowRequests[method].method, () => {
    const data: WorkflowErrorData = {
      status: 501,
      detail: workflowUnavailable(WorkflowRequests[method].method),
      backend: 'local',
    };
    return new ResponseError(WORKFLOW_ERROR_CODE, data.detail, data);
  });

documents.listen(connection);
connection.listen();
