// Where a pack's decision test cases live: `policies/<pack-id>/policy.tests.yaml`, beside its policy
// (the file format: backend/local/decisionTests.ts). Shared by the runner and the language service.
export const DECISION_TESTS_FILE = 'policy.tests.yaml';
