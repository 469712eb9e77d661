// Throwaway workspace folders: a fixture copied, or files written from a map of relative paths.
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempWorkspace {
  root: string;
  write(relativePath: string, text: string): string;
  remove(): void;
}

export function tempWorkspace(files: Record<string, string> = {}, copyFrom?: string): TempWorkspace {
  // realpath: on macOS the tmp dir is a symlink and the server reports real paths.
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-ws-')));
  if (copyFrom) cpSync(copyFrom, root, { recursive: true });
  const write = (relativePath: string, text: string) => {
    const file = join(root, relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  for (const [p, t] of Object.entries(files)) write(p, t);
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
