// Errors of the verified-actor layer. None of them ever carries a token or its raw claims.
import { BackendError } from '../backend';

/**
 * A console mutation refused for lack of a (valid) verified actor, or for want of authorization:
 * `status` is the HTTP status CAVRA answers with and `detail` its message (SPEC 3.8, 4.1). It is a
 * {@link BackendError}, so the backends pass it on unchanged.
 */
export class ActorContextError extends BackendError {
  declare readonly status: 400 | 401 | 403;
  constructor(status: 400 | 401 | 403, detail: string) {
    super(status, detail);
    this.name = 'ActorContextError';
  }
}

/** What a token failed on; the message is CAVRA's validation message [src/cavra/approvals.py]. */
export type ActorTokenFailure =
  | 'malformed'
  | 'unsupported_alg'
  | 'no_matching_key'
  | 'unusable_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claim';

/** A token that did not verify. `message` says what failed and never contains the token. */
export class ActorTokenError extends Error {
  override readonly name = 'ActorTokenError';
  constructor(
    readonly reason: ActorTokenFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An OIDC config, JWKS or RBAC file that cannot be used. `file` is the file at fault; `field` the
 * dotted path inside it (e.g. `repository_permissions[1].groups`) when one field is at fault.
 */
export class ActorConfigError extends Error {
  override readonly name = 'ActorConfigError';
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}: ${field ? `"${field}" ` : ''}${problem}`);
  }
}
