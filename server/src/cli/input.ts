// Reading the files a command is given. A file that cannot be read is unreadable input (exit 2), and
// the message names the file and why.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeJsonError } from '../backend/store';
import { InputError, type FlagSpec } from './args';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a parent is not a folder',
};

export function cannotRead(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code && REASONS[code] ? ` (${REASONS[code]})` : '';
  return new InputError(`cannot read ${file}: ${code ?? (e as Error).message}${reason}`);
}

export function readBytes(file: string, cwd: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(resolve(cwd, file)));
  } catch (e) {
    throw cannotRead(file, e);
  }
}

export function readText(file: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw cannotRead(file, e);
  }
}

/** A JSON file (a decision, say): unreadable or invalid JSON is an InputError naming the place. */
export function readJsonFile(file: string, cwd: string, what: string): unknown {
  const text = readText(file, cwd);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${what}): ${describeJsonError(text, e)}`);
  }
}

/** The editor's default for `cavra.maxFileSizeMb`: the CLI refuses the same files the editor does. */
export const DEFAULT_MAX_FILE_SIZE_MB = 5;

export const MAX_FILE_SIZE_FLAG: FlagSpec = {
  name: '--max-file-size-mb',
  kind: 'int',
  value: 'MB',
  min: 1,
  help: `Refuse policy files larger than this (default: ${DEFAULT_MAX_FILE_SIZE_MB}, like the editor setting cavra.maxFileSizeMb)`,
};

/** A policy file refused before parsing: too large, or not UTF-8. `validate` reports it as a finding. */
export class PolicyInputRefused extends InputError {
  constructor(
    readonly code: 'file-too-large' | 'invalid-utf8',
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    if (need === 0) {
      i++;
      continue;
    }
    if (i + need >= bytes.length) return i; // cut short by the end of the file
    const b1 = bytes[i + 1];
    // The second byte's range excludes overlong forms and UTF-16 surrogates (which CAVRA's Python refuses too).
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * A policy file as text, refused (PolicyInputRefused, exit 2 unless the command reports it) when it is
 * larger than `maxMb` (checked before reading it: a 50 MB file is never loaded) or is not UTF-8: CAVRA
 * (Python) cannot read such a file, and reading it here with replacement characters would check, sign
 * or publish something other than what is on disk. A byte-order mark is kept.
 */
export function readPolicyText(file: string, cwd: string, maxMb: number = DEFAULT_MAX_FILE_SIZE_MB): string {
  const limit = maxMb * 1024 * 1024;
  const tooLarge = (size: number) =>
    new PolicyInputRefused(
      'file-too-large',
      1,
      `${file} is ${(size / 1048576).toFixed(1)} MB, above the ${maxMb} MB limit; it was not read (raise it with --max-file-size-mb)`,
    );
  let size: number;
  try {
    size = statSync(resolve(cwd, file)).size;
  } catch (e) {
    throw cannotRead(file, e);
  }
  if (size > limit) throw tooLarge(size);
  const bytes = readBytes(file, cwd);
  if (bytes.length > limit) throw tooLarge(bytes.length); // a pipe or a file that grew
  // Node's native check first (validate reads whole workspaces); the byte-by-byte walk only finds where it fails.
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    throw new PolicyInputRefused(
      'invalid-utf8',
      line,
      `${file}: not valid UTF-8 (byte ${bad}, line ${line}): CAVRA reads policies as UTF-8 and cannot load this file; save it as UTF-8`,
    );
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}
