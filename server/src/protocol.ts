// The one contract between the VS Code client (or any other editor) and the server: every custom
// request, with its params and result types. The client imports this file; types only cross over.
import { RequestType } from 'vscode-languageserver-protocol';
import { DEFAULT_POLICY_ROOT } from './policy/policyRoot';
import type { PolicySummary } from './policy/summary';

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

/** Settings the server pulls from the `cavra` configuration section. */
export interface ServerSettings {
  policyRoot: string;
  maxFileSizeMb: number;
}

export const defaultServerSettings: ServerSettings = { policyRoot: DEFAULT_POLICY_ROOT, maxFileSizeMb: 5 };
