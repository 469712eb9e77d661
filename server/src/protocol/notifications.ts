// Notifications between client and server.
import { NotificationType } from 'vscode-languageserver-protocol';
import type { WorkflowMethod } from './workflows';

export interface CredentialsParams {
  /** The remote bearer token, kept in memory only; null clears it. */
  token: string | null;
}

/** Sent by the client when the remote token changes (SecretStorage stays in the client). */
export const CredentialsNotification = new NotificationType<CredentialsParams>('cavra/credentials');

export interface StoreChangedParams {
  method: WorkflowMethod;
}

/** Sent by the server after any mutation so views refresh. */
export const StoreChangedNotification = new NotificationType<StoreChangedParams>('cavra/storeChanged');

export interface KeyTrustChangedParams {
  /** The key home whose pin or revocation file changed. */
  keyHome: string;
}

/**
 * Sent by the server when the key home's pins or revocations change outside the editor (`cavra-policy
 * keys pin|revoke`): signature states changed though no workspace file did, so views refresh.
 */
export const KeyTrustChangedNotification = new NotificationType<KeyTrustChangedParams>('cavra/keyTrustChanged');
