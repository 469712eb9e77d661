// What an approver approves, before Approve / Deny: a policy_publish approval carries CAVRA's decision
// with the draft's digest (policy_digest), not the draft. So the draft is looked for in the workspace
// (the file given, else the pack's policy.draft.yaml, else its policy.yaml, open text first) and
// planned against the published pack; only a draft whose digest is the approval's is shown, entry by
// entry. When none matches, the answer says so and what was tried: the digest is all that can be shown.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SelectedBackend } from '../backend/createBackend';
import type { ApprovalChanges, ApprovalRecord, PublishPlan } from '../protocol';
import { workflowPolicyRoot, type WorkflowSettings } from './workspaceSettings';

export interface ApprovalChangesSource {
  folder: string;
  settings: WorkflowSettings;
  backend: SelectedBackend;
  /** The draft input of a file (open text first), as the publish plan reads it. */
  draftOf(uri: string): { draft_yaml: string; draft_file: string };
}

export async function approvalChanges(
  src: ApprovalChangesSource,
  approval: ApprovalRecord,
  uri: string | undefined,
): Promise<ApprovalChanges> {
  const d = approval.decision ?? {};
  const base = { approval_id: approval.approval_id };
  if (d.action_type !== 'policy_publish')
    return {
      ...base,
      kind: 'not_a_publish',
      message: `${approval.approval_id} is not a policy publish: its decision is the change.`,
    };
  const digest = String(d.policy_digest ?? '');
  const policyId = String(d.policy_id ?? d.policy_pack ?? '');
  if (!digest || !policyId)
    return {
      ...base,
      kind: 'draft_not_found',
      message: `${approval.approval_id} names no ${digest ? 'policy_id' : 'policy_digest'} in its decision: its draft cannot be found.`,
    };
  const dir = join(workflowPolicyRoot(src.settings, src.folder), policyId);
  const candidates = uri ? [uri] : ['policy.draft.yaml', 'policy.yaml'].map((name) => pathToFileURL(join(dir, name)).href);
  const tried: NonNullable<ApprovalChanges['tried']> = [];
  for (const candidate of candidates) {
    let plan: PublishPlan;
    let file = candidate;
    try {
      const draft = src.draftOf(candidate);
      file = draft.draft_file;
      plan = await src.backend.publishPlan(draft);
    } catch (e) {
      tried.push({ file, error: (e as { detail?: string }).detail ?? (e as Error).message });
      continue;
    }
    if (plan.policy_digest === digest)
      return {
        ...base,
        kind: 'shown',
        message: `The draft in ${file} is the one approved (digest ${digest}).`,
        policy_digest: digest,
        draft_file: file,
        plan,
      };
    tried.push({ file, digest: plan.policy_digest });
  }
  return {
    ...base,
    kind: 'draft_not_found',
    policy_digest: digest,
    tried,
    message:
      `The draft of ${approval.approval_id} (digest ${digest}) is not in the workspace: ` +
      `${tried.map((t) => `${t.file} ${t.digest ? `has digest ${t.digest}` : `cannot be read (${t.error})`}`).join('; ')}. ` +
      'Only the decision and its digest can be shown; open the draft the requester planned and review again.',
  };
}
