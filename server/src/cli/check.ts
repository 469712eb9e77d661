// `cavra-policy check`: the CI gate over a whole policy root (issue 15, section 5). Every pack valid
// (the language server's checks, as `validate`), every published pack verified along the whole chain
// (as `verify`: signature, publish record, approval, digest, approver), every decision test passing (as
// `test`). Exit 0 only when all hold. Findings are printed as text, JSON, SARIF 2.1.0 or GitHub workflow
// commands (checkReport.ts); `--junit FILE` writes the decision tests as JUnit XML.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { DecisionTestReport } from '../backend/backend';
import { writeFileAtomic } from '../backend/store';
import { PackCatalog } from '../language/packCatalog';
import type { Provenance } from '../policy/publishProvenance';
import type { FlagSpec } from './args';
import { openBackend, policyRootOf, requireWorkspaceOperation } from './backendFactory';
import type { CommandContext, CommandDef } from './command';
import { renderGithub, renderJunit, renderSarif, type CheckFinding, type CheckLevel } from './checkReport';
import { readBytes } from './input';
import { MAX_FILE_SIZE_FLAG } from './input';
import { checkFileSignature, DEFAULT_KEY_DIRECTORY, HMAC_KEY_FLAG } from './keys';
import { print } from './output';
import { fileProvenance, publishedInLog } from './provenance';
import { fileFindings } from './validate';

const ALLOW_OUTSIDE = '--allow-published-outside-studio';

export interface PackCheck {
  policy_id: string;
  file: string;
  /** No error from the language server's checks. */
  valid: boolean;
  /** A signature beside it, or a publish of it in the evidence log. */
  published: boolean;
  signature_ok: boolean | null;
  signature_message: string | null;
  provenance: Provenance | null;
}

export interface CheckResult {
  schema_version: 'cavra-studio.check.v1';
  ok: boolean;
  policy_root: string;
  packs: PackCheck[];
  decision_tests: DecisionTestReport[];
  findings: CheckFinding[];
}

/** Paths as a CI job sees them: relative to the folder it runs in, with "/". */
function shown(ctx: CommandContext, path: string): string {
  return (relative(ctx.cwd, path) || path).split('\\').join('/');
}

function packFolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'policy.yaml')))
    .map((e) => e.name)
    .sort();
}

/** What the chain's outcome makes of a published pack: passes, flagged, or fails the gate. */
function chainLevel(p: Provenance, allowOutside: boolean): CheckLevel | null {
  if (p.outcome === 'pass') return null;
  if (p.outcome === 'flag') return 'warning';
  if (p.outcome === 'notice') return allowOutside ? 'note' : 'error';
  return 'error';
}

async function check(ctx: CommandContext): Promise<number> {
  const root = policyRootOf(ctx);
  const catalog = new PackCatalog();
  catalog.scan([root]);
  const allowOutside = ctx.opts.bool(ALLOW_OUTSIDE);
  const findings: CheckFinding[] = [];
  const packs: PackCheck[] = [];
  for (const id of packFolders(root)) {
    const abs = join(root, id, 'policy.yaml');
    const file = shown(ctx, abs);
    const lint = fileFindings(ctx, file, catalog);
    for (const f of lint) {
      const level: CheckLevel = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'note';
      findings.push({ ...f, level, pack: id });
    }
    const bytes = readBytes(file, ctx.cwd);
    const { result } = checkFileSignature(ctx, file, bytes);
    const signatureFound = result.ok || result.problem !== undefined;
    const chain = fileProvenance(ctx, file, bytes, signatureFound ? result : null);
    // Unsigned and never published here: a draft in the root, checked for validity only.
    const published = signatureFound || publishedInLog(ctx, file);
    const at = { file, line: 1, column: 1, endLine: 1, endColumn: 1, pack: id };
    if (published) {
      if (!result.ok) {
        findings.push({
          ...at,
          level: 'error',
          code: 'signature',
          message: `${id}: the signature does not verify: ${result.message}`,
        });
      } else {
        const level = chainLevel(chain, allowOutside);
        if (level) {
          const hint =
            chain.state === 'published-outside-studio' && !allowOutside
              ? ` (pass ${ALLOW_OUTSIDE} to accept packs published by CAVRA itself or before the studio recorded publishes)`
              : '';
          findings.push({ ...at, level, code: 'publish-provenance', message: `${id}: ${chain.label}: ${chain.message}${hint}` });
        }
      }
    }
    packs.push({
      policy_id: id,
      file,
      valid: !lint.some((f) => f.severity === 'error'),
      published,
      signature_ok: published ? result.ok : null,
      signature_message: published ? result.message : null,
      provenance: published ? chain : null,
    });
  }

  const opened = await openBackend(ctx, 'check');
  const reports = await requireWorkspaceOperation(opened, 'runDecisionTests', 'check')({});
  for (const report of reports) {
    for (const c of report.cases) {
      if (c.passed) continue;
      const line = c.line ?? 1;
      findings.push({
        file: shown(ctx, resolve(ctx.cwd, report.file)),
        line,
        column: 1,
        endLine: line,
        endColumn: 1,
        level: 'error',
        code: 'decision-test',
        message: `${report.policy_pack}: decision test "${c.name}" failed: ${c.message ?? 'the decision differs from the expected one'}`,
        pack: report.policy_pack,
      });
    }
  }

  const ok = !findings.some((f) => f.level === 'error');
  const junit = ctx.opts.str('--junit');
  if (junit)
    writeFileAtomic(
      resolve(ctx.cwd, junit),
      renderJunit(reports, (f) => shown(ctx, resolve(ctx.cwd, f))),
    );
  const result: CheckResult = {
    schema_version: 'cavra-studio.check.v1',
    ok,
    policy_root: shown(ctx, root),
    packs,
    decision_tests: reports,
    findings,
  };
  const format = ctx.opts.bool('--json') ? 'json' : (ctx.opts.str('--format') ?? 'text');
  if (format === 'json') print(ctx, result, () => '');
  else if (format === 'sarif') ctx.out(JSON.stringify(renderSarif(findings), null, 2));
  else if (format === 'github') {
    const lines = renderGithub(findings);
    if (lines.length) ctx.out(lines.join('\n'));
    ctx.out(summary(result));
  } else {
    for (const f of findings) ctx.out(`${f.file}:${f.line}:${f.column}: ${f.level} ${f.code}: ${f.message}`);
    ctx.out(summary(result));
  }
  return ok ? 0 : 1;
}

/** The closing line: what was checked, and whether the gate passed. */
function summary(r: CheckResult): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const published = r.packs.filter((p) => p.published);
  const byState = (state: string) => published.filter((p) => p.provenance?.state === state).length;
  const cases = r.decision_tests.reduce((n, t) => n + t.cases.length, 0);
  const failedCases = r.decision_tests.reduce((n, t) => n + t.failed, 0);
  const errors = r.findings.filter((f) => f.level === 'error').length;
  return (
    `${r.ok ? 'OK' : 'FAILED'}: ${count(r.packs.length, 'pack')} (${r.packs.filter((p) => p.valid).length} valid), ` +
    `${published.length} published (${byState('verified')} verified, ${byState('break-glass-publish')} break-glass, ` +
    `${byState('published-outside-studio')} outside the studio), ${count(cases, 'decision test')} (${failedCases} failed)` +
    (r.ok ? '' : `; ${count(errors, 'error')}`)
  );
}

const FORMAT_FLAG: FlagSpec = {
  name: '--format',
  kind: 'choice',
  value: 'text|json|sarif|github',
  choices: ['text', 'json', 'sarif', 'github'],
  help: 'Output: text (default), json (as --json), sarif (SARIF 2.1.0 for code scanning), github (workflow commands)',
};

export const checkCommands: CommandDef[] = [
  {
    name: 'check',
    synopsis: `[--format text|json|sarif|github] [--junit FILE] [${ALLOW_OUTSIDE}]`,
    summary:
      'The CI gate over the policy root: every pack valid, every published pack verified along the whole chain, every decision test passing.',
    details:
      'Each pack is <policy-dir>/<pack-id>/policy.yaml. Valid: no error from the checks validate runs.\n' +
      'Published (a signature beside it, or a publish of it in the evidence log): the signature verifies with the\n' +
      `trusted keys (--public-key, else the *.public.pem in --key-dir, default <root>/${DEFAULT_KEY_DIRECTORY}; HS256 with\n` +
      '--key or $CAVRA_POLICY_SIGNING_KEY), and the chain holds as verify checks it. A break-glass publish passes with a\n' +
      `warning; a pack published outside the studio fails unless ${ALLOW_OUTSIDE} is given.\n` +
      'Decision tests: every policies/<pack-id>/policy.tests.yaml case passes, as test runs them.\n' +
      '--format github prints ::error / ::warning / ::notice workflow commands on the file and line of each finding;\n' +
      '--format sarif prints a SARIF 2.1.0 log for code scanning upload. Exit 0 only when there is no error finding.',
    positionals: { names: [], min: 0, max: 0, missing: '', extra: 'check takes no arguments: it checks the whole policy root' },
    flags: [
      FORMAT_FLAG,
      { name: '--junit', kind: 'string', value: 'FILE', help: 'Also write the decision tests as JUnit XML to FILE' },
      {
        name: ALLOW_OUTSIDE,
        kind: 'bool',
        help: 'Accept published packs the evidence log has no publish of (published by CAVRA itself or before the studio)',
      },
      {
        name: '--key-dir',
        kind: 'string',
        value: 'DIR',
        help: `Signing key directory whose *.public.pem are trusted (default: <root>/${DEFAULT_KEY_DIRECTORY})`,
      },
      {
        name: '--public-key',
        kind: 'string',
        value: 'PEM',
        repeatable: true,
        help: 'Trusted Ed25519 public key file; when given, only these are trusted',
      },
      HMAC_KEY_FLAG,
      MAX_FILE_SIZE_FLAG,
    ],
    common: ['--root', '--policy-dir', '--store', '--oidc-config', '--rbac-file', '--backend'],
    run: check,
  },
];
