// The findings of every pack under the policy root that is not open in the editor: what the
// Problems panel lists for the whole root (LSP `workspace/diagnostic`, or pushed for clients
// without pull diagnostics). They are checked against the packs on disk, as the CLI reads them
// (an unsaved parent re-checks its open children; the rest follows on save). A pack is read and
// analysed again only when its file changed (the catalog keeps the same info while size and mtime
// stay), an ancestor it read changed, or the signatures were invalidated; so asking again costs one
// look-up per pack, not one analysis.
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import { analyzePackFile, type LanguageSettings } from './language/languageService';
import type { PackCatalog, PackInfo, PackReads } from './language/packCatalog';
import { packFiles } from './language/packFiles';

/** The diagnostics of one pack and the id that names them (the same diagnostics keep the same id). */
export interface PackReport {
  uri: string;
  file: string;
  resultId: string;
  diagnostics: Diagnostic[];
}

/**
 * Result ids per document: a new id only when the diagnostics differ from the last ones reported. The
 * last array given is held (the workspace pass and the analyses hold it anyway) and the next one is
 * compared with it finding by finding: a finding handed out again is the same object (a keystroke
 * re-makes only the findings it changed, lint/shadowedRules.ts), so only the others are compared by
 * their JSON. Nothing else is kept: not the JSON (over 500 packs, 28 MB of the server's memory) nor a
 * digest of it (hashing 1 MB of JSON per keystroke at 100k rules, for an answer that is most often
 * "unchanged").
 */
export class ResultIds {
  private last = new Map<string, { id: string; seen: Diagnostic[] }>();
  private counter = 0;
  /** Findings compared by their JSON so far (counted work: the others were the same objects). */
  compared = 0;

  of(uri: string, diagnostics: Diagnostic[]): string {
    const last = this.last.get(uri);
    if (last && (last.seen === diagnostics || this.same(last.seen, diagnostics))) {
      last.seen = diagnostics;
      return last.id;
    }
    const id = String(++this.counter);
    this.last.set(uri, { id, seen: diagnostics });
    return id;
  }

  /** A document that is gone: nothing of it is kept. */
  forget(uri: string): void {
    this.last.delete(uri);
  }

  private same(a: Diagnostic[], b: Diagnostic[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      this.compared++;
      if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
    }
    return true;
  }
}

export interface PackCheck {
  settings(): LanguageSettings;
  /** Diagnostics that are not the language service's (the signature check of a published pack). */
  extra(file: string, text: string): Diagnostic[];
}

/** What is kept per pack: its findings and what they depend on, not its text or tree (a root can be large). */
interface Entry {
  info: PackInfo;
  dependsOn: PackReads | undefined;
  findings: Diagnostic[];
  maxFileSize: number;
  /** The signatures generation its extra diagnostics were computed in. */
  generation: number;
  report: PackReport;
}

export class WorkspaceDiagnostics {
  private entries = new Map<string, Entry>();
  private generation = 0;
  /** Packs analysed so far (counted work: asking again analyses only what changed). */
  analysed = 0;

  private readonly catalog: PackCatalog;

  constructor(
    catalog: PackCatalog,
    private readonly check: PackCheck,
    private readonly resultIds: ResultIds,
  ) {
    this.catalog = catalog.diskOnly();
  }

  /** Signatures or keys may have changed: each pack's signature is checked again on its next report (its analysis is kept while current). */
  invalidate(): void {
    this.generation++;
  }

  /** The pack files the workspace report covers: every pack on disk whose file is not open. */
  files(isOpen: (file: string) => boolean): string[] {
    const files = this.catalog
      .diskPacks()
      .map((p) => p.file)
      .filter((f) => !isOpen(f));
    const covered = new Set(files);
    for (const file of this.entries.keys()) if (!covered.has(file) && !isOpen(file)) this.entries.delete(file);
    return files.sort();
  }

  /** The current report of one pack on disk; undefined when it is no longer a pack (removed since the scan). */
  report(file: string): PackReport | undefined {
    const info = this.catalog.onDisk(file);
    if (!info) {
      this.entries.delete(file);
      this.resultIds.forget(pathToFileURL(file).href);
      return undefined;
    }
    const entry = this.entries.get(file);
    const settings = this.check.settings();
    const analysed =
      entry && entry.info === info && entry.maxFileSize === settings.maxFileSize && this.catalog.isCurrent(entry.dependsOn);
    if (analysed && entry.generation === this.generation) return entry.report;
    const uri = pathToFileURL(file).href;
    let text: string;
    try {
      text = packFiles().readText(file);
    } catch {
      // Gone or unreadable since the scan: the next watched-file event rescans; nothing to report now.
      this.entries.delete(file);
      return undefined;
    }
    let findings: Diagnostic[];
    let dependsOn: PackReads | undefined;
    // Only the signature needs checking again: the analysis still holds.
    if (analysed) ({ findings, dependsOn } = entry);
    else {
      this.analysed++;
      ({ diagnostics: findings, dependsOn } = analyzePackFile(uri, text, { file, catalog: this.catalog }, settings));
    }
    const extra = this.check.extra(file, text);
    const diagnostics = extra.length ? [...extra, ...findings] : findings;
    const report = { uri, file, resultId: this.resultIds.of(uri, diagnostics), diagnostics };
    this.entries.set(file, {
      info,
      dependsOn,
      findings,
      maxFileSize: settings.maxFileSize,
      generation: this.generation,
      report,
    });
    return report;
  }
}

/** What the pack diagnostics read: the reports of the packs that are not open, over every workspace folder. */
export interface WorkspaceReports {
  invalidate(): void;
  files(isOpen: (file: string) => boolean): string[];
  report(file: string): PackReport | undefined;
}

export interface ReportFolder {
  readonly catalog: PackCatalog;
  /** `cavra.diagnostics.workspace` as set for this folder. */
  readonly workspaceOn: boolean;
  readonly check: PackCheck;
}

/**
 * Each workspace folder has its own policy root (multi-root): one WorkspaceDiagnostics per folder's
 * catalog, made on first use, so a folder's packs are checked against that folder's packs only.
 */
export class FolderReports implements WorkspaceReports {
  private byCatalog = new WeakMap<PackCatalog, WorkspaceDiagnostics>();
  private generation = 0;

  constructor(
    /** The folders now open. */
    private readonly folders: () => readonly ReportFolder[],
    /** The folder a pack file is in. */
    private readonly folderOf: (file: string) => ReportFolder,
    private readonly resultIds: ResultIds,
  ) {}

  private of(folder: ReportFolder): WorkspaceDiagnostics {
    let reports = this.byCatalog.get(folder.catalog);
    if (!reports) {
      reports = new WorkspaceDiagnostics(folder.catalog, folder.check, this.resultIds);
      for (let i = 0; i < this.generation; i++) reports.invalidate();
      this.byCatalog.set(folder.catalog, reports);
    }
    return reports;
  }

  invalidate(): void {
    this.generation++;
    for (const folder of this.folders()) this.of(folder).invalidate();
  }

  files(isOpen: (file: string) => boolean): string[] {
    return this.folders()
      .filter((f) => f.workspaceOn)
      .flatMap((f) => this.of(f).files(isOpen))
      .sort();
  }

  report(file: string): PackReport | undefined {
    return this.of(this.folderOf(file)).report(file);
  }
}
