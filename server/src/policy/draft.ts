// CAVRA's draft normalization (SPEC 3.2, build_policy_pack_draft): the policy_pack every digest,
// plan and publish is computed from.
import { isMapping, pyStr, pyTruthy, type PyValue } from './pythonValues';

export const POLICY_SECTIONS = ['filesystem', 'commands', 'git', 'mcp', 'approvals', 'evidence', 'compliance'] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

export type PolicyPack = { metadata: { [key: string]: PyValue } } & { [section: string]: PyValue };

export class DraftError extends Error {}

/** Today's date as CAVRA stamps a missing version: YYYY.MM.DD in UTC. */
export function defaultVersion(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}.${p(now.getUTCMonth() + 1)}.${p(now.getUTCDate())}`;
}

/**
 * Builds the normalized policy_pack from a draft payload: metadata fields either top level or under
 * `metadata` (metadata wins), sections copied as given when they are mappings, everything else dropped.
 */
export function buildPolicyPack(payload: PyValue, now: Date = new Date()): PolicyPack {
  if (!isMapping(payload)) throw new DraftError('Policy must be a YAML object');
  const meta = isMapping(payload.metadata) ? payload.metadata : {};
  // CAVRA: `metadata.get(name) or payload.get(name)`: a falsy metadata value falls back to the top level.
  const field = (name: string): PyValue | undefined => (pyTruthy(meta[name]) ? meta[name] : payload[name]);
  const id = field('id');
  const title = field('title');
  const description = field('description');
  if (!pyTruthy(id) || !pyTruthy(title) || !pyTruthy(description)) {
    throw new DraftError('policy draft requires id, title, and description');
  }
  const version = field('version');
  const metadata: { [key: string]: PyValue } = {
    id: pyStr(id!),
    title: pyStr(title!),
    description: pyStr(description!),
    version: pyTruthy(version) ? pyStr(version!) : defaultVersion(now),
  };
  const inherits = field('inherits');
  if (pyTruthy(inherits)) metadata.inherits = inherits!;
  const mode = field('mode');
  if (pyTruthy(mode)) metadata.mode = mode!;
  const pack: PolicyPack = { metadata };
  for (const section of POLICY_SECTIONS) {
    const value = payload[section];
    if (isMapping(value)) pack[section] = value;
  }
  return pack;
}
