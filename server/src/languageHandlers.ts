// The language features over LSP, registered once for both servers: the desktop's (main.ts, over stdio)
// and the browser's (browser/browserMain.ts, in a Web Worker). What differs between them comes in as
// `LanguageHost`: how a document's analysis is reached (the browser waits for the packs the client reads
// for it), where approvals live (no store in the browser), what else a hover shows, and how formatting
// and renames that touch folders are judged. Imports no node: module (the browser bundle takes it).
import type { Connection, FormattingOptions, Range, ServerCapabilities, TextEdit } from 'vscode-languageserver';
import { LSPErrorCodes, ResponseError, TextDocumentSyncKind } from 'vscode-languageserver-protocol';
import { languageFeatures, type Analysis } from './language/languageService';
import type { PackCatalog } from './language/packCatalog';
import type { PackDocuments } from './language/packDocuments';
import type { RuleActivity } from './policy/ruleActivity';

/** What both servers answer; each adds its own (workflow commands, pull diagnostics). */
export const LANGUAGE_CAPABILITIES = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  hoverProvider: true,
  completionProvider: { triggerCharacters: [':', ' ', '-', '['] },
  codeActionProvider: { codeActionKinds: ['quickfix'] },
  codeLensProvider: { resolveProvider: false },
  documentSymbolProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  workspaceSymbolProvider: true,
  documentLinkProvider: { resolveProvider: false },
  foldingRangeProvider: true,
  selectionRangeProvider: true,
  documentFormattingProvider: true,
  documentRangeFormattingProvider: true,
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
} satisfies ServerCapabilities;

type ApprovalLocations = Parameters<typeof languageFeatures.references>[4];

export interface LanguageHost {
  /** `fn` of the open document's analysis, or `fallback` when it is not open. */
  withDoc: <T>(uri: string, fn: (a: Analysis) => T, fallback: T) => T | Promise<T>;
  /** Other pack files: open ones as the editor holds them, else as read. */
  packDocuments: PackDocuments;
  /** Every folder's catalog, for workspace symbols (awaited: the browser reads packs first). */
  catalogs(): PackCatalog[] | Promise<PackCatalog[]>;
  /** The approvals bound to packs, for references (the approval store of the document's folder). */
  approvals(uri: string): ApprovalLocations;
  /** The decision log's counts for a document's hover, when a log is configured. */
  activity?(uri: string): RuleActivity | undefined;
  /** Formatting, with the signed-file guard each server keeps. */
  format(uri: string, options: FormattingOptions, range?: Range): TextEdit[] | Promise<TextEdit[]>;
  /** False when the editor cannot apply folder renames inside a WorkspaceEdit. */
  canRenameFiles?(): boolean;
}

/** A refused request, as an error the editor shows to the user (a valid request the server declines). */
export const refusal = (message: string) => new ResponseError(LSPErrorCodes.RequestFailed, message);

export function registerLanguageHandlers(connection: Connection, host: LanguageHost): void {
  const { withDoc, packDocuments } = host;
  connection.onHover((p) =>
    withDoc(p.textDocument.uri, (a) => languageFeatures.hover(a, p.position, host.activity?.(p.textDocument.uri)), null),
  );
  connection.onCompletion((p) =>
    withDoc(p.textDocument.uri, (a) => languageFeatures.completion(a, p.position), { isIncomplete: false, items: [] }),
  );
  connection.onCodeAction((p) =>
    withDoc(p.textDocument.uri, (a) => languageFeatures.codeActions(a, p.range, p.context.diagnostics), []),
  );
  connection.onCodeLens((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.codeLenses(a), []));
  connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.symbols(a), []));
  connection.onDefinition((p) =>
    withDoc(p.textDocument.uri, (a) => languageFeatures.definition(a, p.position, packDocuments), []),
  );
  connection.onReferences((p) =>
    withDoc(
      p.textDocument.uri,
      (a) =>
        languageFeatures.references(
          a,
          p.position,
          p.context.includeDeclaration,
          packDocuments,
          host.approvals(p.textDocument.uri),
        ),
      [],
    ),
  );
  connection.onPrepareRename(async (p) => {
    const answer = await withDoc(
      p.textDocument.uri,
      (a) => languageFeatures.prepareRename(a, p.position, packDocuments),
      undefined,
    );
    if (!answer) return null;
    if ('refused' in answer) throw refusal(answer.refused);
    return answer.ok;
  });
  connection.onRenameRequest(async (p) => {
    const answer = await withDoc(
      p.textDocument.uri,
      (a) => languageFeatures.rename(a, p.position, p.newName, packDocuments),
      undefined,
    );
    if (!answer) return null;
    if ('refused' in answer) throw refusal(answer.refused);
    if (
      host.canRenameFiles &&
      !host.canRenameFiles() &&
      answer.ok.documentChanges?.some((c) => 'kind' in c && c.kind === 'rename')
    )
      throw refusal('This editor cannot rename folders through a language server: rename the pack folder and its id by hand.');
    return answer.ok;
  });
  connection.onWorkspaceSymbol(async (p) => languageFeatures.workspaceSymbols(p.query, await host.catalogs(), packDocuments));
  connection.onDocumentLinks((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.documentLinks(a), []));
  connection.onFoldingRanges((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.foldingRanges(a), []));
  connection.onSelectionRanges((p) => withDoc(p.textDocument.uri, (a) => languageFeatures.selectionRanges(a, p.positions), []));
  connection.onDocumentFormatting((p) => host.format(p.textDocument.uri, p.options));
  connection.onDocumentRangeFormatting((p) => host.format(p.textDocument.uri, p.options, p.range));
}
