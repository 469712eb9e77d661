// How results look: JSON (2-space indent, the backend's key order) with --json, else short text blocks
// and tables for people.
import type { CommandContext } from './command';

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

/** Prints JSON with --json, else the human text. */
export function print(ctx: CommandContext, value: unknown, human: () => string | string[]): void {
  if (ctx.opts.bool('--json')) printJson(ctx, value);
  else {
    const text = human();
    const lines = Array.isArray(text) ? text : [text];
    ctx.out([...lines, ...(ctx.answeredBy ? [`(answered by ${ctx.answeredBy})`] : [])].join('\n'));
  }
}

/** `label  value` lines, labels padded; undefined values are left out, null shown as "-". */
export function fields(rows: [string, unknown][]): string[] {
  const shown = rows.filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length)) + 2;
  return shown.map(([k, v]) => `${k.padEnd(width)}${show(v)}`);
}

export function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.length ? value.join(', ') : '-';
  return JSON.stringify(value);
}

/** A plain text table; the last column is not padded. */
export function table(headers: string[], rows: unknown[][]): string[] {
  const cells = [headers, ...rows.map((r) => r.map(show))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** A titled list, or "(none)" when empty. */
export function list(title: string, items: readonly string[], bullet = '  '): string[] {
  return items.length ? [title, ...items.map((i) => `${bullet}${i}`)] : [`${title} (none)`];
}

/** `2026-11-24T13:13:10.871834+00:00` → `2026-11-24 13:13Z` for tables; anything else as it is. */
export function shortTime(value: unknown): string {
  if (typeof value !== 'string') return show(value);
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})[\d:.]*(?:\+00:00|Z)$/.exec(value);
  return m ? `${m[1]} ${m[2]}Z` : value;
}
