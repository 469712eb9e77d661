// CAVRA's JSON store files (approvals, inventory): read the latest state under the store's lock,
// change it, write it back atomically in CAVRA's layout. A file that does not parse is never
// overwritten: the error names the file and the line and column, and the file stays byte-identical.
import { readFileSync } from 'node:fs';
import { BackendError } from '../backend';
import { removeStaleTemporaries, writeFileAtomic } from './atomicFile';
import { diskFailure, diskReason, isDiskError } from './diskError';
import { withLock, type LockOptions } from './lock';
import { pythonStoreJson } from './pythonJson';

export type JsonObject = { [key: string]: unknown };

/** V8's "... at position N" turned into a line and column an editor user can go to. */
export function describeJsonError(text: string, error: unknown): string {
  const message = (error as Error).message;
  const match = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  if (!match) return message;
  const before = text.slice(0, Number(match[2])).split('\n');
  return `${match[1]} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * The parsed store, or undefined when the file does not exist. Refuses (500) a file that is not a
 * JSON object, or whose `listKeys` are present but not lists.
 */
export function readJsonStore(file: string, listKeys: string[]): JsonObject | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BackendError(500, `${file}: cannot read the store: ${(error as Error).message}`);
  }
  const fix = 'fix the file (or move it away to start a new store); it was not changed';
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const where = text.trim() === '' ? 'the file is empty' : describeJsonError(text, error);
    throw new BackendError(500, `${file}: the store is not valid JSON: ${where}; ${fix}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BackendError(500, `${file}: the store must be a JSON object like {"${listKeys[0]}": [...]}; ${fix}`);
  }
  const obj = value as JsonObject;
  for (const key of listKeys) {
    if (key in obj && !Array.isArray(obj[key])) {
      throw new BackendError(500, `${file}: "${key}" must be a list; ${fix}`);
    }
    const items = obj[key];
    if (Array.isArray(items)) {
      const bad = items.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
      if (bad >= 0) throw new BackendError(500, `${file}: "${key}"[${bad}] must be a JSON object; ${fix}`);
    }
  }
  return obj;
}

export interface StoreUpdate<T> {
  /** The new store content; omit to leave the file untouched. */
  next?: JsonObject;
  result: T;
}

/**
 * Lock, read the latest content, let `change` compute the next content, write it atomically, unlock.
 * `change` may throw (nothing is written). Runs `afterWrite` while still holding the lock.
 */
export async function updateJsonStore<T>(
  file: string,
  listKeys: string[],
  change: (current: JsonObject) => StoreUpdate<T> | Promise<StoreUpdate<T>>,
  opts: { lock?: LockOptions; afterWrite?: (result: T) => void | Promise<void> } = {},
): Promise<T> {
  return withLock(
    file,
    async () => {
      const current = readJsonStore(file, listKeys) ?? Object.fromEntries(listKeys.map((k) => [k, []]));
      const { next, result } = await change(current);
      if (next) {
        try {
          removeStaleTemporaries(file);
          writeFileAtomic(file, pythonStoreJson(next));
        } catch (error) {
          if (isDiskError(error)) throw diskFailure(file, 'write the store', error, 'its previous content is unchanged');
          throw error;
        }
      }
      if (opts.afterWrite) {
        try {
          await opts.afterWrite(result);
        } catch (error) {
          // The change is in the store already: say so, rather than let it look like nothing happened.
          if (next) {
            const why = error instanceof BackendError ? error.detail : diskReason(error);
            throw new BackendError(500, `${file}: the change was saved, but recording it failed: ${why}`);
          }
          throw error;
        }
      }
      return result;
    },
    opts.lock,
  );
}
