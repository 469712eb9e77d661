// Impact replay over a Backend, for the CLI (`impact`) and the editor (`cavra/impact`) alike: the published
// packs read through the backend, the log streamed from disk into the replay (policy/impact.ts), and each
// deciding list entry located (file and line) for the report.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { relative } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { DecisionLogReader, type DecisionLogSummary } from '../policy/decisionLog';
import { impactReplay, type EntryPlace, type ImpactReport, type ImpactSide } from '../policy/impact';
import { summarizeImpact, type ImpactSummary } from '../policy/impactSummary';
import { inheritsOf, type PolicyObject } from '../policy/inheritance';
import { isPolicyMode, POLICY_MODES, type PolicyMode } from '../policy/policyModes';
import { loadPolicyValue, parsePolicyYaml } from '../policy/policyYaml';
import { isMapping } from '../policy/pythonValues';
import { BackendError, type Backend } from './backend';

export interface ImpactDraft {
  packId: string;
  policy: PolicyObject;
  text: string;
  /** As shown to people. */
  file: string;
}

export interface ImpactReplayRequest {
  /** The decision log (absolute path). */
  logPath: string;
  draft?: ImpactDraft;
  modes?: { from?: PolicyMode; to?: PolicyMode };
  /** Published files are shown relative to this folder. */
  displayRoot: string;
  /** Bytes read so far and the log's size, as the log streams (for a progress bar). */
  onProgress?: (read: number, total: number) => void;
  /** Only the records of this pack and repository are replayed (a rollout's); the others are counted. */
  scope?: ImpactScope;
  /** Count the recorded actions each published entry decided (the editor's rule activity). */
  countRules?: boolean;
}

/** What a rollout covers: one repository's use of one pack (SPEC 3.7). */
export interface ImpactScope {
  policy_pack: string;
  repository: string;
}

/** A replay's answer: the log read, the report, the log's digest and how many records lay outside the scope. */
export interface ReplayResult {
  summary: DecisionLogSummary;
  report: ImpactReport;
  log_sha256: string;
  /** Records of other packs or repositories than the scope's (0 without a scope). */
  out_of_scope: number;
}

/**
 * A rollout change plan as a replay: its pack and repository's recorded decisions under the mode before
 * (none for a new rollout: the rules' own decision) against the mode after. Throws when a mode is not one
 * of SPEC 2.5's (CAVRA's rollout modes are the same four).
 */
export function rolloutReplay(plan: {
  before: { mode: string } | null;
  after: { mode: string; policy_pack: string; repository: string };
}): { modes: { from?: PolicyMode; to: PolicyMode }; scope: ImpactScope } {
  const from = plan.before?.mode;
  const to = plan.after.mode;
  for (const m of [from, to]) {
    if (m !== undefined && !isPolicyMode(m))
      throw new Error(`rollout mode ${JSON.stringify(m)} is not one of ${POLICY_MODES.join(', ')}`);
  }
  return {
    modes: { from: from as PolicyMode | undefined, to: to as PolicyMode },
    scope: { policy_pack: plan.after.policy_pack, repository: plan.after.repository },
  };
}

/** A pack's text as the replay reads it: the file shown, its policy or why it cannot be loaded. */
export interface PackText {
  text: string;
  file: string;
  policy?: PolicyObject;
  error?: string;
}

/** A policy file's YAML as CAVRA loads it, or why it cannot be. */
export function parseImpactPack(text: string, file: string): { policy?: PolicyObject; error?: string } {
  try {
    const value = loadPolicyValue(text, file);
    if (!isMapping(value)) return { error: `${file}: Policy must be a YAML object` };
    return { policy: value };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A draft for replay: its pack id is `metadata.id` (the pack it replaces). Throws a message naming the file. */
export function impactDraft(text: string, file: string): ImpactDraft {
  const parsed = parseImpactPack(text, file);
  if (!parsed.policy) throw new Error(parsed.error);
  const meta = isMapping(parsed.policy.metadata) ? parsed.policy.metadata : {};
  if (typeof meta.id !== 'string' || meta.id === '') {
    throw new Error(`${file}: metadata.id is missing: impact needs the id of the pack the draft replaces`);
  }
  return { packId: meta.id, policy: parsed.policy, text, file };
}

/** The line of `list`'s entry `index` in a pack's text (1-based), from the YAML tree. */
function entryLine(text: string, list: string, index: number): number | undefined {
  const node = parsePolicyYaml(text).doc.getIn([...list.split('.'), index], true) as
    { range?: [number, number, number] } | undefined;
  if (!node?.range) return undefined;
  let line = 1;
  for (let i = 0; i < node.range[0]; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A pack's parents, or none when its `inherits` is malformed (the merge then names the problem). */
function parentsOf(policy: PolicyObject): string[] {
  try {
    return inheritsOf(policy);
  } catch {
    return [];
  }
}

/** Every published pack (and what the draft inherits), read once through the backend. */
export async function publishedPacks(
  backend: Backend,
  draft: ImpactDraft | undefined,
  displayRoot: string,
): Promise<Map<string, PackText>> {
  const packs = new Map<string, PackText>();
  const queue: string[] = [
    ...(await backend.catalog()).items.map((i) => String(i.id)),
    ...(draft ? parentsOf(draft.policy) : []),
  ];
  while (queue.length) {
    const id = queue.shift()!;
    if (packs.has(id)) continue;
    let published;
    try {
      published = await backend.publishedPack(id);
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      packs.set(id, { text: '', file: id, error: e.detail });
      continue;
    }
    if (published.text === null) {
      packs.set(id, { text: '', file: id, error: published.unavailable ?? 'not published under the policy root' });
      continue;
    }
    const file = published.path ? relative(displayRoot, published.path) || published.path : id;
    const pack: PackText = { text: published.text, file, ...parseImpactPack(published.text, file) };
    packs.set(id, pack);
    if (pack.policy) queue.push(...parentsOf(pack.policy));
  }
  return packs;
}

/**
 * The replay of one log. The log streams through the reader into the replay: memory holds one record's text
 * at a time, never the file. Throws the file system's error when the log cannot be read.
 */
export async function replayDecisionLog(backend: Backend, request: ImpactReplayRequest): Promise<ReplayResult> {
  return replayOverPacks(await publishedPacks(backend, request.draft, request.displayRoot), request);
}

/** The replay against packs already read (the attestation's: the packs at a git base, the change as the draft). */
export async function replayOverPacks(packs: ReadonlyMap<string, PackText>, request: ImpactReplayRequest): Promise<ReplayResult> {
  const total = statSync(request.logPath).size;
  const { draft } = request;
  const replay = impactReplay({
    loadPublished: (id) => {
      const p = packs.get(id);
      if (!p?.policy) throw new Error(p?.error ?? 'not published under the policy root');
      return p.policy;
    },
    draft,
    modes: request.modes,
    countRules: request.countRules,
    locate: (side: ImpactSide, pack, list, index): EntryPlace | undefined => {
      const source = side === 'draft' && draft && pack === draft.packId ? draft : packs.get(pack);
      const line = source ? entryLine(source.text, list, index) : undefined;
      return source && line !== undefined ? { file: source.file, line } : undefined;
    },
  });
  const { scope } = request;
  let outOfScope = 0;
  const reader = new DecisionLogReader(
    scope
      ? (r) => {
          if (r.policy_pack === scope.policy_pack && r.repository === scope.repository) replay.add(r);
          else outOfScope++;
        }
      : (r) => replay.add(r),
  );
  // Node's own UTF-8 decoding (a character split across chunks is kept for the next one); the digest is of
  // the bytes, so a record of the impact names exactly which log it was measured on (sha256sum agrees).
  const stream = createReadStream(request.logPath, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  const hash = createHash('sha256');
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    reader.push(decoder.write(chunk as Buffer));
    request.onProgress?.(stream.bytesRead, total);
  }
  const rest = decoder.end();
  if (rest) reader.push(rest);
  return {
    summary: reader.end(),
    report: replay.report(),
    log_sha256: `sha256:${hash.digest('hex')}`,
    out_of_scope: outOfScope,
  };
}

/**
 * The impact summary that travels with a publish request, its evidence and the PR attestation: the same
 * replay, cut by policy/impactSummary.ts. `logName` is the log as the user named it (flag or setting).
 */
export async function impactSummaryOfLog(
  backend: Backend,
  request: ImpactReplayRequest & { logName: string },
): Promise<ImpactSummary> {
  const { summary, report, log_sha256 } = await replayDecisionLog(backend, request);
  return summarizeImpact(request.logName, log_sha256, summary, report);
}
