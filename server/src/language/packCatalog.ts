// The packs under the policy root that a document can refer to (inherits, hover, completion, lint).
// Open documents override what is on disk, so a pack being edited is seen as it is typed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parsePolicyYaml } from '../policy/policyYaml';
import { readBlockYaml } from './parse/blockYaml';
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

  /** Re-reads every `<root>/<pack>/policy.yaml` on disk that changed. Unreadable packs are skipped, not fatal. */
  scan(roots: string[]): void {
    this.roots = roots;
    this.disk.clear();
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
  setOpen(file: string, folder: string, value: PyValue | undefined): void {
    this.open.set(file, packInfoFromValue(folder, file, value));
  }

  closeOpen(file: string): void {
    this.open.delete(file);
  }

  all(): PackInfo[] {
    const byFile = new Map(this.disk);
    for (const [file, info] of this.open) if (byFile.has(file) || this.isPackFile(file)) byFile.set(file, info);
    return [...byFile.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): PackInfo | undefined {
    return this.all().find((p) => p.id === id);
  }

  /** `<root>/<folder>/policy.yaml` exactly: not a draft, not a file deeper down or in a sibling folder. */
  private isPackFile(file: string): boolean {
    return basename(file) === 'policy.yaml' && this.roots.some((r) => resolve(dirname(dirname(file))) === resolve(r));
  }
}
