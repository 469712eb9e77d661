// Decision test cases kept next to a pack: `policies/<pack-id>/policy.tests.yaml`. Each case names an
// action and a target and what CAVRA must decide; running them evaluates every case against the pack
// with its inheritance merged, exactly as `evaluate` does, and reports each case like a test suite.
//
//   # policies/cavra-payments/policy.tests.yaml
//   cases:
//     - name: secrets are never read            # optional; default "<action> <target>"
//       action: read_file                       # read_file | write_file | execute_command | git_operation | mcp_tool_call
//       target: .env                            # mcp_tool_call: "server:tool"; git_operation: the ref pushed to
//       expect:
//         decision: block                       # at least one of decision / rule_id
//         rule_id: filesystem.read.block
//         severity: high                        # optional
//         approver_group: Platform Security     # optional (null for none)
//     - action: git_operation
//       operation: push                         # optional, default push
//       target: origin/main
//       expect: {decision: block, rule_id: git.protected_branch.block_direct_push}
//
// A bare list of cases (without `cases:`) is accepted too.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { evaluateAction, isEvaluateAction } from '../../policy/evaluate';
import { parsePolicyYaml } from '../../policy/policyYaml';
import { compareCodePoints } from '../../policy/policyDiff';
import { DECISION_TESTS_FILE } from '../../policy/decisionTestsFile';
import { isMapping, pyStr, type PyValue } from '../../policy/pythonValues';
import {
  BackendError,
  STUDIO_SCHEMA_VERSIONS,
  type DecisionTestCase,
  type DecisionTestCaseResult,
  type DecisionTestReport,
} from '../backend';
import { isSafePackId, type PolicyRegistry } from './policyRegistry';

export { DECISION_TESTS_FILE };
const EXPECT_FIELDS = ['decision', 'rule_id', 'severity', 'approver_group'] as const;

function lineOf(text: string, offset: number | undefined): number | undefined {
  if (offset === undefined) return undefined;
  return text.slice(0, offset).split('\n').length;
}

interface ParsedCase {
  testCase: DecisionTestCase;
  line?: number;
  problem?: string;
}

/** Reads a tests file; a file that is not a list of cases is a 400 naming the file and the place. */
export function parseDecisionTests(text: string, file: string): ParsedCase[] {
  const parsed = parsePolicyYaml(text);
  const err = parsed.doc.errors[0];
  if (err) throw new BackendError(400, `${file}: invalid YAML: ${err.message}`);
  const value = parsed.value;
  let list: PyValue[];
  let seqNode: Node | null | undefined = parsed.doc.contents;
  if (Array.isArray(value)) list = value;
  else if (isMapping(value) && Array.isArray(value.cases)) {
    list = value.cases;
    seqNode = isMap(seqNode) ? seqNode.get('cases', true) : undefined;
  } else {
    throw new BackendError(400, `${file}: expected "cases:" with a list of decision test cases (action, target, expect)`);
  }
  const nodes = isSeq(seqNode) ? seqNode.items : [];
  return list.map((item, index) => {
    const node = nodes[index] as Node | undefined;
    const line = lineOf(text, node?.range?.[0]);
    const where = `case ${index + 1}${line ? ` (line ${line})` : ''}`;
    if (!isMapping(item))
      return {
        testCase: { action: '', target: '', expect: {} },
        line,
        problem: `${where} must be a mapping with action, target and expect`,
      };
    const expect = isMapping(item.expect) ? item.expect : {};
    const testCase: DecisionTestCase = {
      name: typeof item.name === 'string' ? item.name : undefined,
      action: pyStr(item.action ?? ''),
      target: pyStr(item.target ?? ''),
      server: typeof item.server === 'string' ? item.server : undefined,
      tool: typeof item.tool === 'string' ? item.tool : undefined,
      operation: typeof item.operation === 'string' ? item.operation : undefined,
      expect: Object.fromEntries(
        EXPECT_FIELDS.filter((f) => f in expect).map((f) => [f, expect[f] === null ? null : pyStr(expect[f] as PyValue)]),
      ),
    };
    let problem: string | undefined;
    if (!isEvaluateAction(testCase.action))
      problem = `${where}: action must be one of read_file, write_file, execute_command, git_operation, mcp_tool_call (got ${JSON.stringify(testCase.action)})`;
    else if (!('expect' in item) || (!('decision' in testCase.expect) && !('rule_id' in testCase.expect)))
      problem = `${where}: expect needs at least a decision or a rule_id`;
    return { testCase, line, problem };
  });
}

function runCases(policy: { [key: string]: PyValue }, packId: string, cases: ParsedCase[]): DecisionTestCaseResult[] {
  let n = 0;
  const ctx = { timestamp: '1970-01-01T00:00:00+00:00', randomHex12: () => (n++).toString(16).padStart(12, '0') };
  return cases.map(({ testCase, line, problem }) => {
    const name = testCase.name ?? `${testCase.action} ${testCase.target}`;
    const base = { name, action: testCase.action, target: testCase.target, expected: testCase.expect, ...(line ? { line } : {}) };
    if (problem) return { ...base, passed: false, actual: null, message: problem };
    const d = evaluateAction(
      policy,
      {
        action_type: testCase.action,
        target: testCase.target,
        policy_pack: packId,
        server: testCase.server,
        tool: testCase.tool,
        operation: testCase.operation,
      },
      ctx,
    );
    const actual = { decision: d.decision, rule_id: d.rule_id, severity: d.severity, approver_group: d.approver_group };
    const mismatches = EXPECT_FIELDS.filter((f) => f in testCase.expect && testCase.expect[f] !== actual[f]).map(
      (f) => `${f}: expected ${JSON.stringify(testCase.expect[f])}, got ${JSON.stringify(actual[f])}`,
    );
    return mismatches.length
      ? { ...base, passed: false, actual, message: `${mismatches.join('; ')} (${d.reason})` }
      : { ...base, passed: true, actual };
  });
}

/** Runs the tests of one pack, or of every pack that has a tests file. */
export async function runDecisionTests(registry: PolicyRegistry, packId?: string): Promise<DecisionTestReport[]> {
  let ids: string[];
  if (packId) {
    // Read nothing outside the policy root: `../x` would name a tests file anywhere.
    if (!isSafePackId(packId))
      throw new BackendError(
        400,
        `Policy pack '${packId}' is not a safe pack id: it must name one folder under the policy root.`,
      );
    ids = [packId];
    if (!existsSync(join(registry.packDir(packId), DECISION_TESTS_FILE))) {
      throw new BackendError(
        404,
        `no decision tests for ${packId}: create ${join(registry.packDir(packId), DECISION_TESTS_FILE)} (the file format: cavra-policy test --help, or the README's Command line section)`,
      );
    }
  } else {
    ids = existsSync(registry.root)
      ? readdirSync(registry.root)
          .sort(compareCodePoints)
          .filter((name) => {
            try {
              return (
                statSync(join(registry.root, name)).isDirectory() && existsSync(join(registry.root, name, DECISION_TESTS_FILE))
              );
            } catch {
              return false;
            }
          })
      : [];
  }
  const reports: DecisionTestReport[] = [];
  for (const id of ids) {
    const file = join(registry.packDir(id), DECISION_TESTS_FILE);
    const cases = parseDecisionTests(readFileSync(file, 'utf8'), file);
    const policy = await registry.resolved(id);
    const results = runCases(policy, id, cases);
    const passed = results.filter((r) => r.passed).length;
    reports.push({
      schema_version: STUDIO_SCHEMA_VERSIONS.decisionTestReport,
      policy_pack: id,
      file,
      passed,
      failed: results.length - passed,
      cases: results,
    });
  }
  return reports;
}
