// The editor's warning about private keys under a workspace folder (issue 15 §2): a key there is one
// `git add -A` away from the repository, and whoever can read the repository can then sign. Existing
// workspaces keep working (publishing still reads the key); the warning says where to move it.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic } from '../language/makeDiagnostic';
import { BackendError } from '../backend/backend';
import { keyHome, looksLikePrivateKey } from '../signing';

/** Names a key file goes by; anything else is not opened. */
const KEY_FILE = /\.(pem|key|p8|pk8)$/i;
/** Folders that are never a workspace's own files (and would make the walk slow). */
const SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out']);

export interface ScanLimits {
  maxEntries: number;
  maxDepth: number;
}

/** Private key files under `folder`, in a bounded walk (a huge workspace is cut short, never stalls the server). */
export function privateKeysUnder(folder: string, limits: ScanLimits = { maxEntries: 20_000, maxDepth: 8 }): string[] {
  const found: string[] = [];
  let budget = limits.maxEntries;
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (--budget < 0) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < limits.maxDepth && !SKIPPED.has(entry.name)) walk(path, depth + 1);
      } else if (entry.isFile() && KEY_FILE.test(entry.name) && startsLikePrivateKey(path)) found.push(path);
    }
  };
  walk(folder, 0);
  return found.sort();
}

function startsLikePrivateKey(path: string): boolean {
  try {
    if (statSync(path).size > 256 * 1024) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4096);
      const n = readSync(fd, head, 0, head.length, 0);
      return looksLikePrivateKey(head.subarray(0, n).toString('latin1'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export function privateKeyDiagnostic(env: NodeJS.ProcessEnv = process.env): Diagnostic {
  const home = keyHome(env);
  return makeDiagnostic(
    { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    DiagnosticSeverity.Warning,
    'private-key-in-workspace',
    `A private key inside the workspace: a commit would publish it, and anyone who can read the repository could then sign policies. ` +
      `Move it to your key home, ${home} (publishing finds <key-id>.private.pem there), or sign with an external signer (cavra.signing.externalSigner); ` +
      `keep only <key-id>.public.pem in the workspace, and pin its fingerprint (cavra-policy keys pin). If it was ever committed, revoke it (cavra-policy keys revoke).`,
  );
}

/** Sends the warnings for every folder, and clears those for keys that were moved away since. */
export class PrivateKeyWarnings {
  private shown = new Set<string>();

  constructor(private readonly send: (uri: string, diagnostics: Diagnostic[]) => void) {}

  report(folders: string[]): void {
    const now = new Set(folders.flatMap((f) => privateKeysUnder(f)).map((file) => pathToFileURL(file).href));
    for (const uri of this.shown) if (!now.has(uri)) this.send(uri, []);
    for (const uri of now) this.send(uri, [privateKeyDiagnostic()]);
    this.shown = now;
  }
}

/**
 * "Move it": the key file goes to the user's key home (mode 600, never over an existing file), then
 * leaves the workspace. Only a private key inside `folder` is moved.
 */
export function movePrivateKey(folder: string, file: string, env: NodeJS.ProcessEnv = process.env): { from: string; to: string } {
  const inside = relative(folder, file);
  if (!inside || inside.startsWith('..') || inside.startsWith('/')) {
    throw new BackendError(400, `${file} is not inside the workspace folder ${folder}`);
  }
  if (!startsLikePrivateKey(file)) throw new BackendError(400, `${file} is not a private key file`);
  const home = keyHome(env);
  const to = join(home, basename(file));
  if (existsSync(to)) {
    throw new BackendError(409, `${to} already exists: move ${file} by hand under another name, or remove the one that is there`);
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // 'wx' never replaces a key; the copy is complete before the workspace file goes.
  writeFileSync(to, readFileSync(file), { flag: 'wx', mode: 0o600 });
  rmSync(file);
  return { from: file, to };
}
