// How the Packs view and the status bar word a published pack: once its signature verifies, the
// chain's state (server/src/policy/publishProvenance.ts, carried in pack state) says more than
// "signed": a valid signature over bytes nobody approved is "signed outside an approval".
import * as vscode from 'vscode';
import type { PackState } from '../../server/src/protocol';

export type ChainLook = { words: string; icon: string; attention: 'none' | 'warning' | 'error' };

const ICONS = { pass: 'verified', flag: 'warning', notice: 'info', fail: 'error' } as const;

/** The chain's words and icon, or undefined when the signature state alone tells (not verified, or no chain known). */
export function chainLook(state: PackState | null): ChainLook | undefined {
  const p = state?.provenance;
  if (!state || state.signature !== 'verified' || !p) return undefined;
  return {
    // "signed" stays the word for the whole chain holding: the tooltip names the approval.
    words: p.outcome === 'pass' ? vscode.l10n.t('signed') : p.label,
    icon: ICONS[p.outcome],
    attention: p.outcome === 'fail' ? 'error' : p.outcome === 'flag' ? 'warning' : 'none',
  };
}
