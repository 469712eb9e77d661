// Formatting a published policy.yaml changes its bytes, and its policy.yaml.sig.json signs bytes: the
// pack would stop verifying. The first format request for a signed file is refused with a warning;
// asking again for the same version within a few seconds is the user's "yes, format it anyway".
import { basename, dirname, join } from 'node:path';
import { packFiles } from '../language/packFiles';

/** How long after a refusal a second request for the same version counts as a confirmation. */
export const CONFIRM_WINDOW_MS = 10_000;

/** A `policy.yaml` with a `policy.yaml.sig.json` beside it (on disk, or as the browser client read it). */
export function isSignedPolicy(file: string | undefined): file is string {
  return !!file && basename(file) === 'policy.yaml' && packFiles().exists(join(dirname(file), 'policy.yaml.sig.json'));
}

export function signedFormattingWarning(file: string): string {
  return (
    `${file} is signed (policy.yaml.sig.json beside it): formatting changes its bytes and its signature would no ` +
    'longer verify, so it was left as is. Format the draft (policy.draft.yaml) and publish it through an approval, ' +
    `or run Format Document again within ${CONFIRM_WINDOW_MS / 1000} seconds to format this file anyway.`
  );
}

export class SignedFormattingGuard {
  private refused = new Map<string, { version: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when this request repeats a refused one (same document version, within the window). */
  confirmed(uri: string, version: number): boolean {
    const last = this.refused.get(uri);
    const at = this.now();
    if (last && last.version === version && at - last.at <= CONFIRM_WINDOW_MS) {
      this.refused.delete(uri);
      return true;
    }
    this.refused.set(uri, { version, at });
    return false;
  }

  forget(uri: string): void {
    this.refused.delete(uri);
  }
}
