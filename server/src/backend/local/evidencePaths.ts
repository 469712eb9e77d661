// Evidence records name files relative to the workspace, so a log moved or cloned with its repository
// still reads right. Records written before this rule hold absolute paths; the chain is append-only, so
// they stay as written, and the switch is recorded once, as a record of its own, before the first
// record with relative paths is appended to such a log.
import { isAbsolute, relative } from 'node:path';
import type { EvidenceRecord } from '../api';
import type { EvidenceEntry } from '../evidence';

export const PATHS_SWITCH_EVENT = 'evidence_paths_relative';

/** A path as evidence records it: relative to the workspace (with "/"), or as given when outside it. */
export function evidencePath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : file;
}

/** The log holds absolute paths of the old rule, and no record of the switch yet. */
export function needsPathsSwitch(records: readonly EvidenceRecord[]): boolean {
  let absolute = false;
  for (const r of records) {
    if (r.event === PATHS_SWITCH_EVENT) return false;
    const path = r.details?.policy_path;
    if (typeof path === 'string' && isAbsolute(path)) absolute = true;
  }
  return absolute;
}

export function pathsSwitchEntry(root: string): EvidenceEntry {
  return {
    event: PATHS_SWITCH_EVENT,
    actor: null,
    details: {
      root,
      reason:
        'records from here on name files relative to the workspace; earlier records keep the absolute paths they were written with (the chain is never rewritten)',
    },
  };
}
