// The append-only, hash-chained evidence log (`.cavra/evidence.jsonl`): one JSON record per line, each
// carrying the hash of the one before it, so an edited, removed or reordered record breaks the chain
// at a place `verifyEvidenceLog` can name. A small head file (`evidence.head.json`, rewritten
// atomically after each append) remembers the last seq and hash, so cutting records off the end is
// caught too. Lines are canonical JSON (sorted keys, ASCII), the text the record hash is taken over.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  appendFileSync,
  ftruncateSync,
  mkdirSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../../policy/canonicalJson';
import type { PyValue } from '../../policy/pythonValues';
import { STUDIO_SCHEMA_VERSIONS, type ActorContext, type EvidenceRecord, type EvidenceVerifyResult } from '../backend';
import { removeStaleTemporaries, writeFileAtomic } from '../store/atomicFile';
import { diskFailure, isDiskError } from '../store/diskError';
import { withLock, type LockOptions } from '../store/lock';

import { GENESIS_HASH, recordHash } from './recordHash';

export { GENESIS_HASH, recordHash };

/** What a mutation tells the log; seq, time and hashes are added by the log. */
export interface EvidenceEntry {
  event: string;
  actor: string | null;
  actor_context?: ActorContext | null;
  approval_ids?: string[];
  digests?: { [name: string]: string };
  details?: { [key: string]: unknown };
}

export interface EvidenceLogOptions {
  /** Python isoformat of now. */
  now: () => string;
  lock?: LockOptions;
}

export function headPathFor(file: string): string {
  return file.replace(/\.jsonl$/, '') + '.head.json';
}

/** The last complete line of the file and the file's length; torn tail bytes (no final newline) apart. */
function lastLine(fd: number): { line: string | undefined; size: number; completeSize: number } {
  const size = fstatSync(fd).size;
  if (size === 0) return { line: undefined, size, completeSize: 0 };
  let chunk = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl < 0) {
      if (start === 0) return { line: undefined, size, completeSize: 0 };
      chunk *= 4;
      continue;
    }
    const completeSize = start + lastNl + 1;
    const prevNl = buf.lastIndexOf(0x0a, lastNl - 1);
    if (prevNl < 0 && start > 0) {
      chunk *= 4;
      continue;
    }
    return { line: buf.subarray(prevNl + 1, lastNl).toString('utf8'), size, completeSize };
  }
}

function countLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  return text.split('\n').length - 1;
}

export class EvidenceLog {
  constructor(
    readonly file: string,
    private readonly opts: EvidenceLogOptions,
  ) {}

  get headFile(): string {
    return headPathFor(this.file);
  }

  /** Appends one record under the log's lock (callers holding a store lock take it after theirs). */
  async append(entry: EvidenceEntry): Promise<EvidenceRecord> {
    return withLock(
      this.file,
      () => {
        try {
          return this.appendLocked(entry);
        } catch (error) {
          if (isDiskError(error))
            throw diskFailure(
              this.file,
              'append the evidence record',
              error,
              `run cavra-policy evidence verify once it is fixed`,
            );
          throw error;
        }
      },
      this.opts.lock,
    );
  }

  /**
   * Appends `entry`, first `preamble.entry` when `preamble.needed` says the log as it stands needs it:
   * both under one lock, so two writers never record the preamble twice.
   */
  async appendWith(
    entry: EvidenceEntry,
    preamble: { needed: (records: EvidenceRecord[]) => boolean; entry: EvidenceEntry },
  ): Promise<EvidenceRecord> {
    return withLock(
      this.file,
      () => {
        try {
          if (preamble.needed(this.read())) this.appendLocked(preamble.entry);
          return this.appendLocked(entry);
        } catch (error) {
          if (isDiskError(error))
            throw diskFailure(
              this.file,
              'append the evidence record',
              error,
              `run cavra-policy evidence verify once it is fixed`,
            );
          throw error;
        }
      },
      this.opts.lock,
    );
  }

  private appendLocked(entry: EvidenceEntry): EvidenceRecord {
    mkdirSync(dirname(this.file), { recursive: true });
    const fd = openSync(this.file, existsSync(this.file) ? 'r+' : 'w+');
    let record: EvidenceRecord;
    try {
      const tail = lastLine(fd);
      if (tail.size > tail.completeSize) {
        // A write cut short by a crash: keep its bytes aside for the auditor, then continue the chain
        // from the last complete record.
        const torn = Buffer.alloc(tail.size - tail.completeSize);
        readSync(fd, torn, 0, torn.length, tail.completeSize);
        appendFileSync(`${this.file}.torn`, Buffer.concat([torn, Buffer.from('\n')]));
        ftruncateSync(fd, tail.completeSize);
      }
      let seq = 1;
      let prev = GENESIS_HASH;
      if (tail.line !== undefined) {
        try {
          const last = JSON.parse(tail.line) as EvidenceRecord;
          seq = Number(last.seq) + 1;
          prev = String(last.record_hash);
        } catch {
          // The last line was damaged by hand; chain to its bytes so verify still points at it.
          seq = countLines(this.file) + 1;
          prev = `sha256:${bytesToHex(sha256(utf8ToBytes(tail.line)))}`;
        }
      }
      const body: Omit<EvidenceRecord, 'record_hash'> = {
        schema_version: STUDIO_SCHEMA_VERSIONS.evidenceRecord,
        seq,
        recorded_at: this.opts.now(),
        event: entry.event,
        actor: entry.actor,
        actor_context: entry.actor_context ? { ...entry.actor_context, groups: [...entry.actor_context.groups] } : null,
        approval_ids: entry.approval_ids ?? [],
        digests: entry.digests ?? {},
        details: entry.details ?? {},
        prev_hash: prev,
      };
      record = { ...body, record_hash: recordHash(body) };
      const line = Buffer.from(`${canonicalJson(record as unknown as PyValue)}\n`, 'utf8');
      const end = fstatSync(fd).size;
      let offset = 0;
      while (offset < line.length) offset += writeSync(fd, line, offset, line.length - offset, end + offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    removeStaleTemporaries(this.headFile);
    writeFileAtomic(this.headFile, `${JSON.stringify({ seq: record.seq, record_hash: record.record_hash })}\n`);
    return record;
  }

  /** Every record, for display (lines that do not parse are skipped). */
  read(): EvidenceRecord[] {
    if (!existsSync(this.file)) return [];
    const out: EvidenceRecord[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as EvidenceRecord);
      } catch {
        // reported by verify
      }
    }
    return out;
  }

  verify(): EvidenceVerifyResult {
    return verifyEvidenceLog(this.file);
  }
}

/** Checks the chain and names the first record that was altered, removed or reordered. */
export function verifyEvidenceLog(file: string): EvidenceVerifyResult {
  const result = (ok: boolean, records: number, message: string, bad?: { line: number; seq: number }): EvidenceVerifyResult => ({
    schema_version: STUDIO_SCHEMA_VERSIONS.evidenceVerify,
    ok,
    file,
    records,
    ...(bad ? { first_bad_line: bad.line, first_bad_seq: bad.seq } : {}),
    message,
  });
  const headFile = headPathFor(file);
  let head: { seq: number; record_hash: string } | undefined;
  if (existsSync(headFile)) {
    try {
      head = JSON.parse(readFileSync(headFile, 'utf8')) as typeof head;
    } catch {
      return result(false, 0, `${headFile} is not valid JSON: the head of the evidence chain was altered`);
    }
  }
  if (!existsSync(file)) {
    if (head && head.seq > 0)
      return result(false, 0, `${file} is missing, but ${headFile} says it held ${head.seq} record(s): the log was removed`, {
        line: 1,
        seq: 1,
      });
    return result(true, 0, 'no evidence recorded yet');
  }
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  let prev = GENESIS_HASH;
  let prevLine = 0;
  const hashes: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    let record: EvidenceRecord;
    try {
      record = JSON.parse(lines[i]) as EvidenceRecord;
      if (typeof record !== 'object' || record === null) throw new Error('not an object');
    } catch {
      return result(false, i, `line ${n} is not a valid evidence record (not JSON): it was altered`, { line: n, seq: n });
    }
    if (record.record_hash !== recordHash(record)) {
      return result(false, i, `line ${n} (seq ${record.seq}) was altered: its content does not match its record_hash`, {
        line: n,
        seq: n,
      });
    }
    if (record.seq !== n) {
      const what =
        typeof record.seq === 'number' && record.seq > n
          ? `record seq ${n}${record.seq > n + 1 ? `-${record.seq - 1}` : ''} was removed`
          : 'records were reordered or duplicated';
      return result(false, i, `line ${n} holds seq ${record.seq} where seq ${n} belongs: ${what}`, { line: n, seq: n });
    }
    if (record.prev_hash !== prev) {
      return result(
        false,
        i,
        `line ${n} (seq ${n}) does not chain to line ${prevLine}: record seq ${prevLine} was altered and re-hashed, or records were replaced`,
        { line: Math.max(prevLine, 1), seq: Math.max(prevLine, 1) },
      );
    }
    hashes.push(record.record_hash);
    prev = record.record_hash;
    prevLine = n;
  }
  const count = lines.length;
  if (torn !== '') {
    return result(
      false,
      count,
      `line ${count + 1} is incomplete (a write was interrupted or the line was cut); the next append sets it aside in ${file}.torn`,
      { line: count + 1, seq: count + 1 },
    );
  }
  if (head) {
    if (head.seq > count) {
      return result(
        false,
        count,
        `the log ends at seq ${count} but ${headFile} says seq ${head.seq} was written: record seq ${count + 1}${head.seq > count + 1 ? `-${head.seq}` : ''} was removed`,
        { line: count + 1, seq: count + 1 },
      );
    }
    if (head.seq >= 1 && hashes[head.seq - 1] !== head.record_hash) {
      return result(false, count, `record seq ${head.seq} does not match the hash in ${headFile}: it was altered and re-hashed`, {
        line: head.seq,
        seq: head.seq,
      });
    }
  }
  return result(true, count, `${count} evidence record(s), chain intact`);
}
