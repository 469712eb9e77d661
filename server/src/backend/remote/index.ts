// The remote backend: CAVRA's HTTP API behind the `Backend` interface.
export {
  RemoteBackend,
  DEFAULT_AUTH_HINT,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_READ_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from './remoteBackend';
export type { BackendDescription, RemoteBackendOptions, TokenSource } from './remoteBackend';
export { RemoteBackendError } from './remoteErrors';
export type { RemoteErrorKind } from './remoteErrors';
export { capabilitiesOf } from './console';
export type { ConsoleConfig, ConsolePermissions, ConsoleSession, RemoteCapabilities } from './console';
export { encodeJson } from './requestBodies';
