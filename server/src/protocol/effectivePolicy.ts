// `cavra/effectivePolicy`: the merged pack CAVRA evaluates for an open (or saved) policy file, as the
// text of a read-only document in which every list entry names the pack it comes from.
import { RequestType } from 'vscode-languageserver-protocol';

export interface EffectivePolicyParams {
  /** The pack's policy file (`file:` URI). */
  uri: string;
}

export interface EffectivePolicyView {
  /** The pack whose merge this is (`metadata.id`, else its folder); null when the file is no pack. */
  packId: string | null;
  /** The packs merged, in CAVRA's load order (parents first, the pack itself last). */
  packs: string[];
  /** YAML with a comment on each list entry and metadata key naming its pack; on failure, a comment saying why. */
  text: string;
  /** Why CAVRA could not merge the pack (a cycle, a missing parent), else null. */
  error: string | null;
}

export const EffectivePolicyRequest = new RequestType<EffectivePolicyParams, EffectivePolicyView, void>('cavra/effectivePolicy');
