// `cavra/packFiles` (server -> client): the browser server has no file system, so it asks the client
// to read the packs under each policy root through `vscode.workspace.fs` (vscode.dev, github.dev).
// The Node server reads the disk itself and never sends it.
import { RequestType } from 'vscode-languageserver-protocol';

export interface PackFilesParams {
  /** Policy root folders (URIs in the workspace's scheme), one per workspace folder. */
  roots: string[];
}

/** A folder or file under a policy root that the language service looks at. */
export interface PackFileEntry {
  uri: string;
  type: 'folder' | 'file';
  /** A `policy.yaml`'s text; absent for a folder and for files read only for their existence (`policy.yaml.sig.json`). */
  text?: string;
  /** The file's modification time and size (`FileStat`): a changed pair means read it again. */
  mtime?: number;
  size?: number;
}

export interface PackFilesResult {
  /** Each root that exists, each `<root>/<pack>/` folder in it, its `policy.yaml` and `policy.yaml.sig.json`. */
  entries: PackFileEntry[];
}

export const PackFilesRequest = new RequestType<PackFilesParams, PackFilesResult, void>('cavra/packFiles');
