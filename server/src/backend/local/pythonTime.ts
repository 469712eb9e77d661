// Time as CAVRA writes it: `datetime.now(timezone.utc).isoformat()`, microseconds included (and left
// out when zero, as Python does). The clock is injectable so tests are deterministic.
import { randomBytes } from 'node:crypto';

/** Milliseconds since the epoch, fractions allowed (microsecond resolution). */
export type Clock = () => number;

/** Wall-clock time with sub-millisecond resolution, so records made in one millisecond still sort. */
export const systemClock: Clock = () => performance.timeOrigin + performance.now();

/** Python `isoformat()` of a UTC datetime. */
export function pyIsoformat(epochMs: number): string {
  const totalMicros = Math.round(epochMs * 1000);
  const ms = Math.floor(totalMicros / 1000);
  const micros = ((totalMicros % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = new Date(ms).toISOString().slice(0, 19);
  return micros === 0 ? `${seconds}+00:00` : `${seconds}.${String(micros).padStart(6, '0')}+00:00`;
}

/** Epoch ms of an ISO-8601 timestamp (Python isoformat included), or undefined. */
export function parseIsoTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}T${m[2]}${m[4] === undefined || m[4] === 'Z' ? 'Z' : m[4]}`);
  if (Number.isNaN(base)) return undefined;
  return base + (m[3] ? Number(m[3].padEnd(6, '0')) / 1000 : 0);
}

/** `n` random lowercase hex characters (CAVRA: uuid4().hex[:12]). */
export type RandomHex = (n: number) => string;

export const systemRandomHex: RandomHex = (n) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
