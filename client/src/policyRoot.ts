// The policy root as the client sees it: decided by the server's rule (setting, else $CAVRA_POLICY_DIR,
// else `policies`), so the views, file patterns and watchers look where the server and the CLI look.
import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { resolvePolicyRoot } from '../../server/src/protocol';

/** The policy root of a workspace folder (its own `cavra.policyRoot`: folders of a multi-root workspace may differ). */
export function policyRootOf(folder: vscode.Uri): vscode.Uri {
  const setting = vscode.workspace.getConfiguration('cavra', folder).get<string>('policyRoot');
  const root = resolvePolicyRoot({ workspace: folder.fsPath, setting, env: process.env });
  const inside = relativeInside(folder.fsPath, root);
  // Inside the folder the folder's scheme is kept (a remote or virtual workspace); outside it is a local path.
  return inside === undefined ? vscode.Uri.file(root) : inside ? vscode.Uri.joinPath(folder, ...inside.split('/')) : folder;
}

/** `path` relative to `folder` with `/` separators, or undefined when it is not inside the folder. */
export function relativeInside(folder: string, path: string): string | undefined {
  const rel = relative(folder, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}
