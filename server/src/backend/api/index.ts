// CAVRA's API payloads as TypeScript types, one file per part of the API. The `Backend` interface
// (../backend.ts) and the editor's protocol (../../protocol) share these declarations.
export * from './actor';
export * from './approvals';
export * from './catalog';
export * from './decisions';
export * from './decisionTests';
export * from './evidence';
export * from './publishing';
export * from './schemaVersions';
export * from './vocabulary';
export * from './rollouts';
export * from './packState';
