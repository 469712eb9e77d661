// Our own parser rather than node:util parseArgs or commander: neither has did-you-mean, number bounds,
// repeated-flag refusal and common options inherited with a warning where they do not apply, in ~250 lines.
// The command line parser: each command declares its flags and arguments, and every mistake gets a
// message that names the flag or argument and the fix. Flag *values* are never echoed, except numbers
// and choices, because a value may be a secret (`--key`).

/** Bad usage: exit 2, the command's usage printed after the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input file that cannot be read or parsed: exit 2, without usage. */
export class InputError extends Error {
  override name = 'InputError';
}

export type FlagKind = 'bool' | 'string' | 'int' | 'choice';

export interface FlagSpec {
  name: `--${string}`;
  kind: FlagKind;
  /** Shown in help after the flag name (e.g. `ID`, `PATH`). */
  value?: string;
  help: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** May be given more than once (values collected in order). */
  repeatable?: boolean;
  /** Mandatory for the command. */
  required?: boolean;
}

export interface PositionalSpec {
  /** Names shown in usage, e.g. ['ID'] or ['FILE...']. */
  names: string[];
  min: number;
  max: number;
  /** Message when fewer than `min` are given. */
  missing: string;
  /** Message when more than `max` are given. */
  extra?: string;
}

export type OptionValue = string | number | boolean | string[];

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, OptionValue>;
  /** Common options given that do not apply to the command: accepted, dropped, and warned about. */
  ignored: string[];
}

/**
 * The flags a command accepts: its own, plus every common option (defined once, for all commands). The
 * common options in `applies` are used; any other common option is accepted with a warning and dropped,
 * so a CI script that passes the same `--root` or `--url` to every command never breaks on one of them.
 */
export interface CommandFlags {
  own: readonly FlagSpec[];
  common: readonly FlagSpec[];
  applies: ReadonlySet<string>;
}

const NUMBER = /^-?\d+$/;

/**
 * Parses `tokens` (the arguments after the command words) against `flags`. `command` names the
 * command in messages. `-h`/`--help` are handled by the caller before this runs.
 */
export function parseFlags(
  tokens: readonly string[],
  commandFlags: CommandFlags,
  positional: PositionalSpec,
  command: string,
): ParsedArgs {
  const flags = mergeFlags(commandFlags, command);
  const byName = new Map(flags.map((f) => [f.name, f]));
  const positionals: string[] = [];
  const options = new Map<string, OptionValue>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === '--') {
      positionals.push(...tokens.slice(i + 1));
      break;
    }
    if (!isFlagToken(token)) {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq < 0 ? token : token.slice(0, eq);
    const spec = byName.get(name as FlagSpec['name']);
    if (!spec) throw new UsageError(unknownFlag(name, flags, command));
    let raw: string | undefined;
    if (spec.kind === 'bool') {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
    } else if (eq >= 0) {
      raw = token.slice(eq + 1);
    } else {
      const next = tokens[i + 1];
      // `--reason --actor x` is a forgotten value, not a reason of "--actor".
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`${name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
      }
      raw = next;
      i++;
    }
    const value = spec.kind === 'bool' ? true : convert(spec, raw!);
    if (spec.repeatable) {
      options.set(name, [...((options.get(name) as string[] | undefined) ?? []), String(value)]);
    } else if (options.has(name)) {
      throw new UsageError(`${name} is given more than once`);
    } else {
      options.set(name, value);
    }
  }
  for (const spec of flags) {
    if (spec.required && !options.has(spec.name)) {
      throw new UsageError(`${command} needs ${spec.name}${spec.value ? ` ${spec.value}` : ''}`);
    }
  }
  if (positionals.length < positional.min) throw new UsageError(positional.missing);
  if (positionals.length > positional.max) {
    throw new UsageError(positional.extra ?? `${command} takes ${describeCount(positional)}, got ${positionals.length}`);
  }
  const ignored: string[] = [];
  for (const spec of commandFlags.common) {
    if (options.has(spec.name) && !commandFlags.applies.has(spec.name)) {
      options.delete(spec.name);
      ignored.push(spec.name);
    }
  }
  return { positionals, options, ignored };
}

/** The command's own flags, then every common option; a name defined twice is a programming error. */
export function mergeFlags(flags: CommandFlags, command: string): FlagSpec[] {
  const own = new Set(flags.own.map((f) => f.name));
  for (const f of flags.common) {
    if (own.has(f.name)) throw new Error(`${command} defines ${f.name}, which is a common option`);
  }
  for (const name of flags.applies) {
    if (!flags.common.some((f) => f.name === name)) throw new Error(`${command} applies ${name}, which is not a common option`);
  }
  return [...flags.own, ...flags.common];
}

/** `--x`, `--x=1`, `-h`; a lone `-` or a negative number is an argument. */
export function isFlagToken(token: string): boolean {
  return token.startsWith('-') && token.length > 1 && !NUMBER.test(token);
}

function convert(spec: FlagSpec, raw: string): string | number {
  if (spec.kind === 'int') {
    const trimmed = raw.trim();
    if (!NUMBER.test(trimmed)) throw new UsageError(`${spec.name} must be a whole number, got ${JSON.stringify(raw)}`);
    const n = Number(trimmed);
    if (!Number.isSafeInteger(n)) throw new UsageError(`${spec.name} is too large: ${trimmed}`);
    if (spec.min !== undefined && n < spec.min) throw new UsageError(`${spec.name} must be at least ${spec.min}, got ${n}`);
    if (spec.max !== undefined && n > spec.max) throw new UsageError(`${spec.name} must be at most ${spec.max}, got ${n}`);
    return n;
  }
  if (spec.kind === 'choice') {
    if (!spec.choices!.includes(raw)) {
      throw new UsageError(`${spec.name} must be one of: ${spec.choices!.join(', ')} (got ${JSON.stringify(raw)})`);
    }
    return raw;
  }
  if (raw === '') throw new UsageError(`${spec.name} needs a non-empty value`);
  return raw;
}

function describeCount(p: PositionalSpec): string {
  const names = p.names.join(' ');
  if (p.max === 0) return 'no arguments';
  if (p.min === p.max) return `${p.max === 1 ? 'one argument' : `${p.max} arguments`} (${names})`;
  return `at most ${p.max} argument${p.max === 1 ? '' : 's'} (${names})`;
}

function unknownFlag(name: string, flags: readonly FlagSpec[], command: string): string {
  const near = closest(
    name,
    flags.map((f) => f.name),
  );
  return `unknown option ${name} for ${command}${near ? ` (did you mean ${near}?)` : ''}`;
}

/** The candidate within two edits of `word`, if exactly one is closest. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = saved;
    }
  }
  return row[b.length];
}

/** Typed access to parsed options. */
export class Options {
  constructor(private readonly parsed: ParsedArgs) {}

  get positionals(): string[] {
    return this.parsed.positionals;
  }

  has(name: string): boolean {
    return this.parsed.options.has(name);
  }

  bool(name: string): boolean {
    return this.parsed.options.get(name) === true;
  }

  str(name: string): string | undefined {
    const v = this.parsed.options.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  int(name: string): number | undefined {
    const v = this.parsed.options.get(name);
    return typeof v === 'number' ? v : undefined;
  }

  list(name: string): string[] {
    const v = this.parsed.options.get(name);
    return Array.isArray(v) ? v : [];
  }
}
