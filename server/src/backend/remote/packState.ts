// What a CAVRA server tells about a published pack, and what it does not. It reports which packs it
// serves (GET /policy-pack-catalog); it does not report signatures, the published bytes, or this
// project's evidence log, so the answers say so instead of showing the workspace's files as its state.
import type { EvidenceList, PackState, PackStateRequest, PolicyPackCatalog, PublishedPack } from '../api';

export const REMOTE_SIGNATURE_UNKNOWN =
  'the CAVRA server does not report policy signatures: it signs and verifies policy.yaml.sig.json on its side';
export const REMOTE_PUBLISHED_TEXT_UNKNOWN = 'the CAVRA server does not serve the published policy.yaml bytes';
export const REMOTE_EVIDENCE_UNKNOWN =
  "the CAVRA server does not report this editor's evidence log: it is kept by the local workspace backend";

export async function remotePackState(
  request: PackStateRequest,
  catalog: () => Promise<PolicyPackCatalog>,
  server: string,
): Promise<PackState> {
  const served = (await catalog()).items.some((item) => item.id === request.policy_id);
  return {
    policy_id: request.policy_id,
    // Where CAVRA writes a pack (its `target_path`), on the server.
    policy_path: `${server}: policies/${request.policy_id}/policy.yaml`,
    published: served,
    signature_path: null,
    signature: served ? 'unknown' : 'unsigned',
    signature_message: served ? REMOTE_SIGNATURE_UNKNOWN : `not published on ${server}`,
    signed_at: null,
    signer: null,
    published_under: null,
  };
}

export function remotePublishedPack(policyId: string): PublishedPack {
  return { policy_id: policyId, text: null, path: null, unavailable: REMOTE_PUBLISHED_TEXT_UNKNOWN };
}

export function remoteEvidence(): EvidenceList {
  return { items: [], unavailable: REMOTE_EVIDENCE_UNKNOWN };
}
