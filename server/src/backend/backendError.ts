// A failed backend operation as CAVRA reports it.

/**
 * A failed operation as CAVRA reports it: FastAPI's `{"detail": "..."}` with an HTTP status.
 * `detail` is CAVRA's exact message where CAVRA has one. Local-only failures (store locked, store
 * unreadable) use 409/423/500 with a message naming the file, place and fix.
 */
export class BackendError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'BackendError';
  }

  /** The HTTP body CAVRA sends. */
  toJSON(): { detail: string } {
    return { detail: this.detail };
  }
}
