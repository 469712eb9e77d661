// Signing through a command the user configured (an ssh-agent, HSM or cloud KMS wrapper): the bytes to
// sign go to its stdin, the base64 Ed25519 signature comes back on stdout, and the studio never sees
// the private key. Only a user or machine setting, a flag or the environment may name the command:
// a cloned repository must never make the studio run one.
import { spawnSync } from 'node:child_process';

export const EXTERNAL_SIGNER_ENV = 'CAVRA_EXTERNAL_SIGNER';
export const EXTERNAL_SIGNER_PUBLIC_KEY_ENV = 'CAVRA_EXTERNAL_SIGNER_PUBLIC_KEY';

/** The signer ran and failed, or answered something that is not a good signature: an operation failure, not bad input. */
export class ExternalSignerError extends Error {
  override name = 'ExternalSignerError';
}

export interface ExternalSignerOptions {
  /** A shell command line, as the user wrote it in the setting, flag or environment. */
  command: string;
  /** Where the command runs (the workspace folder, or the CLI's current folder). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Default 30 s: a hardware token may wait for a touch. */
  timeoutMs?: number;
}

/** Runs the command once for `bytes`; returns the raw 64-byte signature or throws ExternalSignerError saying why not. */
export function runExternalSigner(bytes: Uint8Array, opts: ExternalSignerOptions): Uint8Array {
  const r = spawnSync(opts.command, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: bytes,
    shell: true,
    timeout: opts.timeoutMs ?? 30_000,
    maxBuffer: 64 * 1024,
  });
  const named = `external signer \`${opts.command}\``;
  const code = r.error ? (r.error as NodeJS.ErrnoException).code : undefined;
  // A signer that exits without reading all of its input (EPIPE on our side) still answered: judge its
  // exit and what it printed (a signature of bytes it never read fails the check against its public key).
  if (r.error && code !== 'EPIPE') {
    throw new ExternalSignerError(
      code === 'ETIMEDOUT'
        ? `${named} did not answer within ${(opts.timeoutMs ?? 30_000) / 1000} s`
        : `${named} could not run: ${r.error.message}`,
    );
  }
  const stderr = r.stderr.toString('utf8').trim().split('\n').slice(-3).join(' / ');
  if (r.status !== 0) {
    throw new ExternalSignerError(`${named} exited ${r.status ?? `on signal ${r.signal}`}${stderr ? `: ${stderr}` : ''}`);
  }
  const text = r.stdout.toString('utf8').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || Buffer.from(text, 'base64').length !== 64) {
    throw new ExternalSignerError(
      `${named} must print the base64 of a 64-byte Ed25519 signature on stdout; it printed ${text ? `${text.length} characters that are not one` : 'nothing'}`,
    );
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}
