// Decision tests: cases kept next to packs and their reports (this project's; CAVRA has no such endpoint).
import type { STUDIO_SCHEMA_VERSIONS } from './schemaVersions';
import type { ActionType } from './vocabulary';

/** One decision test case (file format: backend/local/decisionTests.ts). */
export interface DecisionTestCase {
  name?: string;
  action: ActionType | string;
  target: string;
  /** mcp_tool_call server / git operation, when not taken from `target`. */
  server?: string;
  tool?: string;
  operation?: string;
  expect: { decision?: string; rule_id?: string; severity?: string; approver_group?: string | null };
}

export interface DecisionTestCaseResult {
  name: string;
  action: string;
  target: string;
  passed: boolean;
  expected: DecisionTestCase['expect'];
  actual: { decision: string; rule_id: string; severity: string; approver_group: string | null } | null;
  /** Why it failed, in words (mismatched fields, or the evaluation error). */
  message?: string;
  /** 1-based line of the case in its file, when known. */
  line?: number;
}

export interface DecisionTestReport {
  schema_version: typeof STUDIO_SCHEMA_VERSIONS.decisionTestReport;
  policy_pack: string;
  file: string;
  passed: number;
  failed: number;
  cases: DecisionTestCaseResult[];
}

export interface DecisionTestRequest {
  /** Pack id; default every pack with a test file. */
  policy_pack?: string;
}
