// The whole chain for `verify` (and `check`): after the signature, whether the bytes in force are the
// ones an approver approved (policy/publishProvenance.ts holds the rule), read from the workspace's
// evidence log and approval store; and `sign` run on a pack, recorded in the evidence log as a
// signature made outside any publish, so the chain can name it.
import { basename, dirname, relative, resolve } from 'node:path';
import { LocalWorkspace } from '../backend/local/workspace';
import { packProvenance } from '../backend/local/packProvenance';
import type { Provenance, SignatureVerdict } from '../policy/publishProvenance';
import { policyFileDigest, type PolicySignature } from '../signing';
import { pathOption, policyRootOf, workspaceRoot } from './backendFactory';
import type { CommandContext } from './command';

/** The evidence event of a signature made with `cavra-policy sign`, outside any publish. */
export const SIGN_EVENT = 'sign';

/** The workspace the CLI reads: --root, --policy-dir, --store and CAVRA's variables, as the backend commands do. */
function workspaceOf(ctx: CommandContext): LocalWorkspace {
  return new LocalWorkspace({
    root: workspaceRoot(ctx),
    policyDir: policyRootOf(ctx),
    approvalStore: pathOption(ctx, '--store', 'CAVRA_APPROVAL_STORE'),
  });
}

/** OIDC or RBAC is configured (flags or CAVRA's variables): approvers must then be verified actors. */
function approverVerificationRequired(ctx: CommandContext): boolean {
  return (
    pathOption(ctx, '--oidc-config', 'CAVRA_APPROVAL_OIDC_CONFIG') !== undefined ||
    pathOption(ctx, '--rbac-file', 'CAVRA_APPROVAL_RBAC_FILE') !== undefined
  );
}

/** The pack a file is, by where it is published: `<policy root>/<pack-id>/policy.yaml`; else undefined. */
export function packIdOf(ctx: CommandContext, file: string): string | undefined {
  const path = resolve(ctx.cwd, file);
  if (basename(path) !== 'policy.yaml') return undefined;
  const rel = relative(policyRootOf(ctx), dirname(path));
  return rel && !rel.startsWith('..') && !/[\\/]/.test(rel) ? rel : undefined;
}

/** The evidence log records a publish of the pack this file is (so a missing signature is a finding, not a draft). */
export function publishedInLog(ctx: CommandContext, file: string): boolean {
  const policyId = packIdOf(ctx, file) ?? basename(dirname(resolve(ctx.cwd, file)));
  return workspaceOf(ctx)
    .evidence.read()
    .some((r) => r.event === 'publish' && r.details.policy_id === policyId);
}

/** The chain of the file's bytes, from the signature check's verdict to the approval. */
export function fileProvenance(
  ctx: CommandContext,
  file: string,
  bytes: Uint8Array,
  signature: SignatureVerdict | null,
): Provenance {
  const ws = workspaceOf(ctx);
  const policyId = packIdOf(ctx, file) ?? basename(dirname(resolve(ctx.cwd, file)));
  return packProvenance(policyId, bytes, signature, {
    evidence: ws.evidence.read(),
    approval: (id) => ws.approvals.get(id),
    approverVerificationRequired: approverVerificationRequired(ctx),
  });
}

/**
 * Records a signature made by `sign` on a pack of this workspace: CAVRA's `sign` stays available, but
 * what it blesses outside a publish is on the record, and the chain reports it as "signed outside an
 * approval". Files that are not packs under the policy root are not the workspace's business.
 */
export async function recordSignOutsidePublish(
  ctx: CommandContext,
  file: string,
  sig: PolicySignature,
  sigText: string,
): Promise<string | null> {
  // The evidence log written, or null when the file is not a pack of this workspace.
  const policyId = packIdOf(ctx, file);
  if (policyId === undefined) return null;
  const ws = workspaceOf(ctx);
  await ws.record({
    event: SIGN_EVENT,
    actor: sig.signer,
    approval_ids: [],
    digests: { policy_file_digest: sig.digest, signature_file_digest: policyFileDigest(Buffer.from(sigText, 'utf8')) },
    details: {
      policy_id: policyId,
      policy_path: ws.evidencePath(resolve(ctx.cwd, file)),
      algorithm: sig.algorithm,
      ...(sig.key_id !== undefined ? { key_id: sig.key_id, public_key_sha256: sig.public_key_sha256 } : {}),
      outside_publish: true,
    },
  });
  return ws.evidence.file;
}
