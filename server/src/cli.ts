// `cavra-policy`: the same core as the language server, for CI pipelines and other editors.
// Exit codes: 0 success (no errors), 1 findings or a failed operation, 2 bad usage or unreadable input.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { analyze } from './language/languageService';
import { PackCatalog } from './language/packCatalog';
import { buildPolicyPack, DraftError } from './policy/draft';
import { policyDigest } from './policy/digest';
import { loadPolicyValue } from './policy/policyYaml';
import { policySummary } from './policy/summary';
import { pathToFileURL } from 'node:url';

class UsageError extends Error {}

const USAGE = `Usage: cavra-policy <command> [options]

Commands:
  validate <file>...      Check policy files; prints file:line:col: severity code: message
  summary <file>          CAVRA's policy summary (policy_id, title, version, inherits, mode, rule_counts)
  digest <file>           The draft digest CAVRA binds approvals to (sha256:<hex>)

Options:
  --json                  Machine-readable output on stdout
  --policy-dir DIR        Policy root for inherits checks (default: $CAVRA_POLICY_DIR, else ./policies)
  -h, --help              This help

Exit codes: 0 ok, 1 errors found or operation failed, 2 bad usage or unreadable input.`;

interface Parsed {
  command: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--policy-dir']);
const BOOL_FLAGS = new Set(['--json', '-h', '--help']);

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command) throw new UsageError('missing command');
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('-')) {
      const [name, inline] = a.split(/=(.*)/s, 2);
      if (VALUE_FLAGS.has(name)) {
        const v = inline ?? rest[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        flags.set(name, v);
      } else if (BOOL_FLAGS.has(name)) flags.set(name, true);
      else throw new UsageError(`unknown option ${name}`);
    } else positionals.push(a);
  }
  return { command, positionals, flags };
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function policyRoot(flags: Parsed['flags']): string {
  const dir = flags.get('--policy-dir');
  return resolve(typeof dir === 'string' ? dir : process.env.CAVRA_POLICY_DIR || 'policies');
}

const SEVERITY: Record<number, string> = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };

function validate(p: Parsed, out: (s: string) => void): number {
  if (!p.positionals.length) throw new UsageError('validate needs at least one file');
  const catalog = new PackCatalog();
  catalog.scan([policyRoot(p.flags)]);
  const rows: { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[] = [];
  const texts = p.positionals.map((f) => [f, readInput(f)] as const);
  for (const [file, text] of texts) {
    const abs = resolve(file);
    const a = analyze(pathToFileURL(abs).href, 0, text, { file: abs, catalog });
    for (const d of a.diagnostics) {
      rows.push({ file, line: d.range.start.line + 1, column: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1, severity: SEVERITY[d.severity ?? 1], code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value });
    }
  }
  if (p.flags.has('--json')) out(JSON.stringify(rows, null, 2));
  else for (const r of rows) out(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}`);
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}

function single(p: Parsed): [string, string] {
  if (p.positionals.length !== 1) throw new UsageError(`${p.command} needs exactly one file`);
  const file = p.positionals[0];
  return [file, readInput(file)];
}

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): number {
  try {
    if (!argv.length || argv[0] === '-h' || argv[0] === '--help') {
      out(USAGE);
      return argv.length ? 0 : 2;
    }
    const p = parseArgs(argv);
    if (p.flags.has('--help') || p.flags.has('-h')) {
      out(USAGE);
      return 0;
    }
    switch (p.command) {
      case 'validate':
        return validate(p, out);
      case 'summary': {
        const [file, text] = single(p);
        const summary = policySummary(loadPolicyValue(text, file));
        out(p.flags.has('--json') ? JSON.stringify(summary, null, 2) : Object.entries(summary).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
        return 0;
      }
      case 'digest': {
        const [file, text] = single(p);
        const digest = policyDigest(buildPolicyPack(loadPolicyValue(text, file)));
        out(p.flags.has('--json') ? JSON.stringify({ file, policy_digest: digest }) : digest);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${p.command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cavra-policy: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof DraftError) {
      err(`cavra-policy: ${e.message}`);
      return 1;
    }
    err(`cavra-policy: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
