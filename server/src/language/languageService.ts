// The protocol-free language service: the seam used by the LSP server, the CLI and the tests.
// Each analysis is cached per document version; hover, completion, symbols and code lens read the
// cached analysis and never re-parse or re-validate. Given the previous version's analysis, an edit
// inside a list is applied to its tree and findings (documentEdit.ts, policyFindings.ts); the result
// is the same as analysing the new text from scratch.
import {
  DiagnosticSeverity,
  type CodeAction,
  type CodeLens,
  type CompletionList,
  type Diagnostic,
  type DocumentLink,
  type DocumentSymbol,
  type FoldingRange,
  type FormattingOptions,
  type Hover,
  type Location,
  type Position,
  type Range,
  type SelectionRange,
  type WorkspaceEdit,
  type WorkspaceSymbol,
  type TextEdit,
} from 'vscode-languageserver-types';
import { isMapping } from '../policy/pythonValues';
import { packFolderOf, type Analysis, type AnalysisContext } from './analysis';
import { policySummary } from '../policy/summary';
import { codeActions } from './codeActions';
import { codeLenses } from './codeLens';
import { completion } from './completion';
import { definition } from './definition';
import { documentLinks } from './documentLinks';
import { foldingRanges } from './foldingRanges';
import { editPolicyDocument, isEditable } from './parse/documentEdit';
import { formatPolicy } from './formatting';
import { hover } from './hover';
import type { RuleActivity } from '../policy/ruleActivity';
import { unusedRuleHints } from './ruleActivity';
import { lint } from './lint';
import { makeDiagnostic } from './makeDiagnostic';
import { inheritsList, type PackCatalog } from './packCatalog';
import type { PackDocuments } from './packDocuments';
import { PolicyDocument } from './parse/policyDocument';
import { PolicyFindings } from './policyFindings';
import { references, type ApprovalLocations } from './references';
import { prepareRename, rename, type RenameAnswer } from './rename';
import { schemaDiagnostics } from './schemaDiagnostics';
import { selectionRanges } from './selectionRanges';
import { documentSymbols } from './symbols';
import { syntaxDiagnostics } from './syntaxDiagnostics';
import { workspaceSymbols } from './workspaceSymbols';

export interface LanguageSettings {
  /** Files larger than this are not analysed (bytes). */
  maxFileSize: number;
}

export const defaultSettings: LanguageSettings = { maxFileSize: 5 * 1024 * 1024 };

// What an analysis is lives in analysis.ts, which every feature imports; callers outside take it from here.
export { packFolderOf, type Analysis, type AnalysisContext };

const rangeKey = (r: Range) => `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;

export function analyze(
  uri: string,
  version: number,
  text: string,
  context: AnalysisContext,
  settings: LanguageSettings = defaultSettings,
  previous?: Analysis,
): Analysis {
  if (text.length > settings.maxFileSize) {
    const doc = new PolicyDocument(uri, version, '');
    const d = makeDiagnostic(
      { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      DiagnosticSeverity.Warning,
      'file-too-large',
      `This file is ${(text.length / 1048576).toFixed(1)} MB, above the ${(settings.maxFileSize / 1048576).toFixed(1)} MB limit (setting cavra.maxFileSizeMb); it was not analysed.`,
    );
    return { doc, context, diagnostics: [d], summary: policySummary(undefined), valid: false };
  }
  const packFolder = packFolderOf(context.file, context.catalog);
  // The same text needs no edit, only the passes again: its tree and findings depend on the text alone,
  // so they carry over to another catalog (settings or folders changed) as well.
  const edited =
    previous?.findings &&
    previous.doc.uri === uri &&
    previous.context.file === context.file &&
    (previous.context.catalog === context.catalog || previous.doc.text === text)
      ? edit(previous, previous.findings, version, text)
      : undefined;
  const doc = edited?.doc ?? new PolicyDocument(uri, version, text);
  return (latest = finish(doc, context, packFolder, edited?.findings ?? new PolicyFindings(doc)));
}

/**
 * {@link analyze} of a pack file as it is on disk (the workspace pass, `validate`): a pack others inherit
 * is analysed on the tree the catalog keeps for their merges ({@link PackCatalog.sharedDocument}), so each
 * pack is read once. The same answer as analysing its text.
 */
export function analyzePackFile(
  uri: string,
  text: string,
  context: AnalysisContext,
  settings: LanguageSettings = defaultSettings,
): Analysis {
  const shared = context.file ? context.catalog.sharedDocument(context.file, uri, text) : undefined;
  if (!shared || text.length > settings.maxFileSize) return analyze(uri, 0, text, context, settings);
  return (latest = finish(shared, context, packFolderOf(context.file, context.catalog), new PolicyFindings(shared)));
}

/** The last analysis made, whoever asked for it (the editor, the workspace pass): see {@link sameTextAnalysis}. */
let latest: Analysis | undefined;

/**
 * The last analysis made, when it was of this very text of this document: given to {@link analyze} as
 * `previous`, its tree and per-entry findings are taken over and only the passes run again. The editor
 * opening a pack the workspace pass has just read from disk, or analysing its open documents again
 * when settings or watched files change, then costs a re-lint instead of a second read (20k rules: a
 * few milliseconds instead of 100-300). One slot: it holds at most one pack's tree beyond the open
 * ones. A tree an edit has taken over is never taken again (documentEdit.ts marks it superseded), so
 * a stale slot only means a fresh read. Callers that want a fresh analysis (tests of sameness) do not ask.
 */
export function sameTextAnalysis(uri: string, text: string): Analysis | undefined {
  return latest?.doc.uri === uri && latest.doc.text === text ? latest : undefined;
}

/** The previous version's tree and findings, edited; undefined when the text must be read again. */
function edit(
  previous: Analysis,
  findings: PolicyFindings,
  version: number,
  text: string,
): { doc: PolicyDocument; findings: PolicyFindings } | undefined {
  if (!isEditable(previous.doc)) return undefined;
  findings.prepareForEdit();
  const edited = editPolicyDocument(previous.doc, version, text);
  return edited && { doc: edited.doc, findings: findings.carry(edited.doc, edited.edit, edited.valueAt !== undefined) };
}

/**
 * The same version analysed again against the packs as they are now: for a document whose parent
 * changed. Its tree and per-entry findings are reused; only the passes run again.
 */
export function relint(previous: Analysis): Analysis {
  if (!previous.findings) return previous;
  return finish(previous.doc, previous.context, previous.packFolder, previous.findings);
}

function finish(
  doc: PolicyDocument,
  context: AnalysisContext,
  packFolder: string | undefined,
  findings: PolicyFindings,
): Analysis {
  const { result, reads } = context.catalog.recordReads(() => {
    const analysis = passes(doc, context, packFolder, findings);
    readAncestors(doc, packFolder, context.catalog);
    return analysis;
  });
  // A pack reading itself (a cycle) follows its own versions, not the catalog.
  for (const [id, info] of reads.byId) if (info && info.file === context.file) reads.byId.delete(id);
  result.dependsOn = reads;
  return result;
}

/**
 * Every ancestor is read, whether or not a pass looked at it, so any change up the chain (direct or
 * transitive) makes this analysis stale: a lint that reads the merged pack needs no bookkeeping.
 */
function readAncestors(doc: PolicyDocument, packFolder: string | undefined, catalog: PackCatalog): void {
  const value = doc.value;
  const meta = isMapping(value) && isMapping(value.metadata) ? value.metadata : {};
  const seen = new Set<string>([typeof meta.id === 'string' ? meta.id : (packFolder ?? '')]);
  const queue = inheritsList(meta.inherits);
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(catalog.get(id)?.inherits ?? []));
  }
}

function passes(
  doc: PolicyDocument,
  context: AnalysisContext,
  packFolder: string | undefined,
  findings: PolicyFindings,
): Analysis {
  const analysis: Analysis = {
    doc,
    context,
    packFolder,
    diagnostics: [],
    summary: policySummary(doc.value),
    valid: false,
    findings,
  };
  const syntax = syntaxDiagnostics(doc);
  const diagnostics = [...syntax];
  if (!syntax.some((d) => d.code === 'not-a-mapping' || (d.code === 'yaml-syntax' && d.severity === DiagnosticSeverity.Error))) {
    const lints = lint(analysis, findings);
    const suppressed = new Set(
      lints.filter((d) => d.code === 'wrong-mode-vocabulary').map((d) => JSON.stringify((d.data as { path: unknown }).path)),
    );
    const schema = schemaDiagnostics(doc, (path) => suppressed.has(JSON.stringify(path)), findings.schemaErrors.errors);
    // A value that is the wrong type because YAML 1.1 read it as a number or date is one problem, not
    // two: the schema error already says what CAVRA sees and carries the same quoting fix.
    const retyped = new Set(schema.filter((d) => d.code === 'wrong-type').map((d) => rangeKey(d.range)));
    diagnostics.push(
      ...schema,
      ...findings.duplicates.diagnostics(doc),
      ...lints.filter((d) => d.code !== 'yaml11-difference' || !retyped.has(rangeKey(d.range))),
    );
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  analysis.diagnostics = diagnostics;
  analysis.valid = !diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
  return analysis;
}

export const languageFeatures = {
  // `activity`: the decision log's counts per rule, computed outside (workflows/ruleActivity.ts) and passed in.
  hover: (a: Analysis, position: Position, activity?: RuleActivity): Hover | null => hover(a, position, activity),
  unusedRuleHints: (a: Analysis, activity: RuleActivity | undefined): Diagnostic[] => unusedRuleHints(a, activity),
  completion: (a: Analysis, position: Position): CompletionList => completion(a, position),
  codeActions: (a: Analysis, range: Range, diagnostics: Diagnostic[]): CodeAction[] => codeActions(a, range, diagnostics),
  codeLenses: (a: Analysis): CodeLens[] => codeLenses(a),
  symbols: (a: Analysis): DocumentSymbol[] => documentSymbols(a),
  // Navigation across the policy root: `packs` reads the other pack files (open text, else disk).
  definition: (a: Analysis, position: Position, packs: PackDocuments): Location[] => definition(a, position, packs),
  references: (
    a: Analysis,
    position: Position,
    includeDeclaration: boolean,
    packs: PackDocuments,
    approvals?: ApprovalLocations,
  ): Location[] => references(a, position, includeDeclaration, packs, approvals),
  prepareRename: (a: Analysis, position: Position, packs: PackDocuments): RenameAnswer<{ range: Range; placeholder: string }> =>
    prepareRename(a, position, packs),
  rename: (a: Analysis, position: Position, newId: string, packs: PackDocuments): RenameAnswer<WorkspaceEdit> =>
    rename(a, position, newId, packs),
  workspaceSymbols: (query: string, catalogs: readonly PackCatalog[], packs: PackDocuments): WorkspaceSymbol[] =>
    workspaceSymbols(query, catalogs, packs),
  documentLinks: (a: Analysis): DocumentLink[] => documentLinks(a),
  foldingRanges: (a: Analysis): FoldingRange[] => foldingRanges(a),
  selectionRanges: (a: Analysis, positions: Position[]): SelectionRange[] => selectionRanges(a, positions),
  formatting: (a: Analysis, options: FormattingOptions, range?: Range): TextEdit[] =>
    formatPolicy(a.doc.text, options, range, a.doc.yaml),
};
