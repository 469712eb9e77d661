// Every way a call to a CAVRA server can fail, as a BackendError whose `status` and `detail` match what
// the local backend would say for the same refusal, and whose `message` adds the endpoint and the fix.
//
// Status codes (BackendError.status):
//   the server's own status  CAVRA answered 4xx/5xx (detail = CAVRA's words; 422 lists are flattened)
//   0                        no HTTP answer at all: refused, DNS, TLS, proxy, connection closed early,
//                            or a configuration problem found before sending anything
//   502                      an answer that cannot be used: truncated, not JSON, too large, wrong shape,
//                            a redirect
//   504                      no complete answer within the time limit
import { BackendError } from '../backend';

export type RemoteErrorKind =
  | 'http' //        CAVRA answered with an error status and a JSON `detail`
  | 'config' //      bad URL, unreadable CA file, unsupported proxy: nothing was sent
  | 'refused' //     nothing listens at the address
  | 'connect' //     any other failure to connect (host unreachable, network down)
  | 'dns' //         the host name does not resolve
  | 'tls' //         the TLS handshake failed (certificate, protocol)
  | 'proxy' //       the proxy refused or failed the tunnel
  | 'reset' //       the connection closed before a status line arrived
  | 'timeout' //     no complete answer within the time limit
  | 'truncated' //   the connection closed in the middle of the body
  | 'not_json' //    the body is not JSON (HTML error page, plain text, broken JSON)
  | 'too_large' //   the body is larger than the cap
  | 'bad_response' // JSON, but not the object CAVRA sends (or a redirect)
  | 'input'; //      the request could not be built (a draft_yaml that does not load)

export interface RemoteErrorInit {
  kind: RemoteErrorKind;
  status: number;
  /** CAVRA's words for `http` errors; our own short statement otherwise. */
  detail: string;
  /** The full sentence shown to the user. */
  message: string;
  /** `POST /policy-packs/publish` (path relative to the server's base URL), when a call was made. */
  endpoint?: string;
  /** FastAPI's validation list for a 422, as CAVRA sent it. */
  validation?: unknown[];
  /** The system error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED…), when there was one. */
  code?: string;
  /** How many attempts were made (reads are retried; mutations never). */
  attempts?: number;
  /** The failure is transient (refused, reset, timeout, truncated, 429/502/503/504): a read is retried. */
  transient?: boolean;
}

/**
 * A failed remote call. Carries no request, header, socket or token: only the words below, so it is
 * safe to log, serialize and show. `detail` equals the local backend's `detail` for the same refusal.
 */
export class RemoteBackendError extends BackendError {
  readonly kind: RemoteErrorKind;
  readonly endpoint?: string;
  readonly validation?: unknown[];
  readonly code?: string;
  readonly attempts?: number;
  readonly transient: boolean;

  constructor(init: RemoteErrorInit) {
    super(init.status, init.detail);
    this.name = 'RemoteBackendError';
    this.message = init.message;
    this.kind = init.kind;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
    if (init.validation !== undefined) this.validation = init.validation;
    if (init.code !== undefined) this.code = init.code;
    if (init.attempts !== undefined) this.attempts = init.attempts;
    this.transient = init.transient ?? false;
  }
}

/** Replaces every secret (the token, proxy credentials) in a text; short strings are left alone. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** FastAPI's 422 list as one line: `body.12: JSON decode error (Expecting value)`. */
export function validationDetail(items: unknown[]): string {
  return items
    .map((item) => {
      if (typeof item !== 'object' || item === null) return String(item);
      const { loc, msg, ctx } = item as { loc?: unknown; msg?: unknown; ctx?: { error?: unknown } };
      const where = Array.isArray(loc) ? loc.join('.') : '';
      const why = typeof ctx?.error === 'string' ? ` (${ctx.error})` : '';
      return `${where ? `${where}: ` : ''}${typeof msg === 'string' ? msg : JSON.stringify(item)}${why}`;
    })
    .join('; ');
}

/** A short, single-line excerpt of a non-JSON body (an HTML error page shows its text, not its tags). */
export function bodyExcerpt(body: string, max = 160): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${+(ms / 1000).toFixed(2)} s`;
}
