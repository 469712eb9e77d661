// CAVRA writes sig.json from Python; these reproduce Python's output byte for byte so a file
// written here is indistinguishable from one written by `cavra policy sign`.

/** `datetime.now(timezone.utc).isoformat()`: microseconds, dropped entirely when zero. */
export function pythonUtcIsoformat(date: Date): string {
  const iso = date.toISOString(); // 2026-11-23T00:11:03.965Z
  const seconds = iso.slice(0, 19);
  const millis = date.getUTCMilliseconds();
  return millis === 0 ? `${seconds}+00:00` : `${seconds}.${String(millis * 1000).padStart(6, '0')}+00:00`;
}

/**
 * `json.dumps(value, indent=2)`: same layout as JSON.stringify(…, 2), but Python's default
 * ensure_ascii escapes everything outside printable ASCII (DEL and non-ASCII) as \uXXXX.
 */
export function pythonJsonDumps(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
