// The packs under the policy root that a document can refer to (inherits, hover, completion, lint).
// Open documents override what is on disk, so a pack being edited is seen as it is typed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parsePolicyYaml } from '../policy/policyYaml';
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
  const str = (v: PyValue | undefined) => (v === undefined || v === null ? undefined : String(v instanceof Object ? JSON.stringify(v) : v));
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

export class PackCatalog {
  private disk = new Map<string, PackInfo>();
  private open = new Map<string, PackInfo>();
  private roots: string[] = [];

  /** Re-reads every `<root>/<pack>/policy.yaml` on disk. Unreadable packs are skipped, not fatal. */
  scan(roots: string[]): void {
    this.roots = roots;
    this.disk.clear();
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
          if (!statSync(file).isFile()) continue;
          const text = readFileSync(file, 'utf8');
          this.disk.set(file, packInfoFromValue(folder, file, parsePolicyYaml(text).value));
        } catch {
          // a folder without policy.yaml is not a pack
        }
      }
    }
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
