// CAVRA's `schema_version` values and this project's own document versions.

export const PRODUCT = 'CAVRA';

/** CAVRA's `schema_version` values. */
export const SCHEMA_VERSIONS = {
  catalog: 'cavra.policy_pack.catalog.v1',
  draft: 'cavra.policy_pack.draft.v1',
  publishPlan: 'cavra.policy_pack.publish_plan.v1',
  publishRequest: 'cavra.policy_pack.publish_request.v1',
  publishResult: 'cavra.policy_pack.publish_result.v1',
  approval: 'cavra.approval.v1',
  rollout: 'cavra.policy_rollout.v1',
  rolloutChangePlan: 'cavra.policy_rollout.change_plan.v1',
  rolloutChangeResult: 'cavra.policy_rollout.change_result.v1',
} as const;

/** Versions of this project's own documents (not CAVRA's; CAVRA has no such endpoint). */
export const STUDIO_SCHEMA_VERSIONS = {
  decisionTests: 'cavra-studio.decision_tests.v1',
  decisionTestReport: 'cavra-studio.decision_test_report.v1',
  evidenceRecord: 'cavra-studio.evidence.v1',
  evidenceVerify: 'cavra-studio.evidence_verify.v1',
} as const;
