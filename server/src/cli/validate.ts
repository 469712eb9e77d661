// validate, summary, digest: the language server's checks and CAVRA's summary and draft digest, offline.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { analyzePackFile } from '../language/languageService';
import { PackCatalog } from '../language/packCatalog';
import { buildPolicyPack } from '../policy/draft';
import { policyDigest } from '../policy/digest';
import { loadPolicyValue } from '../policy/policyYaml';
import { policySummary } from '../policy/summary';
import type { CommandContext, CommandDef } from './command';
import { policyRootOf } from './backendFactory';
import { DEFAULT_MAX_FILE_SIZE_MB, MAX_FILE_SIZE_FLAG, PolicyInputRefused, readPolicyText } from './input';
import { printJson } from './output';

const SEVERITY: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

/** One file's findings as `validate` reports them (`check` runs the same on every pack). */
export function fileFindings(ctx: CommandContext, file: string, catalog: PackCatalog): Finding[] {
  const maxMb = ctx.opts.int('--max-file-size-mb');
  let text: string;
  try {
    // Editors do not count a byte-order mark as a column, so neither do the positions printed here.
    text = readPolicyText(file, ctx.cwd, maxMb).replace(/^\uFEFF/, '');
  } catch (e) {
    // A file that was not checked must not pass: too large or not UTF-8 is an error finding (exit 1).
    if (!(e instanceof PolicyInputRefused)) throw e;
    return [
      {
        file,
        line: e.line,
        column: 1,
        endLine: e.line,
        endColumn: 1,
        severity: 'error',
        code: e.code,
        message: e.message,
      },
    ];
  }
  const abs = resolve(ctx.cwd, file);
  const a = analyzePackFile(
    pathToFileURL(abs).href,
    text,
    { file: abs, catalog },
    { maxFileSize: (maxMb ?? DEFAULT_MAX_FILE_SIZE_MB) * 1024 * 1024 },
  );
  return a.diagnostics.map((d) => ({
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: SEVERITY[d.severity ?? 1],
    code: String(d.code),
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
}

function validate(ctx: CommandContext): number | Promise<number> {
  const catalog = new PackCatalog();
  catalog.scan([policyRootOf(ctx)]);
  if (ctx.opts.bool('--json')) {
    const rows = ctx.opts.positionals.flatMap((file) => fileFindings(ctx, file, catalog));
    printJson(ctx, rows);
    return rows.some((r) => r.severity === 'error') ? 1 : 0;
  }
  // Each file's lines printed once it is checked, in one write (a workspace's inherited findings run to
  // tens of thousands of lines): nothing of a file is held while the next ones are checked, and when the
  // reader is behind (a pipe), the next file waits for it rather than piling the output up in memory.
  const files = ctx.opts.positionals;
  const counts = new Map<string, number>();
  const from = (start: number): number | Promise<number> => {
    for (let i = start; i < files.length; i++) {
      const rows = fileFindings(ctx, files[i], catalog);
      for (const r of rows) counts.set(r.severity, (counts.get(r.severity) ?? 0) + 1);
      if (!rows.length) continue;
      ctx.out(rows.map((r) => `${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}`).join('\n'));
      const room = ctx.drained?.();
      if (room) return room.then(() => from(i + 1));
    }
    const failed = (counts.get('error') ?? 0) > 0;
    if (!failed) ctx.out(okLine(files.length, counts));
    return failed ? 1 : 0;
  };
  return from(0);
}

/** The one line printed when no file has an error, so a clean run is not silent. */
function okLine(files: number, counts: Map<string, number>): string {
  const count = (severity: string, word: string) => {
    const n = counts.get(severity) ?? 0;
    return n ? `, ${n} ${word}${n === 1 ? '' : 's'}` : '';
  };
  return `OK: ${files} file${files === 1 ? '' : 's'} checked, no errors${count('warning', 'warning')}${count('info', 'note')}${count('hint', 'hint')}`;
}

const oneFile = (command: string) => ({
  names: ['<file>'],
  min: 1,
  max: 1,
  missing: `${command} needs exactly one file`,
  extra: `${command} needs exactly one file`,
});

export const validateCommands: CommandDef[] = [
  {
    name: 'validate',
    synopsis: '<file>...',
    summary: 'Check policy files; prints file:line:col: severity code: message',
    positionals: { names: ['<file>...'], min: 1, max: Infinity, missing: 'validate needs at least one file' },
    flags: [MAX_FILE_SIZE_FLAG],
    common: ['--root', '--policy-dir'],
    run: validate,
  },
  {
    name: 'summary',
    synopsis: '<file>',
    summary: "CAVRA's policy summary (policy_id, title, version, inherits, mode, rule_counts)",
    positionals: oneFile('summary'),
    flags: [MAX_FILE_SIZE_FLAG],
    common: [],
    run(ctx) {
      const file = ctx.opts.positionals[0];
      const summary = policySummary(loadPolicyValue(readPolicyText(file, ctx.cwd, ctx.opts.int('--max-file-size-mb')), file));
      if (ctx.opts.bool('--json')) printJson(ctx, summary);
      else
        ctx.out(
          Object.entries(summary)
            .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
            .join('\n'),
        );
      return 0;
    },
  },
  {
    name: 'digest',
    synopsis: '<file>',
    summary: 'The draft digest CAVRA binds approvals to (sha256:<hex>)',
    positionals: oneFile('digest'),
    flags: [MAX_FILE_SIZE_FLAG],
    common: [],
    run(ctx) {
      const file = ctx.opts.positionals[0];
      const digest = policyDigest(
        buildPolicyPack(loadPolicyValue(readPolicyText(file, ctx.cwd, ctx.opts.int('--max-file-size-mb')), file)),
      );
      ctx.out(ctx.opts.bool('--json') ? JSON.stringify({ file, policy_digest: digest }) : digest);
      return 0;
    },
  },
];
