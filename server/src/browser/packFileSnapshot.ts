// The browser server's pack file reader (language/packFiles.ts): what the client last read under the
// policy roots through `workspace.fs` (`cavra/packFiles`), kept in memory and read synchronously by the
// language service. The server asks again when a watched file or a workspace folder changes.
import type { PackFiles } from '../language/packFiles';
import type { PackFileEntry } from '../protocol/packFiles';
import { uriToPath } from './uriPaths';

const parentOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf('/'), 1));

export class PackFileSnapshot implements PackFiles {
  private entries = new Map<string, PackFileEntry>();
  private children = new Map<string, string[]>();

  /** Replaces everything with what the client read (entries with a URI that is not hierarchical are dropped). */
  replace(entries: readonly PackFileEntry[]): void {
    this.entries.clear();
    this.children.clear();
    for (const entry of entries) {
      const path = uriToPath(entry.uri);
      if (path === undefined) continue;
      const normal = path.length > 1 ? path.replace(/\/+$/, '') : path;
      this.entries.set(normal, entry);
      const parent = parentOf(normal);
      const names = this.children.get(parent) ?? [];
      names.push(normal.slice(normal.lastIndexOf('/') + 1));
      this.children.set(parent, names);
    }
  }

  readDir(dir: string): string[] {
    const normal = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
    if (this.entries.get(normal)?.type !== 'folder') throw new Error(`not a folder the client listed: ${dir}`);
    return [...(this.children.get(normal) ?? [])];
  }

  stamp(file: string): string | undefined {
    const entry = this.entries.get(file);
    return entry?.type === 'file' ? `${entry.size ?? 0}:${entry.mtime ?? 0}` : undefined;
  }

  readText(file: string): string {
    const text = this.entries.get(file)?.text;
    if (text === undefined) throw new Error(`the client did not read ${file}`);
    return text;
  }

  exists(path: string): boolean {
    return this.entries.has(path.length > 1 ? path.replace(/\/+$/, '') : path);
  }
}
