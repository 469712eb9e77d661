// What one attempt's outcome means: CAVRA's JSON object, or a RemoteBackendError in words naming the
// server, the endpoint and the fix. This file is the remote backend's message catalogue; the socket
// work is in httpTransport.ts. Every text passes through `redact` before it leaves.
import {
  RemoteBackendError,
  bodyExcerpt,
  formatBytes,
  formatSeconds,
  redact,
  validationDetail,
  type RemoteErrorKind,
} from './remoteErrors';
import { ProxyTunnelError } from './proxy';

/** A complete HTTP answer. */
export interface Answer {
  status: number;
  statusMessage: string;
  contentType: string;
  location?: string;
  body: Buffer;
}

/** Where an attempt was when it failed: opening the proxy tunnel, connecting, waiting, reading. */
export type AttemptPhase = 'proxy' | 'connect' | 'sent' | 'body';

/** A failed attempt, before it gets the endpoint and the advice. */
export class AttemptFailure {
  constructor(
    readonly kind: RemoteErrorKind,
    readonly reason: string,
    readonly code?: string,
    /** True once the request may have reached the server (matters for mutations). */
    readonly sent = false,
  ) {}
}

/** The call an outcome belongs to. */
export interface CallDescription {
  method: string;
  /** `POST /policy-packs/publish` */
  endpoint: string;
  /** The server's base URL, for messages. */
  server: string;
  /** Whether an Authorization header was sent (401 wording). */
  withToken: boolean;
  authHint: string;
  /** Texts to replace by `***` wherever they appear. */
  secrets: string[];
  attempts: number;
  /** The JSON shape CAVRA answers on this endpoint (default: an object). */
  answer?: 'object' | 'list';
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
/** Statuses and failures after which a read may succeed if tried again. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
const TRANSIENT_KINDS = new Set<RemoteErrorKind>(['refused', 'connect', 'reset', 'timeout', 'truncated']);

function isTlsError(e: NodeJS.ErrnoException): boolean {
  const code = e.code ?? '';
  return (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    /\bSSL\b|\bTLS\b|certificate/i.test(e.message ?? '')
  );
}

function withCode(e: NodeJS.ErrnoException): string {
  return `${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`;
}

/** A socket or request error, named by what it means at this phase. */
export function networkFailure(
  e: NodeJS.ErrnoException,
  phase: AttemptPhase,
  at: { host: string; authority: string; proxy?: string; received: number },
): AttemptFailure {
  const code = e.code;
  if (phase === 'proxy') {
    if (e instanceof ProxyTunnelError) return new AttemptFailure('proxy', e.message, code);
    return new AttemptFailure('proxy', `cannot connect to the proxy ${at.proxy} (${code ?? e.message})`, code);
  }
  if (phase === 'body')
    return new AttemptFailure(
      'truncated',
      `the connection closed after ${formatBytes(at.received)} of the answer (${code ?? e.message})`,
      code,
      true,
    );
  if (code === 'ECONNREFUSED')
    return new AttemptFailure('refused', `connection refused: nothing is listening on ${at.authority}`, code);
  if (code && DNS_CODES.has(code))
    return new AttemptFailure('dns', `the host name "${at.host}" does not resolve (${code})`, code);
  if (isTlsError(e)) return new AttemptFailure('tls', `the TLS connection failed: ${withCode(e)}`, code);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(e.message)) {
    return new AttemptFailure(
      'reset',
      `the connection closed before an answer arrived (${code ?? 'socket hang up'})`,
      code,
      phase === 'sent',
    );
  }
  return new AttemptFailure('connect', withCode(e), code, phase === 'sent');
}

export function timeoutFailure(timeoutMs: number, phase: AttemptPhase, received: number): AttemptFailure {
  const got =
    phase === 'body'
      ? `; ${formatBytes(received)} of the answer had arrived`
      : phase === 'sent'
        ? '; the request was sent, no answer came'
        : '';
  return new AttemptFailure(
    'timeout',
    `no complete answer within ${formatSeconds(timeoutMs)}${got}`,
    'ETIMEDOUT',
    phase === 'sent' || phase === 'body',
  );
}

export function tooLarge(limit: number, declared?: number): AttemptFailure {
  return new AttemptFailure(
    'too_large',
    declared !== undefined
      ? `the answer is ${formatBytes(declared)}, more than the ${formatBytes(limit)} limit`
      : `the answer exceeded the ${formatBytes(limit)} limit; reading stopped`,
    undefined,
    true,
  );
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON object of a 2xx answer; a RemoteBackendError for anything else. */
export function interpretAnswer(answer: Answer, call: CallDescription): unknown {
  const { endpoint, server } = call;
  const text = answer.body.toString('utf8');
  const fail = (kind: RemoteErrorKind, status: number, detail: string, message: string, validation?: unknown[]) =>
    new RemoteBackendError({
      kind,
      status,
      endpoint,
      attempts: call.attempts,
      transient: TRANSIENT_STATUSES.has(answer.status),
      detail: redact(detail, call.secrets),
      message: redact(message, call.secrets),
      ...(validation ? { validation } : {}),
    });

  if (answer.status >= 300 && answer.status < 400) {
    const where = answer.location ? ` to ${answer.location}` : '';
    throw fail(
      'bad_response',
      502,
      `redirected (${answer.status})${where}`,
      `The CAVRA server at ${server} redirected ${endpoint} (${answer.status})${where}. Redirects are not followed (they would carry the token elsewhere): set the server URL to the final address.`,
    );
  }

  let parsed: unknown;
  let parseError: string | undefined;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const excerpt = bodyExcerpt(text);
  const quoted = excerpt ? `: "${excerpt}"` : ' (empty body)';

  if (answer.status >= 400) {
    if (parseError === undefined && isObject(parsed) && 'detail' in parsed) {
      const raw = parsed.detail;
      const validation = Array.isArray(raw) ? raw : undefined;
      const detail = typeof raw === 'string' ? raw : validation ? validationDetail(validation) : JSON.stringify(raw);
      const hint =
        answer.status === 401
          ? ` — ${call.withToken ? 'the token was not accepted (expired, revoked or for another server)' : 'no token is configured'}. ${call.authHint}`
          : '';
      throw fail(
        'http',
        answer.status,
        detail,
        `CAVRA server ${server} answered ${answer.status} to ${endpoint}: ${detail}${hint}`,
        validation,
      );
    }
    const statusLine = `HTTP ${answer.status} ${answer.statusMessage}`.trim();
    if (parseError === undefined) {
      throw fail(
        'http',
        answer.status,
        statusLine,
        `CAVRA server ${server} answered ${answer.status} to ${endpoint} without a detail message: ${excerpt}`,
      );
    }
    throw fail(
      'not_json',
      answer.status,
      statusLine,
      `The server at ${server} answered ${endpoint} with ${answer.status} ${answer.statusMessage} (${answer.contentType || 'no content type'}) instead of CAVRA's JSON${quoted}. Is the URL CAVRA's API, and not a web page, proxy or login page?`,
    );
  }

  if (parseError !== undefined) {
    throw fail(
      'not_json',
      502,
      `the answer is not JSON (${parseError})`,
      `The server at ${server} answered ${endpoint} with ${answer.status} but the body is not JSON (${answer.contentType || 'no content type'}; ${parseError})${quoted}. Is the URL CAVRA's API?`,
    );
  }
  const list = call.answer === 'list';
  if (list ? !Array.isArray(parsed) : !isObject(parsed)) {
    const what = Array.isArray(parsed)
      ? 'a list'
      : parsed === null
        ? 'null'
        : isObject(parsed)
          ? 'an object'
          : `a ${typeof parsed}`;
    const expected = list ? 'a JSON list' : 'a JSON object';
    throw fail(
      'bad_response',
      502,
      `the answer is ${what}, not ${expected}`,
      `The server at ${server} answered ${endpoint} with ${what} where CAVRA sends ${expected}. Is the URL CAVRA's API?`,
    );
  }
  return parsed;
}

/** A failed attempt as the error the caller sees. Status: 0 no answer, 504 timeout, 502 unusable answer. */
export function attemptError(f: AttemptFailure, call: CallDescription): RemoteBackendError {
  const { endpoint, server } = call;
  const after = call.attempts > 1 ? ` (after ${call.attempts} attempts)` : '';
  const mutationNote =
    call.method !== 'GET' && f.sent
      ? ' It was not retried: the change may or may not have been applied on the server, so look (list approvals or rollouts) before trying again.'
      : '';
  const unreachable = `Cannot reach the CAVRA server at ${server} for ${endpoint}`;
  let status = 0;
  let message: string;
  switch (f.kind) {
    case 'refused':
      message = `${unreachable}: ${f.reason}${after}. Check that the server is running and that the server URL is right.`;
      break;
    case 'dns':
      message = `${unreachable}: ${f.reason}${after}. Check the server URL, DNS and VPN.`;
      break;
    case 'tls':
      message = `${unreachable}: ${f.reason}. If the server's certificate comes from a private certificate authority, give its PEM file in the CA file setting or in NODE_EXTRA_CA_CERTS.`;
      break;
    case 'proxy':
      message = `${unreachable} through the proxy: ${f.reason}${after}. Check HTTPS_PROXY / HTTP_PROXY / NO_PROXY or the proxy setting.`;
      break;
    case 'reset':
      message = `The CAVRA server at ${server} closed the connection before answering ${endpoint}: ${f.reason}${after}.${mutationNote}`;
      break;
    case 'timeout':
      status = 504;
      message = `The CAVRA server at ${server} did not answer ${endpoint} in time: ${f.reason}${after}.${mutationNote} The time limit is a setting (timeout) if the server is known to be slow.`;
      break;
    case 'truncated':
      status = 502;
      message = `The CAVRA server's answer to ${endpoint} was cut off: ${f.reason}${after}.${mutationNote}`;
      break;
    case 'too_large':
      status = 502;
      message = `The CAVRA server's answer to ${endpoint} is too large: ${f.reason} (the response size limit is a setting).`;
      break;
    default:
      message = `${unreachable}: ${f.reason}${after}.${mutationNote}`;
  }
  return new RemoteBackendError({
    kind: f.kind,
    status,
    endpoint,
    attempts: call.attempts,
    transient: TRANSIENT_KINDS.has(f.kind) || (f.kind === 'dns' && f.code === 'EAI_AGAIN'),
    detail: redact(f.reason, call.secrets),
    message: redact(message, call.secrets),
    ...(f.code ? { code: f.code } : {}),
  });
}
