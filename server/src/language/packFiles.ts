// The one way the language service reads files besides the open documents: pack folders, pack files
// and whether a file exists. In Node it is the file system; in a web worker (vscode.dev, github.dev)
// there is none, so the browser server installs a reader over what the client read through its
// `workspace.fs` (server/src/browser/packFileSnapshot.ts). Nothing here imports node:fs, so the
// language service bundles for the browser.
import type * as NodeFs from 'node:fs';

export interface PackFiles {
  /** The names in a folder; throws when it is not one. */
  readDir(dir: string): string[];
  /** A file's stamp (changes when its content may have), or undefined when it is not a file. */
  stamp(file: string): string | undefined;
  /** A file's text; throws when it cannot be read. */
  readText(file: string): string;
  exists(path: string): boolean;
}

let installed: PackFiles | undefined;

/** The browser server installs its reader once, before any document is analysed. */
export function usePackFiles(files: PackFiles): void {
  installed = files;
}

/**
 * The installed reader, else the file system. The language server installs it (server/src/diskPackFiles.ts:
 * VS Code's Electron may run a Node older than 20.16); elsewhere (CLI, tests: Node >= 20.19)
 * `process.getBuiltinModule` gives node:fs without an import, which the browser bundle must not have.
 */
export function packFiles(): PackFiles {
  if (installed) return installed;
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
    'node:fs',
  ) as typeof NodeFs | undefined;
  if (!fs) throw new Error('no pack file reader: the browser server installs one with usePackFiles() before analysing');
  installed = nodePackFiles(fs);
  return installed;
}

/** The file system, read as the language service always read it (stamp: size, mtime, inode). */
export function nodePackFiles(fs: typeof NodeFs): PackFiles {
  return {
    readDir: (dir) => fs.readdirSync(dir),
    stamp: (file) => {
      try {
        const stat = fs.statSync(file);
        return stat.isFile() ? `${stat.size}:${stat.mtimeMs}:${stat.ino}` : undefined;
      } catch {
        return undefined;
      }
    },
    readText: (file) => fs.readFileSync(file, 'utf8'),
    exists: (path) => fs.existsSync(path),
  };
}
