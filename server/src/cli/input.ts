// Reading the files a command is given. A file that cannot be read is unreadable input (exit 2), and
// the message names the file and why.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeJsonError } from '../backend/store';
import { InputError } from './args';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a parent is not a folder',
};

function cannotRead(file: string, e: unknown): InputError {
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
