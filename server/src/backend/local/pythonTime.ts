// Time as CAVRA writes it: `datetime.now(timezone.utc).isoformat()`, microseconds included (and left
// out when zero, as Python does). The clock is injectable so tests are deterministic.
import { randomBytes } from 'node:crypto';

/** Milliseconds since the epoch, fractions allowed (microsecond resolution). */
export type Clock = () => number;

/** Wall-clock time with sub-millisecond resolution, so records made in one millisecond still sort. */
export const systemClock: Clock = () => performance.timeOrigin + performance.now();

export { parseIsoTimestamp, pyIsoformat } from '../../policy/isoTimestamp';

/** `n` random lowercase hex characters (CAVRA: uuid4().hex[:12]). */
export type RandomHex = (n: number) => string;

export const systemRandomHex: RandomHex = (n) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
