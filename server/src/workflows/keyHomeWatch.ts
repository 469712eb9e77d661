// The key home's pin and revocation files change outside the editor: `cavra-policy keys pin` or
// `keys revoke` in a terminal, as the "signer not pinned" message tells the user to do. Nothing in the
// workspace changes then, so no watched-file event comes; this notices the files themselves and says
// so, and the server re-checks every signature (pins are read at each check, the cache is per file).
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { join } from 'node:path';
import { keyHome, PINNED_FILE, REVOKED_FILE } from '../signing/keyHome';

/** How often the two small files are stat'ed: a pin shows within this long; the cost is two stats. */
export const KEY_HOME_POLL_MS = 1_000;

/**
 * Calls `changed` when either file in the key home is created, edited or removed. Polled rather than
 * fs.watch'ed: the key home may not exist yet (keygen makes it), and a directory watch would follow
 * the private keys beside them for nothing.
 */
export function watchKeyHome(changed: (home: string) => void, env: NodeJS.ProcessEnv = process.env): { dispose(): void } {
  const home = keyHome(env);
  const files = [PINNED_FILE, REVOKED_FILE].map((name) => join(home, name));
  const listener = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) changed(home);
  };
  for (const file of files) watchFile(file, { interval: KEY_HOME_POLL_MS, persistent: false }, listener);
  return {
    dispose: () => {
      for (const file of files) unwatchFile(file, listener);
    },
  };
}
