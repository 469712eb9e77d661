// The packs under the policy root that a document can refer to (inherits, hover, completion, lint).
// Open documents override what is on disk, so a pack being edited is seen as it is typed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePolicyYaml } from '../policy/policyYaml';
import { readBlockYaml } from './parse/blockYaml';
import { PolicyDocument } from './parse/policyDocument';
import { isMapping, pyTruthy, type PyValue } from '../policy/pythonValues';
import { ruleCounts, type RuleCounts } from '../policy/summary';

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

export function packInfoFromValue(folder: string, file: string, value: PyValue | undefined): PackInfo {
  const meta = isMapping(value) && isMapping(value.metadata) ? value.metadata : {};
  const str = (v: PyValue | undefined) =>
    v === undefined || v === null ? undefined : String(v instanceof Object ? JSON.stringify(v) : v);
  return {
    id: typeof meta.id === 'string' && pyTruthy(meta.id) ? meta.id : folder,
    folder,
    file,
    title: str(meta.title),
    description: str(meta.description),
    version: str(meta.version),
    inherits: inheritsList(meta.inherits),
    ruleCounts: ruleCounts(value),
  };
}

/** The loaded value of a pack file: the block reader when it can, else `yaml`. */
function packValue(text: string): PyValue | undefined {
  return (readBlockYaml(text)?.yaml ?? parsePolicyYaml(text)).value;
}

export class PackCatalog {
  private disk = new Map<string, PackInfo>();
  private open = new Map<string, PackInfo>();
  private roots: string[] = [];
  /** What each file held at its last scan (size and modification time), so an unchanged pack is not read again. */
  private scanned = new Map<string, { stamp: string; info: PackInfo }>();
  /** The parsed document of each open pack file, as typed (what inheritance lint and the effective view read). */
  private openDocs = new Map<string, PolicyDocument>();
  /** Pack files on disk parsed on demand, kept per scan stamp. */
  private diskDocs = new Map<string, { stamp: string; doc: PolicyDocument }>();
  /** `get` by id without a pass over every pack: rebuilt only when a change can move an id. */
  private byId?: Map<string, PackInfo>;

  /** Re-reads every `<root>/<pack>/policy.yaml` on disk that changed. Unreadable packs are skipped, not fatal. */
  scan(roots: string[]): void {
    this.roots = roots;
    this.disk.clear();
    this.byId = undefined;
    const seen = new Map<string, { stamp: string; info: PackInfo }>();
    for (const root of roots) {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch {
        continue;
      }
      for (const folder of names) {
        const file = join(root, folder, 'policy.yaml');
        try {
          const stat = statSync(file);
          if (!stat.isFile()) continue;
          const stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
          const earlier = this.scanned.get(file);
          const info =
            earlier?.stamp === stamp && earlier.info.folder === folder
              ? earlier.info
              : packInfoFromValue(folder, file, packValue(readFileSync(file, 'utf8')));
          seen.set(file, { stamp, info });
          this.disk.set(file, info);
        } catch {
          // a folder without policy.yaml is not a pack
        }
      }
    }
    this.scanned = seen;
  }

  get policyRoots(): readonly string[] {
    return this.roots;
  }

  /** An open document that is a pack file (its text as typed wins over disk). */
  setOpen(file: string, folder: string, value: PyValue | undefined, doc?: PolicyDocument): void {
    const before = this.open.get(file);
    const info = packInfoFromValue(folder, file, value);
    this.open.set(file, info);
    if (doc) this.openDocs.set(file, doc);
    else this.openDocs.delete(file);
    // Typing in a pack keeps its id: the index is updated in place instead of rebuilt per keystroke.
    if (this.byId && before?.id === info.id && this.byId.get(info.id) === before) this.byId.set(info.id, info);
    else this.byId = undefined;
  }

  closeOpen(file: string): void {
    this.open.delete(file);
    this.openDocs.delete(file);
    this.byId = undefined;
  }

  all(): PackInfo[] {
    const byFile = new Map(this.disk);
    for (const [file, info] of this.open) if (byFile.has(file) || this.isPackFile(file)) byFile.set(file, info);
    return [...byFile.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): PackInfo | undefined {
    if (!this.byId) {
      this.byId = new Map();
      for (const p of this.all()) if (!this.byId.has(p.id)) this.byId.set(p.id, p);
    }
    return this.byId.get(id);
  }

  /** A pack's parsed document: the open one as typed, else the file on disk (read once per scan stamp). */
  document(id: string): PolicyDocument | undefined {
    const info = this.get(id);
    if (!info) return undefined;
    const open = this.openDocs.get(info.file);
    if (open) return open;
    const stamp = this.scanned.get(info.file)?.stamp;
    const cached = this.diskDocs.get(info.file);
    if (cached && cached.stamp === stamp) return cached.doc;
    try {
      const doc = new PolicyDocument(pathToFileURL(info.file).href, 0, readFileSync(info.file, 'utf8').replace(/^\uFEFF/, ''));
      this.diskDocs.set(info.file, { stamp: stamp ?? '', doc });
      return doc;
    } catch {
      return undefined;
    }
  }

  /** `<root>/<folder>/policy.yaml` exactly: not a draft, not a file deeper down or in a sibling folder. */
  private isPackFile(file: string): boolean {
    return basename(file) === 'policy.yaml' && this.roots.some((r) => resolve(dirname(dirname(file))) === resolve(r));
  }
}
