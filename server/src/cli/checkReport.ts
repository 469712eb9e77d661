// The forms `check` reports in for CI systems: SARIF 2.1.0 (code scanning), GitHub workflow commands
// (annotations on the file and line) and JUnit XML (the decision tests). Each follows its published
// format; the tests validate them with implementations this project did not write.
import type { DecisionTestReport } from '../backend/backend';
import { DIAGNOSTIC_CODES } from '../language/diagnosticCodes';

export type CheckLevel = 'error' | 'warning' | 'note';

export interface CheckFinding {
  /** Relative to the folder `check` ran in, with "/": what a CI job and code scanning resolve. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  level: CheckLevel;
  code: string;
  message: string;
  pack: string;
}

/** What each rule id means, for SARIF's rule list: the language server's codes and check's own. */
const CHECK_RULES: Record<string, string> = {
  signature: 'The published policy does not verify against its policy.yaml.sig.json with a trusted key.',
  'publish-provenance':
    'The published policy is not the one an approver approved: no publish record of these bytes, an approval bound to another digest, an unverified approver, a break-glass publish, or a pack published outside the studio.',
  'decision-test': 'A decision test case in policy.tests.yaml does not get the decision it expects.',
};

function ruleText(code: string): string {
  return CHECK_RULES[code] ?? (DIAGNOSTIC_CODES as Record<string, string>)[code] ?? code;
}

/** A SARIF 2.1.0 log (OASIS): one run, the rules that fired, one result per finding. */
export function renderSarif(findings: readonly CheckFinding[]): object {
  const rules = [...new Set(findings.map((f) => f.code))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cavra-policy',
            rules: rules.map((id) => ({ id, shortDescription: { text: ruleText(id) } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: rules.indexOf(f.code),
          level: f.level,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: f.line,
                  startColumn: f.column,
                  endLine: Math.max(f.endLine, f.line),
                  endColumn: f.endLine > f.line ? f.endColumn : Math.max(f.endColumn, f.column + 1),
                },
              },
            },
          ],
        })),
      },
    ],
  };
}

// GitHub's workflow command escaping: data escapes %, CR, LF; property values also ":" and ",".
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const COMMAND: Record<CheckLevel, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, one line per finding. */
export function renderGithub(findings: readonly CheckFinding[]): string[] {
  return findings.map((f) => {
    const props = [
      `file=${escapeProperty(f.file)}`,
      `line=${f.line}`,
      `col=${f.column}`,
      `endLine=${Math.max(f.endLine, f.line)}`,
      `endColumn=${f.endColumn}`,
      `title=${escapeProperty(`cavra ${f.code}`)}`,
    ];
    return `::${COMMAND[f.level]} ${props.join(',')}::${escapeData(f.message)}`;
  });
}

// XML 1.0 allows tab, LF, CR and characters from U+0020 on (less the surrogates' halves and U+FFFE/F).
const xmlText = (s: string) =>
  s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** The decision tests as JUnit XML: one testsuite per pack, one testcase per case, a failure for each failed one. */
export function renderJunit(reports: readonly DecisionTestReport[], shownFile: (file: string) => string): string {
  const tests = reports.reduce((n, r) => n + r.cases.length, 0);
  const failures = reports.reduce((n, r) => n + r.failed, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cavra-policy decision tests" tests="${tests}" failures="${failures}" errors="0">`,
  ];
  for (const r of reports) {
    const file = shownFile(r.file);
    lines.push(
      `  <testsuite name="${xmlText(r.policy_pack)}" tests="${r.cases.length}" failures="${r.failed}" errors="0" skipped="0" file="${xmlText(file)}">`,
    );
    for (const c of r.cases) {
      const attrs = `name="${xmlText(c.name)}" classname="${xmlText(r.policy_pack)}" file="${xmlText(file)}"${c.line ? ` line="${c.line}"` : ''}`;
      if (c.passed) {
        lines.push(`    <testcase ${attrs}/>`);
        continue;
      }
      const message = c.message ?? 'the decision differs from the expected one';
      const detail = `expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`;
      lines.push(
        `    <testcase ${attrs}>`,
        `      <failure message="${xmlText(message)}" type="decision-test">${xmlText(detail)}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
