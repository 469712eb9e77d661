// A file-system failure in words: what could not be done to which file, why (no space, permission,
// read-only), and what state it left. Node's own messages ("ENOSPC: no space left on device, write")
// name neither the store nor whether anything changed.
import { BackendError } from '../backend';

const REASONS: { [code: string]: string } = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'an input/output error from the disk',
  ENOTDIR: 'a parent is not a folder',
  EISDIR: 'it is a folder',
  EMFILE: 'too many open files',
};

/** `EACCES` → "permission denied (EACCES)"; an error without a code keeps its message. */
export function diskReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return (error as Error)?.message ?? String(error);
}

/** True for errors the file system raised (as opposed to a refusal of the change itself). */
export function isDiskError(error: unknown): boolean {
  return (
    !(error instanceof BackendError) &&
    typeof (error as NodeJS.ErrnoException)?.code === 'string' &&
    typeof (error as NodeJS.ErrnoException)?.syscall === 'string'
  );
}

/** `<what> <file>: <reason>; <state>` as a 500 BackendError. */
export function diskFailure(file: string, what: string, error: unknown, state: string): BackendError {
  return new BackendError(500, `${file}: cannot ${what}: ${diskReason(error)}; ${state}`);
}
