// The external signer is judged by its exit and its output, even when it exits without reading all of
// the bytes it was given: the pipe then breaks on our side (EPIPE), which once made "echo junk" read as
// "could not run" instead of "must print the base64 of a 64-byte Ed25519 signature" (a CLI test failed
// on that race in CI). More than a pipe's 64 KiB of input, and a signer that closes its stdin first, make
// the broken pipe certain here.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { ExternalSignerError, runExternalSigner } from '../../../server/src/signing/externalSigner';

const BIG = new Uint8Array(1024 * 1024);
const signature = Buffer.alloc(64, 7).toString('base64');

describe('external signer: a signer that does not read its input', () => {
  it('garbage printed after closing stdin is refused for what it printed, not as "could not run"', () => {
    assert.throws(
      () => runExternalSigner(BIG, { command: 'exec 0<&-; echo not-a-signature', cwd: tmpdir() }),
      (e: Error) =>
        e instanceof ExternalSignerError &&
        /must print the base64 of a 64-byte Ed25519 signature on stdout; it printed 15 characters that are not one/.test(
          e.message,
        ),
    );
  });

  it('a failing exit after closing stdin is reported with its status and stderr', () => {
    assert.throws(
      () => runExternalSigner(BIG, { command: 'exec 0<&-; echo "token locked" >&2; exit 3', cwd: tmpdir() }),
      /external signer `.*` exited 3: token locked/,
    );
  });

  it('a 64-byte signature printed without reading is returned (the caller checks it against the public key)', () => {
    const out = runExternalSigner(BIG, { command: `exec 0<&-; echo ${signature}`, cwd: tmpdir() });
    assert.equal(Buffer.from(out).toString('base64'), signature);
  });

  it('a command the shell cannot find is reported with its exit (127)', () => {
    assert.throws(
      () => runExternalSigner(BIG, { command: 'exec 0<&-; /nonexistent/signer', cwd: tmpdir() }),
      /external signer `.*` exited 127/,
    );
  });
});
