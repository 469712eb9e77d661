// In the browser the language service still speaks of files by path (it was written for Node), but a
// workspace is named by URIs of any scheme (`vscode-vfs://github/...` in github.dev, `file:` in tests).
// A URI of another scheme becomes the path `/<scheme>:<authority>/<path>` and back, so the answers the
// language service builds with `pathToFileURL` point at the editor's own URIs.

const SCHEME_SEGMENT = /^\/([a-zA-Z][a-zA-Z0-9+.-]*):([^/]*)(\/.*)?$/;

const encodePath = (path: string) => encodeURI(path).replace(/[?#]/g, (c) => encodeURIComponent(c));

/** The path of a hierarchical URI (`file:`, `vscode-vfs:`...), or undefined (`untitled:`, malformed). */
export function uriToPath(uri: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(uri);
  if (!m) return undefined;
  const [, scheme, authority, rawPath] = m;
  let path: string;
  try {
    path = decodeURIComponent(rawPath || '/');
  } catch {
    return undefined;
  }
  if (scheme.toLowerCase() === 'file' && !authority) return path;
  return `/${scheme}:${authority}${path}`;
}

/** The URI a path stands for: the inverse of {@link uriToPath}. */
export function pathToUri(path: string): string {
  const m = SCHEME_SEGMENT.exec(path);
  if (m) return `${m[1]}://${m[2]}${encodePath(m[3] ?? '/')}`;
  return `file://${encodePath(path)}`;
}
