// `cavra-policy`: the same core as the language server, for CI pipelines, terminals and other editors.
// This file finds the command, parses its flags and turns failures into exit codes; the commands live
// in ./cli/ (one file per family).
// Exit codes: 0 success (no errors), 1 findings or a failed operation, 2 bad usage or unreadable input.
// With --json every failure is also printed on stdout as {"error": {...}} (see JsonError).
import { version as PACKAGE_VERSION } from '../../package.json';
import { BackendError } from './backend/backend';
import { DraftError } from './policy/draft';
import { InputError, Options, UsageError, closest, isFlagToken, parseFlags } from './cli/args';
import {
  BACKEND_PRECEDENCE,
  COMMON_OPTIONS,
  EXIT_CODES,
  columns,
  commandHelp,
  flagsOf,
  type CommandContext,
  type CommandDef,
} from './cli/command';
import { approvalCommands } from './cli/approval';
import { attestCommands } from './cli/attest';
import { bundleCommands } from './cli/bundle';
import { checkCommands } from './cli/check';
import { evaluateCommands } from './cli/evaluate';
import { evidenceCommands } from './cli/evidence';
import { impactCommands } from './cli/impact';
import { keyCommands } from './cli/keys';
import { publishCommands } from './cli/publish';
import { rolloutCommands } from './cli/rollout';
import { validateCommands } from './cli/validate';
import { SecretMask, describeBackendError, statusOf } from './cli/backendFactory';

export { UsageError, InputError } from './cli/args';

const COMMANDS: CommandDef[] = [
  ...validateCommands,
  ...publishCommands,
  ...approvalCommands,
  ...keyCommands,
  ...rolloutCommands,
  ...evaluateCommands,
  ...evidenceCommands,
  ...bundleCommands,
  ...attestCommands,
  ...checkCommands,
  ...impactCommands,
];

const FAMILIES = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];

function usage(): string {
  return [
    'Usage: cavra-policy <command> [options]',
    '',
    'Commands:',
    ...columns(COMMANDS.map((c) => [c.name, c.summary.split(/(?<=[.;:])\s/)[0].replace(/[.:;]$/, '')] as [string, string])),
    '',
    'Common options (every command accepts them, before or after the command word; <command> --help',
    'lists the ones it uses, and the others are ignored with a warning):',
    ...columns([
      ...COMMON_OPTIONS.map((f) => [`${f.name}${f.value ? ` ${f.value}` : ''}`, f.help] as [string, string]),
      ['-h, --help', "This help; <command> --help for a command's options"],
      ['--version', 'The version of cavra-policy'],
    ]),
    '',
    BACKEND_PRECEDENCE,
    '',
    EXIT_CODES,
  ].join('\n');
}

function familyHelp(family: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${family} `));
  return [
    `Usage: cavra-policy ${family} <${members.map((c) => c.name.split(' ')[1]).join('|')}> [options]`,
    '',
    ...columns(members.map((c) => [c.name, c.summary] as [string, string])),
    '',
    `Run cavra-policy ${family} <subcommand> --help for its options.`,
  ].join('\n');
}

/** Flags allowed before the command word: the common ones (e.g. `cavra-policy --root ws catalog`). */
const LEADING_FLAGS = new Map(COMMON_OPTIONS.map((f) => [f.name as string, f]));

interface Located {
  def?: CommandDef;
  family?: string;
  rest: string[];
}

/** Finds the command words (skipping leading shared flags) and returns the other tokens. */
function locate(argv: string[]): Located {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const token = argv[i];
    if (token === '--') break;
    if (isFlagToken(token)) {
      if (words.length) continue;
      const name = token.split('=')[0];
      if (name === '-h' || name === '--help' || name === '--version') continue;
      const spec = LEADING_FLAGS.get(name);
      if (!spec) throw new UsageError(`unknown option ${name} before the command (command options go after it)`);
      if (spec.kind !== 'bool' && !token.includes('=')) i++;
      continue;
    }
    words.push(i);
    if (words.length === 1 && !FAMILIES.includes(token)) break;
  }
  const rest = argv.filter((_, i) => !words.includes(i));
  if (!words.length) return { rest };
  const first = argv[words[0]];
  if (!FAMILIES.includes(first)) {
    const def = COMMANDS.find((c) => c.name === first);
    if (!def) {
      const near = closest(first, [...COMMANDS.map((c) => c.name.split(' ')[0])]);
      throw new UsageError(`unknown command ${first}${near ? ` (did you mean ${near}?)` : ''}`);
    }
    return { def, rest };
  }
  const sub = words.length < 2 ? undefined : argv[words[1]];
  const def = COMMANDS.find((c) => c.name === `${first} ${sub}`);
  // A family that is also a command (`attest`, `attest verify`): a word that names no subcommand is
  // the command's own (a flag's value), not a subcommand.
  const own = COMMANDS.find((c) => c.name === first);
  if (own && !def) return { def: own, rest: argv.filter((_, i) => i !== words[0]) };
  if (sub === undefined) return { family: first, rest };
  if (!def) {
    const names = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.split(' ')[1]);
    throw new FamilyUsage(first, `unknown ${first} subcommand ${sub}; expected one of: ${names.join(', ')}`);
  }
  return { def, family: first, rest };
}

class FamilyUsage extends UsageError {
  constructor(
    readonly family: string,
    message: string,
  ) {
    super(message);
  }
}

function beforeDashDash(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

function wantsHelp(argv: string[]): boolean {
  return beforeDashDash(argv).some((a) => a === '-h' || a === '--help');
}

/** `--json` anywhere on the line: failures are then printed as JSON too, even a usage error. */
function wantsJson(argv: string[]): boolean {
  return beforeDashDash(argv).includes('--json');
}

/**
 * Lines to one of the process's streams. A reader that stops early (`validate … | head`) closes the
 * pipe: what is left to print is dropped and the command ends as it would have (its own exit code, no
 * mutation cut short), instead of dying on an unhandled EPIPE with a stack trace.
 */
function linesTo(stream: NodeJS.WriteStream): (s: string) => void {
  let lines = writers.get(stream);
  if (!lines) {
    let closed = false;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed = true;
    });
    lines = (s) => {
      if (!closed) stream.write(`${s}\n`);
    };
    writers.set(stream, lines);
    // A pipe takes 64 KB at a time: a command printing faster than its reader reads (validate's tens of
    // thousands of findings) would otherwise queue all of it in memory until it returns.
    backlogs.set(lines, () => (closed || !stream.writableNeedDrain ? undefined : roomIn(stream)));
  }
  return lines;
}

/** Resolves once the stream has taken what was queued, or is gone (closed, failed). */
function roomIn(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}

/** One writer per stream, however many command lines run in this process (tests run many). */
const writers = new Map<NodeJS.WriteStream, (s: string) => void>();
/** Per writer of a stream: what to await before printing more (CommandContext.drained). */
const backlogs = new WeakMap<(s: string) => void, () => Promise<void> | undefined>();

/**
 * Runs one command line. Returns the exit code, directly for synchronous commands (validate, summary,
 * digest, keygen, sign, verify) and as a promise for those that go through a backend, and for validate
 * when it printed to a stream whose reader is behind (it waits for it): `await` it.
 */
export function main(
  argv: string[],
  out: (s: string) => void = linesTo(process.stdout),
  err: (s: string) => void = linesTo(process.stderr),
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): number | Promise<number> {
  if (!argv.length) {
    out(usage());
    return 2;
  }
  let def: CommandDef | undefined;
  // Secrets (the API token) are masked in everything printed, whatever produced the text.
  const mask = new SecretMask(env, argv);
  const safeOut = (s: string) => out(mask.apply(s));
  const safeErr = (s: string) => err(mask.apply(s));
  const json = wantsJson(argv);
  const fail = (e: unknown): number => reportFailure(e, def, safeErr, json ? safeOut : undefined);
  try {
    const located = locate(argv);
    def = located.def;
    if (wantsHelp(argv)) {
      out(def ? commandHelp(def) : located.family ? familyHelp(located.family) : usage());
      return 0;
    }
    if (!def && !located.family && beforeDashDash(argv).includes('--version')) {
      out(json ? JSON.stringify({ name: 'cavra-policy', version: PACKAGE_VERSION }) : `cavra-policy ${PACKAGE_VERSION}`);
      return 0;
    }
    if (!def) {
      if (located.family) throw new FamilyUsage(located.family, `${located.family} needs a subcommand`);
      throw new UsageError('missing command');
    }
    const parsed = parseFlags(located.rest, flagsOf(def), def.positionals, def.name);
    for (const flag of parsed.ignored) safeErr(`cavra-policy: warning: ${flag} does not apply to ${def.name}; ignored`);
    const opts = new Options(parsed);
    const ctx: CommandContext = {
      opts,
      out: safeOut,
      err: safeErr,
      drained: backlogs.get(out),
      env,
      cwd,
      hideSecret: (secret) => mask.add(secret),
    };
    const code = def.run(ctx);
    return typeof code === 'number' ? code : code.catch(fail);
  } catch (e) {
    return fail(e);
  }
}

/**
 * The --json failure shape, one for every command and every failure:
 * `{"error": {"kind", "exit_code", "status", "message", "detail", "command"}}` where kind is usage |
 * input | backend | failed, exit_code is the process's exit code, status is the HTTP status of a
 * backend refusal (CAVRA's status; the local backend uses the same ones; null when no server
 * answered), message is what stderr says, and command is the command words or null.
 */
export interface JsonError {
  error: {
    kind: 'usage' | 'input' | 'backend' | 'failed';
    exit_code: 1 | 2;
    status: number | null;
    message: string;
    /** The backend's own words (CAVRA's `detail`) for a backend refusal, else null. */
    detail: string | null;
    command: string | null;
  };
}

function reportFailure(e: unknown, def: CommandDef | undefined, err: (s: string) => void, jsonOut?: (s: string) => void): number {
  const report = (
    kind: JsonError['error']['kind'],
    code: 1 | 2,
    message: string,
    text: string,
    status: number | null = null,
    detail: string | null = null,
  ): 1 | 2 => {
    err(text);
    const shape: JsonError = { error: { kind, exit_code: code, status, message, detail, command: def?.name ?? null } };
    jsonOut?.(JSON.stringify(shape, null, 2));
    return code;
  };
  if (e instanceof FamilyUsage) return report('usage', 2, e.message, `cavra-policy: ${e.message}\n\n${familyHelp(e.family)}`);
  if (e instanceof UsageError) {
    const hint = def
      ? `Usage: cavra-policy ${def.name}${def.synopsis ? ` ${def.synopsis}` : ''}\nSee: cavra-policy ${def.name} --help`
      : usage();
    return report('usage', 2, e.message, `cavra-policy: ${e.message}\n\n${hint}`);
  }
  if (e instanceof InputError) return report('input', 2, e.message, `cavra-policy: ${e.message}`);
  if (e instanceof BackendError) {
    const message = describeBackendError(e);
    return report('backend', 1, message, `cavra-policy: ${message}`, statusOf(e), e.detail);
  }
  const message = e instanceof DraftError ? e.message : ((e as Error)?.message ?? String(e));
  return report('failed', 1, message, `cavra-policy: ${message}`);
}
