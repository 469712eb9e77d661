// The language server's own requests about an open policy file.
import { RequestType } from 'vscode-languageserver-protocol';
import type { PolicySummary } from './types';

export interface DocumentStateParams {
  uri: string;
}

/** What the status bar and views show about one open policy file. */
export interface DocumentState {
  uri: string;
  version: number;
  /** No error-severity diagnostics. */
  valid: boolean;
  errors: number;
  warnings: number;
  summary: PolicySummary;
  totalRules: number;
  /** The draft digest CAVRA would bind an approval to, when the policy builds into a draft. */
  policyDigest: string | null;
  /** The pack folder, when the file sits at `<policy root>/<folder>/`. */
  packFolder: string | null;
}

export const DocumentStateRequest = new RequestType<DocumentStateParams, DocumentState | null, void>('cavra/documentState');
