// Where a private key must not be: inside a git work tree, where `git add -A` commits it beside the
// policies it signs and anyone who can read the repository can sign. keygen refuses such a place
// unless told, and the editor warns about private keys it finds under a workspace.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The work tree `dir` belongs to (a `.git` folder, or a `.git` file of a worktree or submodule), if any. */
export function gitWorkTreeOf(dir: string): string | undefined {
  let at = resolve(dir);
  for (;;) {
    if (existsSync(join(at, '.git'))) return at;
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/** Any PEM private key block (PKCS#8, encrypted, OpenSSH, RSA/EC): what must not sit in a repository. */
export function looksLikePrivateKey(text: string): boolean {
  return /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text);
}
