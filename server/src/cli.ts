// `cavra-policy`: the same core as the language server, for CI pipelines, terminals and other editors.
// This file finds the command, parses its flags and turns failures into exit codes; the commands live
// in ./cli/ (one file per family).
// Exit codes: 0 success (no errors), 1 findings or a failed operation, 2 bad usage or unreadable input.
import { BackendError } from './backend/backend';
import { DraftError } from './policy/draft';
import { InputError, Options, UsageError, closest, isFlagToken, parseFlags } from './cli/args';
import { BACKEND_FLAGS, EXIT_CODES, JSON_FLAG, columns, commandHelp, type CommandContext, type CommandDef } from './cli/command';
import { approvalCommands } from './cli/approval';
import { evaluateCommands } from './cli/evaluate';
import { evidenceCommands } from './cli/evidence';
import { keyCommands } from './cli/keys';
import { publishCommands } from './cli/publish';
import { rolloutCommands } from './cli/rollout';
import { validateCommands } from './cli/validate';
import { SecretMask, describeBackendError } from './cli/backendFactory';

export { UsageError, InputError } from './cli/args';

const COMMANDS: CommandDef[] = [
  ...validateCommands, ...publishCommands, ...approvalCommands, ...keyCommands, ...rolloutCommands, ...evaluateCommands,
  ...evidenceCommands,
];

const FAMILIES = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];

function usage(): string {
  return [
    'Usage: cavra-policy <command> [options]',
    '',
    'Commands:',
    ...columns(COMMANDS.map((c) => [c.name, c.summary.split(/(?<=[.;:])\s/)[0].replace(/[.:;]$/, '')] as [string, string])),
    '',
    'Common options (each command lists its own with --help):',
    ...columns([
      ['--json', 'Machine-readable output on stdout'],
      ...BACKEND_FLAGS.map((f) => [`${f.name}${f.value ? ` ${f.value}` : ''}`, f.help] as [string, string]),
      ['-h, --help', 'This help; <command> --help for a command\'s options'],
    ]),
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

/** Flags allowed before the command word: the shared ones (e.g. `cavra-policy --root ws catalog`). */
const LEADING_FLAGS = new Map([...BACKEND_FLAGS, JSON_FLAG].map((f) => [f.name as string, f]));

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
      if (name === '-h' || name === '--help') continue;
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
  if (words.length < 2) return { family: first, rest };
  const sub = argv[words[1]];
  const def = COMMANDS.find((c) => c.name === `${first} ${sub}`);
  if (!def) {
    const names = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.split(' ')[1]);
    throw new FamilyUsage(first, `unknown ${first} subcommand ${sub}; expected one of: ${names.join(', ')}`);
  }
  return { def, family: first, rest };
}

class FamilyUsage extends UsageError {
  constructor(readonly family: string, message: string) {
    super(message);
  }
}

function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

/**
 * Runs one command line. Returns the exit code, directly for synchronous commands (validate, summary,
 * digest, keygen, sign, verify) and as a promise for those that go through a backend: `await` it.
 */
export function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
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
  const fail = (e: unknown): number => reportFailure(e, def, safeErr);
  try {
    const located = locate(argv);
    def = located.def;
    if (wantsHelp(argv)) {
      out(def ? commandHelp(def) : located.family ? familyHelp(located.family) : usage());
      return 0;
    }
    if (!def) {
      if (located.family) throw new FamilyUsage(located.family, `${located.family} needs a subcommand`);
      throw new UsageError('missing command');
    }
    const opts = new Options(parseFlags(located.rest, def.flags, def.positionals, def.name));
    const ctx: CommandContext = { opts, out: safeOut, err: safeErr, env, cwd, hideSecret: (secret) => mask.add(secret) };
    const code = def.run(ctx);
    return typeof code === 'number' ? code : code.catch(fail);
  } catch (e) {
    return fail(e);
  }
}

function reportFailure(e: unknown, def: CommandDef | undefined, err: (s: string) => void): number {
  if (e instanceof FamilyUsage) {
    err(`cavra-policy: ${e.message}\n\n${familyHelp(e.family)}`);
    return 2;
  }
  if (e instanceof UsageError) {
    const hint = def
      ? `Usage: cavra-policy ${def.name}${def.synopsis ? ` ${def.synopsis}` : ''}\nSee: cavra-policy ${def.name} --help`
      : usage();
    err(`cavra-policy: ${e.message}\n\n${hint}`);
    return 2;
  }
  if (e instanceof InputError) {
    err(`cavra-policy: ${e.message}`);
    return 2;
  }
  if (e instanceof BackendError) {
    err(`cavra-policy: ${describeBackendError(e)}`);
    return 1;
  }
  if (e instanceof DraftError) {
    err(`cavra-policy: ${e.message}`);
    return 1;
  }
  err(`cavra-policy: ${(e as Error)?.message ?? String(e)}`);
  return 1;
}

if (require.main === module) {
  Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
