// The packs under the policy root that a document can refer to (inherits, hover, completion, lint).
// Open documents override what is on disk, so a pack being edited is seen as it is typed.
// A PackInfo is a snapshot: a changed pack gets a new object, so an analysis that recorded which
// infos it read (recordReads) can tell whether a pack it depends on changed since (isCurrent).
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBlockPolicyValue } from '../policy/blockPolicyValue';
import { parsePolicyYaml } from '../policy/policyYaml';
import { readBlockYaml } from './parse/blockYaml';
import { keepTree } from './parse/documentEdit';
import { PolicyDocument } from './parse/policyDocument';
import { isMapping, pyTruthy, type PyValue } from '../policy/pythonValues';
import { ruleCounts, type RuleCounts } from '../policy/summary';
import { unsliced } from '../policy/unsliced';
import { packFiles } from './packFiles';

export interface PackInfo {
  /** `metadata.id`, else the folder name (as CAVRA's registry lists it). */
  id: string;
  folder: string;
  file: string;
  title?: string;
  description?: string;
  version?: string;
  inherits: string[];
  ruleCounts: RuleCounts;
}

export function inheritsList(value: PyValue | undefined): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** A snapshot that outlives the text it was read from: its strings are copies (policy/unsliced.ts), not slices of the text. */
export function packInfoFromValue(folder: string, file: string, value: PyValue | undefined): PackInfo {
  const meta = isMapping(value) && isMapping(value.metadata) ? value.metadata : {};
  const str = (v: PyValue | undefined) =>
    v === undefined || v === null ? undefined : unsliced(String(v instanceof Object ? JSON.stringify(v) : v));
  return {
    id: typeof meta.id === 'string' && pyTruthy(meta.id) ? unsliced(meta.id) : folder,
    folder,
    file,
    title: str(meta.title),
    description: str(meta.description),
    version: str(meta.version),
    inherits: inheritsList(meta.inherits).map(unsliced),
    ruleCounts: ruleCounts(value),
  };
}

/** The loaded value of a pack file: the block readers when they can (the value alone first: no tree is kept), else `yaml`. */
function packValue(text: string): PyValue | undefined {
  return readBlockPolicyValue(text) ?? (readBlockYaml(text)?.yaml ?? parsePolicyYaml(text)).value;
}

/**
 * What an analysis read from the catalog: each pack id it looked up and the info it got (undefined:
 * no such pack), and the catalog revision if it listed every pack.
 */
export interface PackReads {
  byId: Map<string, PackInfo | undefined>;
  listedAt?: number;
}

export class PackCatalog {
  private disk = new Map<string, PackInfo>();
  private open = new Map<string, PackInfo>();
  /** What each open info was made from (a document version): the same again changes nothing. */
  private openSources = new Map<string, object>();
  /** The parsed document of each open pack file, as typed (what inheritance lint and the effective view read). */
  private openDocs = new Map<string, PolicyDocument>();
  /** Pack files on disk parsed on demand, kept per scan stamp. */
  private diskDocs = new Map<string, { stamp: string; doc: PolicyDocument }>();
  private roots: string[] = [];
  /** Bumped on every change; a listing depends on all of it. */
  private revision = 0;
  /** all() and the id index, rebuilt on first use after a change. */
  private listing: readonly PackInfo[] | undefined;
  private index: Map<string, PackInfo> | undefined;
  /** The ids some pack on disk inherits, rebuilt on first use after a change. */
  private inheritedIds: Set<string> | undefined;
  private recording: PackReads | undefined;
  private diskView: PackCatalog | undefined;
  /** Pack files parsed into documents by document() (counted work: once per file and scan stamp). */
  diskParses = 0;
  /** What each file held at its last scan (size and modification time), so an unchanged pack is not read again. */
  private scanned = new Map<string, { stamp: string; info: PackInfo }>();

  /** Re-reads every `<root>/<pack>/policy.yaml` on disk that changed. Unreadable packs are skipped, not fatal. */
  scan(roots: string[]): void {
    this.roots = roots;
    this.disk.clear();
    const seen = new Map<string, { stamp: string; info: PackInfo }>();
    const files = packFiles();
    for (const root of roots) {
      let names: string[];
      try {
        names = files.readDir(root);
      } catch {
        continue;
      }
      for (const folder of names) {
        const file = join(root, folder, 'policy.yaml');
        try {
          const stamp = files.stamp(file);
          if (stamp === undefined) continue;
          const earlier = this.scanned.get(file);
          const info =
            earlier?.stamp === stamp && earlier.info.folder === folder
              ? earlier.info
              : packInfoFromValue(folder, file, packValue(files.readText(file)));
          seen.set(file, { stamp, info });
          this.disk.set(file, info);
        } catch {
          // a folder without policy.yaml is not a pack
        }
      }
    }
    this.scanned = seen;
    this.changed();
    this.diskView?.adopt(this);
  }

  /**
   * The same packs without the open documents: what the CLI reads from disk, and what the packs that
   * are not open are checked against, so typing in a parent re-checks its open children only and the
   * rest of the root on save. Follows every scan of this catalog.
   */
  diskOnly(): PackCatalog {
    if (!this.diskView) {
      this.diskView = new PackCatalog();
      this.diskView.adopt(this);
    }
    return this.diskView;
  }

  private adopt(from: PackCatalog): void {
    this.roots = from.roots;
    this.disk = new Map(from.disk);
    this.scanned = from.scanned;
    this.changed();
  }

  private changed(): void {
    this.revision++;
    this.listing = undefined;
    this.index = undefined;
    this.inheritedIds = undefined;
  }

  /** Runs `fn` recording every pack it looks up (see {@link isCurrent}). */
  recordReads<T>(fn: () => T): { result: T; reads: PackReads } {
    const outer = this.recording;
    const reads: PackReads = { byId: new Map() };
    this.recording = reads;
    try {
      return { result: fn(), reads };
    } finally {
      this.recording = outer;
    }
  }

  /** True when every lookup in `reads` would give the same answer now. Costs one map look-up per pack read. */
  isCurrent(reads: PackReads | undefined): boolean {
    if (!reads) return true;
    if (reads.listedAt !== undefined && reads.listedAt !== this.revision) return false;
    const index = this.byId();
    for (const [id, info] of reads.byId) if (index.get(id) !== info) return false;
    return true;
  }

  /** The packs on disk under the roots (what was scanned, open documents not applied). */
  diskPacks(): PackInfo[] {
    return [...this.disk.values()];
  }

  /** The pack scanned from this file, if it is one. */
  onDisk(file: string): PackInfo | undefined {
    return this.disk.get(file);
  }

  get policyRoots(): readonly string[] {
    return this.roots;
  }

  /**
   * An open document that is a pack file (its text as typed wins over disk). `source` names the
   * version it was read from (its parsed document: an incremental edit changes the loaded value in
   * place, so the value cannot tell). True when the catalog changed: the same source again (a
   * re-lint of an unchanged document) changes nothing.
   */
  setOpen(file: string, folder: string, value: PyValue | undefined, source: object = {}): boolean {
    const earlier = this.open.get(file);
    if (earlier && earlier.folder === folder && this.openSources.get(file) === source) return false;
    const info = packInfoFromValue(folder, file, value);
    this.open.set(file, info);
    this.openSources.set(file, source);
    if (source instanceof PolicyDocument) this.openDocs.set(file, source);
    else this.openDocs.delete(file);
    // A keystroke that keeps the id updates the index in place: no rebuild that grows with the packs.
    const index = this.index;
    this.changed();
    if (index && earlier && earlier.id === info.id && earlier.folder === folder) {
      if (index.get(info.id) === earlier) index.set(info.id, info);
      this.index = index;
    }
    return true;
  }

  /** True when the catalog changed (the file was open). */
  closeOpen(file: string): boolean {
    this.openSources.delete(file);
    this.openDocs.delete(file);
    if (!this.open.delete(file)) return false;
    this.changed();
    return true;
  }

  all(): readonly PackInfo[] {
    if (this.recording) this.recording.listedAt = this.revision;
    if (!this.listing) {
      const byFile = new Map(this.disk);
      for (const [file, info] of this.open) if (byFile.has(file) || this.isPackFile(file)) byFile.set(file, info);
      this.listing = [...byFile.values()].sort((a, b) => a.id.localeCompare(b.id));
    }
    return this.listing;
  }

  get(id: string): PackInfo | undefined {
    const info = this.byId().get(id);
    // Kept with the analysis: the id asked is often cut from the asking text (its `inherits`), so the
    // catalog's own copy is kept instead, or a copy of it (policy/unsliced.ts).
    if (this.recording && !this.recording.byId.has(id)) this.recording.byId.set(info?.id ?? unsliced(id), info);
    return info;
  }

  /** A pack's parsed document: the open one as typed, else the file on disk (read once per scan stamp). */
  document(id: string): PolicyDocument | undefined {
    const info = this.get(id);
    if (!info) return undefined;
    const open = this.openDocs.get(info.file);
    if (open) return open;
    try {
      return this.diskDocument(info.file, () =>
        packFiles()
          .readText(info.file)
          .replace(/^\uFEFF/, ''),
      );
    } catch {
      return undefined;
    }
  }

  /**
   * The catalog's parsed copy of a pack file on disk whose text is `text`, for the analysis of that file
   * (the workspace pass, `validate`): a pack that other packs inherit is then parsed once, for its own
   * findings and its children's merges alike. Undefined for a pack nobody inherits (its tree is not kept:
   * the pass keeps no tree of a pack only itself reads) and for a file not scanned as it is now.
   */
  sharedDocument(file: string, uri: string, text: string): PolicyDocument | undefined {
    const info = this.disk.get(file);
    if (!info || this.byId().get(info.id) !== info || !this.inheritedOnDisk().has(info.id)) return undefined;
    if (pathToFileURL(file).href !== uri) return undefined;
    const doc = this.diskDocument(file, () => text);
    return doc.text === text ? doc : undefined;
  }

  /** The parsed document of a scanned pack file, kept per scan stamp (`read` gives its text when it must be parsed). */
  private diskDocument(file: string, read: () => string): PolicyDocument {
    const stamp = this.scanned.get(file)?.stamp;
    const cached = this.diskDocs.get(file);
    if (cached && cached.stamp === stamp) return cached.doc;
    this.diskParses++;
    const doc = new PolicyDocument(pathToFileURL(file).href, 0, read());
    // Children's merges point into this tree: an analysis of the same text must not edit it in place.
    keepTree(doc);
    this.diskDocs.set(file, { stamp: stamp ?? '', doc });
    return doc;
  }

  private inheritedOnDisk(): Set<string> {
    if (!this.inheritedIds) {
      this.inheritedIds = new Set();
      for (const info of this.disk.values()) for (const id of info.inherits) this.inheritedIds.add(id);
    }
    return this.inheritedIds;
  }

  /** The first pack of each id in all()'s order, as a lookup of all() would find it. */
  private byId(): Map<string, PackInfo> {
    if (!this.index) {
      const recording = this.recording;
      this.recording = undefined;
      const index = new Map<string, PackInfo>();
      for (const p of this.all()) if (!index.has(p.id)) index.set(p.id, p);
      this.index = index;
      this.recording = recording;
    }
    return this.index;
  }

  /** `<root>/<folder>/policy.yaml` exactly: not a draft, not a file deeper down or in a sibling folder. */
  private isPackFile(file: string): boolean {
    return basename(file) === 'policy.yaml' && this.roots.some((r) => resolve(dirname(dirname(file))) === resolve(r));
  }
}
