// Timestamps as CAVRA writes them (Python's `isoformat()`, microseconds, an offset) read back to epoch
// milliseconds. Pure, so the client, the CLI and both backends read an `expires_at` the same way.

/** Epoch ms of an ISO-8601 timestamp (Python isoformat included), or undefined. */
export function parseIsoTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}T${m[2]}${m[4] === undefined || m[4] === 'Z' ? 'Z' : m[4]}`);
  if (Number.isNaN(base)) return undefined;
  return base + (m[3] ? Number(m[3].padEnd(6, '0')) / 1000 : 0);
}

/** Python `isoformat()` of a UTC datetime. */
export function pyIsoformat(epochMs: number): string {
  const totalMicros = Math.round(epochMs * 1000);
  const ms = Math.floor(totalMicros / 1000);
  const micros = ((totalMicros % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = new Date(ms).toISOString().slice(0, 19);
  return micros === 0 ? `${seconds}+00:00` : `${seconds}.${String(micros).padStart(6, '0')}+00:00`;
}
