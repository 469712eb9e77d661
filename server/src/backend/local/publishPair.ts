// Writing `policy.yaml` and `policy.yaml.sig.json` as one unit. A reader must never find a policy
// with another policy's signature, and a failed publish must leave the previous pair as it was.
//
// Strategy (a small write-ahead journal beside the pair, `.publish-journal.json`):
//  1. both new files are written in full to temporary names in the pack folder and fsynced;
//  2. the current pair, if any, is hard-linked (or copied) to backup names;
//  3. the journal, naming the temporaries and backups, is written atomically: the commit point;
//  4. policy.yaml, then policy.yaml.sig.json, are renamed into place; the folder is fsynced;
//  5. the journal, then the backups, are removed.
// An error inside this process after step 3 rolls BACK: the backups are renamed over the targets (or
// a target that did not exist before is removed), then the journal and temporaries are deleted.
// A crash (the process killed) after step 3 is rolled FORWARD by the next access to the pack
// (`recoverPolicyPair`, called under the pack's lock before every read or write of it): each
// temporary still present is renamed into place, since both were complete before the journal
// existed. Without a journal, leftover temporaries are deleted (the pair was never touched).
import { copyFileSync, existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir, removeStaleTemporaries, writeFileAtomic, writeFileSynced } from '../store/atomicFile';

export const POLICY_FILE = 'policy.yaml';
export const SIGNATURE_FILE = 'policy.yaml.sig.json';
export const JOURNAL_FILE = '.publish-journal.json';

export type PublishStep = 'temporaries-written' | 'journal-written' | 'policy-renamed' | 'signature-renamed' | 'journal-removed';

/** Test hooks: called after each step; throwing simulates a failure there, process.exit a crash. */
export interface PublishHooks {
  afterStep?(step: PublishStep, packDir: string): void;
}

interface Journal {
  schema_version: 'cavra-studio.publish_journal.v1';
  token: string;
  policy_temp: string;
  signature_temp: string;
  policy_backup: string | null;
  signature_backup: string | null;
}

function tempName(target: string, token: string, kind: 'new' | 'old'): string {
  return `.${target}.${token}.${kind}`;
}

function backup(dir: string, target: string, token: string): string | null {
  const from = join(dir, target);
  if (!existsSync(from)) return null;
  const name = tempName(target, token, 'old');
  try {
    linkSync(from, join(dir, name));
  } catch {
    copyFileSync(from, join(dir, name));
  }
  return name;
}

const TEMPORARY = /^\.policy\.yaml(?:\.sig\.json)?\.[0-9a-f]+\.(?:new|old)$/;

/** Removes leftovers of interrupted publishes that never reached their journal. */
function removeStrayTemporaries(dir: string, keep: Set<string>): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (keep.has(name)) continue;
    if (TEMPORARY.test(name)) rmSync(join(dir, name), { force: true });
  }
}

/** True when an interrupted publish left a journal or temporaries in `dir` (cheap: no lock). */
export function needsRecovery(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((name) => name === JOURNAL_FILE || TEMPORARY.test(name));
}

export type RecoveryOutcome = 'clean' | 'rolled-forward' | 'temporaries-removed';

/** Finishes (rolls forward) a publish that was interrupted after its commit point. Call under the pack lock. */
export function recoverPolicyPair(dir: string): RecoveryOutcome {
  const journalPath = join(dir, JOURNAL_FILE);
  removeStaleTemporaries(journalPath);
  if (!existsSync(journalPath)) {
    const before = existsSync(dir) ? readdirSync(dir).length : 0;
    removeStrayTemporaries(dir, new Set());
    const after = existsSync(dir) ? readdirSync(dir).length : 0;
    return before === after ? 'clean' : 'temporaries-removed';
  }
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
  } catch {
    // The journal is written atomically, so an unreadable one was never committed: discard it.
    rmSync(journalPath, { force: true });
    removeStrayTemporaries(dir, new Set());
    return 'temporaries-removed';
  }
  for (const [temp, target] of [
    [journal.policy_temp, POLICY_FILE],
    [journal.signature_temp, SIGNATURE_FILE],
  ] as const) {
    if (existsSync(join(dir, temp))) renameSync(join(dir, temp), join(dir, target));
  }
  fsyncDir(dir);
  rmSync(journalPath, { force: true });
  fsyncDir(dir);
  removeStrayTemporaries(dir, new Set());
  return 'rolled-forward';
}

/**
 * Replaces the pair in `dir` with `policyBytes` and `signatureText`. Call under the pack lock, after
 * `recoverPolicyPair`. On an error the previous pair is restored and the error is rethrown.
 */
export function writePolicyPair(dir: string, policyBytes: Uint8Array, signatureText: string, hooks: PublishHooks = {}): void {
  const createdDir = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const token = randomBytes(6).toString('hex');
  const journal: Journal = {
    schema_version: 'cavra-studio.publish_journal.v1',
    token,
    policy_temp: tempName(POLICY_FILE, token, 'new'),
    signature_temp: tempName(SIGNATURE_FILE, token, 'new'),
    policy_backup: null,
    signature_backup: null,
  };
  const journalPath = join(dir, JOURNAL_FILE);
  let committed = false;
  const renamed: string[] = [];
  try {
    writeFileSynced(join(dir, journal.policy_temp), policyBytes);
    writeFileSynced(join(dir, journal.signature_temp), signatureText);
    journal.policy_backup = backup(dir, POLICY_FILE, token);
    journal.signature_backup = backup(dir, SIGNATURE_FILE, token);
    fsyncDir(dir);
    hooks.afterStep?.('temporaries-written', dir);
    writeFileAtomic(journalPath, `${JSON.stringify(journal, null, 2)}\n`);
    committed = true;
    hooks.afterStep?.('journal-written', dir);
    renameSync(join(dir, journal.policy_temp), join(dir, POLICY_FILE));
    renamed.push(POLICY_FILE);
    hooks.afterStep?.('policy-renamed', dir);
    renameSync(join(dir, journal.signature_temp), join(dir, SIGNATURE_FILE));
    renamed.push(SIGNATURE_FILE);
    fsyncDir(dir);
    hooks.afterStep?.('signature-renamed', dir);
    rmSync(journalPath, { force: true });
    fsyncDir(dir);
    hooks.afterStep?.('journal-removed', dir);
  } catch (error) {
    if (committed && existsSync(journalPath)) {
      // Roll back: targets first (a crash during this still leaves a journal that completes the publish).
      for (const [target, backupName] of [
        [POLICY_FILE, journal.policy_backup],
        [SIGNATURE_FILE, journal.signature_backup],
      ] as const) {
        if (!renamed.includes(target)) continue;
        if (backupName) renameSync(join(dir, backupName), join(dir, target));
        else rmSync(join(dir, target), { force: true });
      }
      fsyncDir(dir);
      rmSync(journalPath, { force: true });
    }
    removeStrayTemporaries(dir, new Set());
    fsyncDir(dir);
    if (createdDir) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty (a lock file of a waiting writer, say): leave it
      }
    }
    throw error;
  }
  removeStrayTemporaries(dir, new Set());
}
