// What the language service uses of node:url, for the browser bundle (scripts/build.mjs maps node:url
// here): file URLs become URIs of the workspace's own scheme (see uriPaths.ts).
import { pathToUri, uriToPath } from './uriPaths';

export function fileURLToPath(url: string | { href: string }): string {
  const href = typeof url === 'string' ? url : url.href;
  const path = uriToPath(href);
  if (path === undefined) throw new TypeError(`not a hierarchical URI: ${href}`);
  return path;
}

export function pathToFileURL(path: string): { href: string; toString(): string } {
  const href = pathToUri(path);
  return { href, toString: () => href };
}
