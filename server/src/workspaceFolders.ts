// The workspace folders the server serves (a multi-root workspace has several). Each folder has its own
// settings, policy root, packs and store, as VS Code users expect of resource settings: a document
// belongs to the folder that holds it; a workflow request acts on the folder it names, else on the
// folder holding its file, else on the first folder.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SelectedBackend } from './backend/createBackend';
import { PackCatalog } from './language/packCatalog';
import { WorkflowError } from './workflows/workflowEnvironment';
import { readFolderSettings, workflowPolicyRoot, type WorkflowSettings } from './workflows/workspaceSettings';

export interface WorkspaceFolder {
  /** The URI the editor named the folder by (sent back in `scopeUri` and accepted as a request's `folder`). */
  readonly uri: string;
  readonly path: string;
  settings: WorkflowSettings;
  /** This folder's policy root: `inherits`, hover and completion in its documents see its packs only. */
  readonly catalog: PackCatalog;
  /** Made on first use; dropped when settings change. */
  backend?: SelectedBackend;
}

function pathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function contains(folder: string, file: string): boolean {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class WorkspaceFolders {
  private folders: WorkspaceFolder[] = [];
  /** Without any workspace folder (a single file opened): the server's working folder, as before multi-root. */
  private loose: WorkspaceFolder | undefined;
  /** The settings read without a folder: the user-decided ones, and a new folder's until its own are pulled. */
  private window: WorkflowSettings;

  constructor(window: WorkflowSettings) {
    this.window = window;
  }

  get all(): readonly WorkspaceFolder[] {
    return this.folders.length ? this.folders : [this.looseFolder()];
  }

  get windowSettings(): WorkflowSettings {
    return this.window;
  }

  /** The editor's folders, in its order. Folders kept keep their state; added ones start with the window's settings (scan() reads their packs). */
  setFolders(uris: readonly string[]): void {
    const kept = new Map(this.folders.map((f) => [f.path, f]));
    const next: WorkspaceFolder[] = [];
    for (const uri of uris) {
      const path = pathOf(uri);
      if (!path || next.some((f) => f.path === path)) continue;
      next.push(kept.get(path) ?? this.newFolder(uri, path));
    }
    this.folders = next;
  }

  /** Folders added and removed while the window is open (`workspace/didChangeWorkspaceFolders`). */
  change(added: readonly string[], removed: readonly string[]): void {
    const gone = new Set(removed.map(pathOf));
    this.setFolders([...this.folders.filter((f) => !gone.has(f.path)).map((f) => f.uri), ...added]);
  }

  /**
   * New settings: `window` read without a folder, `byFolder` each folder's `cavra` section read with its
   * `scopeUri` (a folder missing from it keeps the window's). Backends are made again, packs re-read.
   */
  configure(window: WorkflowSettings, byFolder: ReadonlyMap<string, Record<string, unknown> | null> = new Map()): void {
    this.window = window;
    for (const f of this.all) {
      const own = byFolder.get(f.uri);
      f.settings = own ? readFolderSettings(window, own) : { ...window };
      f.backend = undefined;
    }
    this.scan();
  }

  /** Re-reads each folder's packs (unchanged files are not read again). */
  scan(): void {
    for (const f of this.all) f.catalog.scan([this.policyRootOf(f)]);
  }

  policyRootOf(f: WorkspaceFolder): string {
    return workflowPolicyRoot(f.settings, f.path);
  }

  /** The folder holding `file` (the innermost, for nested folders), else the first folder. */
  ofFile(file: string | undefined): WorkspaceFolder {
    const holding = file ? this.folders.filter((f) => contains(f.path, file)) : [];
    return holding.sort((a, b) => b.path.length - a.path.length)[0] ?? this.all[0];
  }

  /** The folder a workflow request acts on; a `folder` that is not one of the workspace's is refused. */
  forRequest(folder: string | undefined, uri: string | undefined): WorkspaceFolder {
    if (folder !== undefined) {
      const path = typeof folder === 'string' ? pathOf(folder) : undefined;
      const found = path === undefined ? undefined : this.all.find((f) => f.path === path);
      if (!found)
        throw new WorkflowError(
          400,
          `folder ${JSON.stringify(folder)} is not a workspace folder (open folders: ${this.all.map((f) => f.uri).join(', ')})`,
        );
      return found;
    }
    return this.ofFile(typeof uri === 'string' ? pathOf(uri) : undefined);
  }

  private looseFolder(): WorkspaceFolder {
    const cwd = process.cwd();
    if (this.loose?.path !== cwd) {
      this.loose = this.newFolder(pathToFileURL(cwd).href, cwd);
      this.loose.catalog.scan([this.policyRootOf(this.loose)]);
    }
    return this.loose;
  }

  private newFolder(uri: string, path: string): WorkspaceFolder {
    // Its packs are read by the scan() that follows every change of folders or settings.
    return { uri, path, settings: { ...this.window }, catalog: new PackCatalog() };
  }
}
