// The approvals bound to a pack, for find references: the records of the local approval store
// (`.cavra/approvals.json`, or the configured store) whose decision names the pack: a publish request
// (`decision.policy_id`) or a runtime decision the pack made (`decision.policy_pack`). Read once per
// file stamp. A remote backend's approvals live on the server and are not listed.
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver-types';
import type { ApprovalLocations } from '../language/references';
import { localApprovalStorePath } from './approvalStorePath';
import type { WorkflowSettings } from './workspaceSettings';

interface Bound {
  packs: string[];
  location: Location;
}

export class StoreApprovalLocations implements ApprovalLocations {
  private read: { file: string; stamp: string; bound: Bound[] } | undefined;

  constructor(private readonly where: () => { settings: WorkflowSettings; folder: string }) {}

  boundTo(packId: string): Location[] {
    return this.records()
      .filter((b) => b.packs.includes(packId))
      .map((b) => b.location);
  }

  private storeFile(): string | undefined {
    const { settings, folder } = this.where();
    return localApprovalStorePath(settings, folder);
  }

  private records(): Bound[] {
    const file = this.storeFile();
    if (!file) return [];
    let stamp: string;
    try {
      const stat = statSync(file);
      stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
    } catch {
      return [];
    }
    if (this.read?.file === file && this.read.stamp === stamp) return this.read.bound;
    let bound: Bound[] = [];
    try {
      bound = boundRecords(readFileSync(file, 'utf8'), pathToFileURL(file).href);
    } catch {
      // An unreadable store lists no approvals; the approvals view reports what is wrong with it.
    }
    this.read = { file, stamp, bound };
    return bound;
  }
}

/** Each record's `"approval_id"` line in the store text, with the packs its decision names. */
export function boundRecords(text: string, uri: string): Bound[] {
  const items = (JSON.parse(text) as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  const out: Bound[] = [];
  let from = 0;
  let line = 0;
  for (const item of items as Record<string, unknown>[]) {
    const id = item?.approval_id;
    if (typeof id !== 'string') continue;
    const decision = (item.decision ?? {}) as Record<string, unknown>;
    const packs = [decision.policy_id, decision.policy_pack].filter((p): p is string => typeof p === 'string');
    // The store is written one key per line (indent 2): the record's approval_id line is its place.
    const written = `"approval_id": ${JSON.stringify(id)}`;
    const at = text.indexOf(written, from);
    if (at < 0) continue;
    // Lines are counted from the previous record on, so a big store is read in one pass.
    for (let i = text.indexOf('\n', from); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    from = at + 1;
    const character = at - (text.lastIndexOf('\n', at - 1) + 1);
    const end = character + written.length;
    if (packs.length)
      out.push({ packs, location: { uri, range: { start: { line, character }, end: { line, character: end } } } });
  }
  return out;
}
