// Publishing (POST /policy-packs/publish): an approved draft written as policy.yaml and its signature,
// verified before anything is written, the pair replaced as one unit, and the publish recorded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../policy/canonicalJson';
import { policyDigest, shortDigest } from '../../policy/digest';
import type { PolicyPack } from '../../policy/draft';
import { loadPolicyValue } from '../../policy/policyYaml';
import { isMapping, pyStr, type PyValue } from '../../policy/pythonValues';
import { actorCanDecide } from '../../policy/approvalRouting';
import {
  publicKeyFromPrivate,
  runExternalSigner,
  serializeSignature,
  signPolicyBytes,
  signatureDowngrade,
  verifyPolicySignature,
  policyFileDigest,
  type SignatureAlgorithm,
} from '../../signing';
import {
  BackendError,
  PRODUCT,
  SCHEMA_VERSIONS,
  type ApprovalRecord,
  type Decision,
  type PublishRequest,
  type PublishResult,
} from '../backend';
import { withLock } from '../store';
import { diskFailure, isDiskError } from '../store/diskError';
import { approvalSummary } from './approvalRecords';
import { buildDraft, resolveDraft } from './drafts';
import { isSafePackId } from './policyRegistry';
import { POLICY_FILE, recoverPolicyPair, SIGNATURE_FILE, writePolicyPair } from './publishPair';
import { pyyamlSafeDump } from './pyyamlDump';
import { approvalTime } from '../../policy/approvalExpiry';
import { expireOverdue } from './approvals';
import type { LocalWorkspace } from './workspace';

const PUBLISH_NOTES = [
  'Published policy was schema-validated, approval-bound by digest, written to policy.yaml, and signed.',
  'Commit the policy file and signature through repository change control.',
];

export async function publish(ws: LocalWorkspace, request: PublishRequest): Promise<PublishResult> {
  const ctx = await ws.actor(request);
  const approvalId = request.approval_id;
  if (!approvalId) throw new BackendError(400, 'approval_id is required');
  await expireOverdue(ws);
  const approval = ws.approvals.get(String(approvalId));
  if (!approval) throw new BackendError(404, 'approval not found');
  if (ctx && !actorCanDecide(ctx, approval, 'approved', ws.permissions)) {
    throw new BackendError(403, 'actor is not authorized to publish this policy');
  }
  const { payload, yamlText } = resolveDraft(request);
  const draft = buildDraft(ws, payload);
  if (!draft.valid) throw new BackendError(400, 'policy draft must be valid before publishing');
  const pack = draft.policy_pack as PolicyPack;
  const policyId = pyStr(pack.metadata.id ?? '');
  if (!isSafePackId(policyId)) throw new BackendError(400, 'policy id is not safe for write-back');
  const outside = ws.registry.outsideRoot(policyId);
  if (outside) throw new BackendError(400, outside);
  const digest = policyDigest(pack);
  checkPublishApproval(ws, approval, policyId, digest);

  const { bytes, note } = publishBytes(pack, digest, yamlText);
  const signer = request.signer || (ctx ? ctx.actor : 'policy-authoring-api');
  const publishedBy = ctx ? ctx.actor : (request.actor ?? 'policy-authoring-api');
  const privateKeyPem = request.signing?.private_key_pem;
  const hmacKey = request.signing?.hmac_key ?? ws.options.signingKey;
  const external = request.signing?.external_signer;
  let sigText: string;
  let publicKeyPems: string[] = [];
  try {
    const sig = signPolicyBytes(bytes, {
      privateKeyPem,
      hmacKey,
      signer,
      keyId: request.signing?.key_id,
      policyFile: POLICY_FILE,
      now: new Date(ws.clock()),
      externalSigner: external && {
        publicKeyPem: external.public_key_pem,
        sign: (b) => runExternalSigner(b, { command: external.command, cwd: external.cwd }),
      },
    });
    sigText = serializeSignature(sig);
    if (privateKeyPem !== undefined) publicKeyPems = [publicKeyFromPrivate(privateKeyPem)];
    else if (external) publicKeyPems = [external.public_key_pem];
  } catch (error) {
    throw new BackendError(400, `policy signing failed: ${(error as Error).message}`);
  }
  // Verified before anything is written: a pair that would not verify is never published.
  const verified = verifyPolicySignature(bytes, sigText, {
    publicKeyPems,
    hmacKey: privateKeyPem === undefined && !external ? hmacKey : undefined,
  });
  if (!verified.ok) throw new BackendError(400, `published policy signature verification failed: ${verified.message}`);

  const dir = ws.registry.packDir(policyId);
  // An Ed25519-signed pack is never silently re-signed with a weaker form (HS256, digest-only SHA256).
  const existingSig = join(dir, SIGNATURE_FILE);
  const weaker = signatureDowngrade(
    existsSync(existingSig) ? readFileSync(existingSig, 'utf8') : undefined,
    verified.algorithm as SignatureAlgorithm,
  );
  if (weaker && !request.signing?.allow_weaker_signature) {
    throw new BackendError(
      409,
      `refusing to publish: ${weaker}; publish with the Ed25519 private key, or allow the weaker signature explicitly`,
    );
  }
  try {
    await withLock(
      ws.registry.lockTarget(policyId),
      async () => {
        try {
          recoverPolicyPair(dir);
          writePolicyPair(dir, bytes, sigText, ws.options.publishHooks);
        } catch (error) {
          if (isDiskError(error))
            throw diskFailure(dir, 'publish the pack', error, 'the previous policy.yaml and signature are unchanged');
          throw error;
        }
        await ws.recordAfter(`${join(dir, POLICY_FILE)} was published`, {
          event: 'publish',
          actor: publishedBy,
          actor_context: ctx,
          approval_ids: [approval.approval_id],
          digests: {
            policy_digest: digest,
            policy_file_digest: policyFileDigest(bytes),
            signature_file_digest: policyFileDigest(Buffer.from(sigText, 'utf8')),
          },
          details: {
            policy_id: policyId,
            policy_path: ws.evidencePath(join(dir, POLICY_FILE)),
            signer,
            algorithm: verified.algorithm,
            approval_state: approval.state,
            // What the approver saw of the draft's impact on recorded activity, kept with the publish.
            ...(approval.impact_summary !== undefined ? { impact_summary: approval.impact_summary } : {}),
          },
        });
      },
      ws.options.lock,
    );
  } finally {
    ws.registry.removeIfEmpty(policyId);
  }
  return {
    schema_version: SCHEMA_VERSIONS.publishResult,
    product: PRODUCT,
    status: 'published',
    published_at: ws.now(),
    published_by: publishedBy,
    policy_id: policyId,
    policy_digest: digest,
    policy_path: join(dir, POLICY_FILE),
    signature_path: join(dir, SIGNATURE_FILE),
    signature_verified: verified.ok,
    signature_message: verified.message,
    approval: approvalSummary(approval),
    summary: draft.summary,
    operator_notes: note ? [...PUBLISH_NOTES, note] : [...PUBLISH_NOTES],
  };
}

/** CAVRA's _validate_policy_publish_approval, then two stricter checks (decision id, expiry). */
function checkPublishApproval(ws: LocalWorkspace, approval: ApprovalRecord, policyId: string, digest: string): void {
  if (approval.state !== 'approved' && approval.state !== 'break_glass') {
    throw new BackendError(400, 'policy publish approval must be approved before write-back');
  }
  const decision = ('decision' in approval ? approval.decision : {}) as Decision;
  if (!isMapping(decision)) throw new BackendError(400, 'policy publish approval must include a decision payload');
  if (decision.action_type !== 'policy_publish') throw new BackendError(400, 'approval is not for policy publish');
  if (decision.policy_id !== policyId || decision.policy_digest !== digest) {
    throw new BackendError(400, 'approval does not match policy draft digest');
  }
  if (
    decision.decision_id !== `policy_publish:${policyId}:${shortDigest(digest)}` ||
    approval.decision_id !== decision.decision_id
  ) {
    throw new BackendError(400, 'approval does not match policy draft digest');
  }
  const time = approvalTime(approval, ws.clock(), ws.clockSkewMs);
  if (time.kind === 'unreadable') {
    throw new BackendError(
      400,
      `policy publish approval has no valid expires_at (${JSON.stringify(approval.expires_at ?? null)}): request a new approval`,
    );
  }
  if (time.kind === 'overdue') {
    throw new BackendError(
      400,
      `policy publish approval expired at ${approval.expires_at}: request a new approval for this draft`,
    );
  }
}

/**
 * The bytes to write: the author's YAML text when it loads to exactly the approved policy (comments
 * and order kept), else CAVRA's safe_dump of the policy. Either way, what CAVRA will load from the
 * file is checked to be the approved policy.
 */
function publishBytes(pack: PolicyPack, digest: string, yamlText: string | undefined): { bytes: Uint8Array; note?: string } {
  const approved = canonicalJson(pack);
  let text: string | undefined;
  let note: string | undefined;
  if (yamlText !== undefined) {
    let loaded: PyValue | undefined;
    try {
      loaded = loadPolicyValue(yamlText, POLICY_FILE);
    } catch {
      loaded = undefined;
    }
    if (loaded !== undefined && canonicalJson(loaded) === approved) text = yamlText;
    else {
      note =
        "The draft file holds more than the approved policy (keys CAVRA drops, or metadata that is not text), so policy.yaml was written from the normalized policy in CAVRA's form; comments and key order were not kept.";
    }
  }
  if (text === undefined) text = pyyamlSafeDump(pack);
  const reloaded = loadPolicyValue(text, POLICY_FILE);
  if (canonicalJson(reloaded) !== approved || policyDigest(reloaded) !== digest) {
    throw new BackendError(
      500,
      'the file to publish does not load to the approved policy; nothing was written (please report this)',
    );
  }
  return { bytes: new Uint8Array(Buffer.from(text, 'utf8')), note };
}
