// Whole-file writes that are never seen half done: the bytes go to a temporary file in the same
// folder, are flushed to disk (fsync), and the temporary file is renamed over the target; the folder
// is then flushed so the rename itself survives a power cut.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A temporary name beside `file`, unique to this process and call. */
export function tempPathFor(file: string, tag = 'tmp'): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.${tag}`);
}

/**
 * Removes temporaries of `file` left by writers that were killed between writing and renaming them.
 * Call only while holding `file`'s lock: every writer of `file` writes its temporary under that lock,
 * so any temporary found then belongs to a writer that is gone.
 */
export function removeStaleTemporaries(file: string, tag = 'tmp'): void {
  const prefix = `.${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  const pattern = new RegExp(`^\\d+\\.[0-9a-f]{8}\\.${tag}$`);
  for (const name of names) {
    if (name.startsWith(prefix) && pattern.test(name.slice(prefix.length))) rmSync(join(dirname(file), name), { force: true });
  }
}

/** Writes and fsyncs `data` to `file` (created or truncated). */
export function writeFileSynced(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'w', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a folder so renames and unlinks inside it are durable (not supported on Windows: skipped). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; its rename is already durable enough.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** temp + fsync + rename + fsync(folder). Creates the folder when missing. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = tempPathFor(file);
  try {
    writeFileSynced(temp, data);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dirname(file));
}
