// The one contract between the VS Code client (or any other editor) and the server: every custom
// request and notification with its params and result types. The client imports only this folder;
// the server's handlers are typed by it (see workflows.ts, `WorkflowHandlers`).
export * from './actorAuth';
export * from './approvalExpiry';
export * from './approvalInbox';
export * from './document';
export * from './effectivePolicy';
export type * from './evidenceBundle';
export * from './impact';
export * from './notifications';
export * from './packHistory';
export * from './packFiles';
export * from './packId';
export * from './policyEntryDiff';
export * from './policyModes';
export * from './policyRoot';
export * from './ruleLocation';
export type * from './types';
export * from './workflows';
