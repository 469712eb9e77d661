// One JSON call to a CAVRA server over node:http/https: a deadline per attempt, a cap on the answer's
// size, proxies and extra CAs, bounded retries for reads only, and every failure turned into a
// RemoteBackendError in words (remoteErrors.ts). The token travels in the Authorization header and
// nowhere else: it is redacted from every message and log line.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import * as net from 'node:net';
import { RemoteBackendError, bodyExcerpt, formatBytes, formatSeconds, redact, validationDetail, type RemoteErrorKind } from './remoteErrors';
import { openTunnel, proxyFor, ProxyTunnelError, type Env, type ProxyOption, type ProxySettings } from './proxy';

export interface TransportOptions {
  baseUrl: URL;
  /** Base URL for messages (no credentials, no trailing slash). */
  display: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxResponseBytes: number;
  proxy: ProxyOption;
  env: Env;
  /** Trusted CAs (replaces Node's default list, so callers pass the defaults too); undefined: Node's. */
  ca?: string[];
  userAgent: string;
  authHint: string;
  log?: (line: string) => void;
  /** Waits between retries; tests replace it. */
  sleep: (ms: number) => Promise<void>;
}

export interface CallSpec {
  method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/`, already encoded. */
  path: string;
  /** Encoded JSON text of the body (POST). */
  body?: string;
  /** The Authorization header value (`Bearer <token>`), when there is a token. */
  authorization?: string;
}

interface Answer {
  status: number;
  statusMessage: string;
  contentType: string;
  location?: string;
  body: Buffer;
}

/** A failed attempt, before it gets the endpoint and the advice. */
class AttemptFailure {
  constructor(
    readonly kind: RemoteErrorKind,
    readonly reason: string,
    readonly code?: string,
    /** True once the request may have reached the server (matters for mutations). */
    readonly sent = false,
  ) {}
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  'EPROTO', 'ECONNRESET_TLS',
]);

function isTlsError(e: NodeJS.ErrnoException): boolean {
  const code = e.code ?? '';
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /SSL|TLS|certificate/i.test(e.message ?? '');
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_KINDS = new Set<RemoteErrorKind>(['refused', 'connect', 'reset', 'timeout', 'truncated']);

export class HttpTransport {
  constructor(private readonly options: TransportOptions) {}

  /** Secrets to keep out of messages: the token, its header value, proxy credentials. */
  private secrets(spec?: CallSpec, proxy?: ProxySettings): string[] {
    const out: string[] = [];
    if (spec?.authorization) out.push(spec.authorization, spec.authorization.replace(/^\S+\s+/, '').trim());
    if (proxy) out.push(...proxy.secrets);
    return out;
  }

  private log(line: string, spec?: CallSpec): void {
    if (!this.options.log) return;
    try {
      this.options.log(redact(line, this.secrets(spec)));
    } catch {
      // a broken logger must not break the call
    }
  }

  /** Performs the call and returns the parsed JSON object; throws RemoteBackendError. */
  async call(spec: CallSpec): Promise<unknown> {
    const endpoint = `${spec.method} ${spec.path}`;
    const maxAttempts = spec.method === 'GET' ? 1 + Math.max(0, this.options.retries) : 1;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let failure: RemoteBackendError;
      try {
        const answer = await this.attempt(spec);
        this.log(`CAVRA ${endpoint} → ${answer.status} (${Date.now() - started} ms)`, spec);
        const result = this.interpret(spec, answer, attempt);
        return result;
      } catch (e) {
        if (!(e instanceof AttemptFailure) && !(e instanceof RemoteBackendError)) throw e;
        failure = e instanceof AttemptFailure ? this.toError(spec, e, attempt) : e;
      }
      if (attempt >= maxAttempts || !failure.transient) {
        this.log(`CAVRA ${endpoint} failed: ${failure.message}`, spec);
        throw failure;
      }
      const delay = this.backoff(attempt);
      this.log(`CAVRA ${endpoint} failed (${failure.kind}${failure.kind === 'http' ? ` ${failure.status}` : ''}); retrying in ${delay} ms (attempt ${attempt + 1} of ${maxAttempts})`, spec);
      await this.options.sleep(delay);
    }
  }

  /** Exponential backoff with equal jitter: base·2^(n-1), capped, between half and all of it. */
  backoff(attempt: number): number {
    const full = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    return Math.round(full / 2 + Math.random() * (full / 2));
  }

  private headers(spec: CallSpec): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    if (spec.authorization) headers.authorization = spec.authorization;
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(spec.body);
    }
    return headers;
  }

  private target(spec: CallSpec): URL {
    const base = this.options.baseUrl;
    const basePath = base.pathname.replace(/\/+$/, '');
    const url = new URL(base.href);
    const q = spec.path.indexOf('?');
    url.pathname = basePath + (q < 0 ? spec.path : spec.path.slice(0, q));
    url.search = q < 0 ? '' : spec.path.slice(q);
    return url;
  }

  private attempt(spec: CallSpec): Promise<Answer> {
    const url = this.target(spec);
    const isHttps = url.protocol === 'https:';
    const port = url.port || (isHttps ? '443' : '80');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const proxy = proxyFor(url, this.options.proxy, this.options.env);
    const { timeoutMs, maxResponseBytes } = this.options;

    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      let phase: 'proxy' | 'connect' | 'sent' | 'body' = proxy ? 'proxy' : 'connect';
      let received = 0;
      const live: { destroy(): void }[] = [];
      const finish = (f: AttemptFailure | Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const x of live) x.destroy();
        if (f instanceof AttemptFailure) reject(f);
        else resolve(f);
      };
      const timer = setTimeout(() => {
        const got = phase === 'body' ? `; ${formatBytes(received)} of the answer had arrived` : phase === 'sent' ? '; the request was sent, no answer came' : '';
        finish(new AttemptFailure('timeout', `no complete answer within ${formatSeconds(timeoutMs)}${got}`, 'ETIMEDOUT', phase === 'sent' || phase === 'body'));
      }, timeoutMs);

      const onError = (e: NodeJS.ErrnoException) => {
        if (settled) return;
        const code = e.code;
        if (phase === 'proxy') {
          if (e instanceof ProxyTunnelError) {
            finish(new AttemptFailure('proxy', e.message, code));
          } else {
            finish(new AttemptFailure('proxy', `cannot connect to the proxy ${proxy!.display} (${code ?? e.message})`, code));
          }
        } else if (phase === 'body') {
          finish(new AttemptFailure('truncated', `the connection closed after ${formatBytes(received)} of the answer (${code ?? e.message})`, code, true));
        } else if (code === 'ECONNREFUSED') {
          finish(new AttemptFailure('refused', `connection refused: nothing is listening on ${url.host}`, code));
        } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
          finish(new AttemptFailure('dns', `the host name "${host}" does not resolve (${code})`, code));
        } else if (isTlsError(e)) {
          finish(new AttemptFailure('tls', `the TLS connection failed: ${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`, code));
        } else if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(e.message)) {
          finish(new AttemptFailure('reset', `the connection closed before an answer arrived (${code ?? 'socket hang up'})`, code, phase === 'sent'));
        } else {
          finish(new AttemptFailure('connect', `${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`, code, phase === 'sent'));
        }
      };

      const onResponse = (res: http.IncomingMessage) => {
        phase = 'body';
        const chunks: Buffer[] = [];
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxResponseBytes) {
          finish(new AttemptFailure('too_large', `the answer is ${formatBytes(declared)}, more than the ${formatBytes(maxResponseBytes)} limit`, undefined, true));
          return;
        }
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) {
            finish(new AttemptFailure('too_large', `the answer exceeded the ${formatBytes(maxResponseBytes)} limit; reading stopped`, undefined, true));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', onError);
        res.on('aborted', () => onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          if (!res.complete) {
            onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
            return;
          }
          const location = res.headers.location;
          finish({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            contentType: String(res.headers['content-type'] ?? ''),
            location: typeof location === 'string' ? location : undefined,
            body: Buffer.concat(chunks),
          });
        });
        res.on('close', () => {
          if (!res.complete) onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
      };

      const send = (req: http.ClientRequest) => {
        live.push(req);
        req.on('error', onError);
        req.on('response', onResponse);
        req.on('socket', (socket: net.Socket) => {
          const connected = () => {
            if (phase === 'connect' || phase === 'proxy') phase = 'sent';
          };
          if (isHttps) socket.once('secureConnect', connected);
          else if (socket.connecting) socket.once('connect', connected);
          else connected();
        });
        req.end(spec.body);
      };

      const headers = this.headers(spec);
      const tlsOptions: tls.ConnectionOptions = { servername: net.isIP(host) ? undefined : host, ...(this.options.ca ? { ca: this.options.ca } : {}) };
      const path = url.pathname + url.search;

      if (!proxy) {
        const common = { host, port, method: spec.method, path, headers, agent: false as const };
        send(isHttps ? https.request({ ...common, ...tlsOptions }) : http.request(common));
        return;
      }
      if (!isHttps) {
        // Plain HTTP through a proxy: the request line carries the absolute URL.
        const proxyHeaders = { ...headers, host: url.host, ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}) };
        phase = 'connect';
        send(http.request({ host: proxy.url.hostname.replace(/^\[|\]$/g, ''), port: proxy.url.port || 80, method: spec.method, path: url.href, headers: proxyHeaders, agent: false }));
        return;
      }
      openTunnel(proxy, host, port, (connectReq) => live.push(connectReq)).then((socket) => {
        if (settled) {
          socket.destroy();
          return;
        }
        live.push(socket);
        phase = 'connect';
        const secure = tls.connect({ socket, ...tlsOptions });
        live.push(secure);
        // No `agent` here: with one, Node would ignore createConnection and dial the host itself.
        send(https.request({ host, port, method: spec.method, path, headers, createConnection: () => secure }));
      }, onError);
    });
  }

  private interpret(spec: CallSpec, answer: Answer, attempt: number): unknown {
    const endpoint = `${spec.method} ${spec.path}`;
    const server = this.options.display;
    const text = answer.body.toString('utf8');
    const secrets = this.secrets(spec);
    const transient = RETRY_STATUSES.has(answer.status);
    const fail = (kind: RemoteErrorKind, status: number, detail: string, message: string, validation?: unknown[]) =>
      new RemoteBackendError({
        kind, status, endpoint, attempts: attempt, transient,
        detail: redact(detail, secrets), message: redact(message, secrets),
        ...(validation ? { validation } : {}),
      });

    if (answer.status >= 300 && answer.status < 400) {
      const where = answer.location ? ` to ${answer.location}` : '';
      throw fail('bad_response', 502, `redirected (${answer.status})${where}`,
        `The CAVRA server at ${server} redirected ${endpoint} (${answer.status})${where}. Redirects are not followed (they would carry the token elsewhere): set the server URL to the final address.`);
    }

    let parsed: unknown;
    let parseError: string | undefined;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      parseError = (e as Error).message;
    }

    if (answer.status >= 400) {
      if (parseError === undefined && isObject(parsed) && 'detail' in parsed) {
        const raw = parsed.detail;
        const validation = Array.isArray(raw) ? raw : undefined;
        const detail = typeof raw === 'string' ? raw : validation ? validationDetail(validation) : JSON.stringify(raw);
        const hint = answer.status === 401 ? ` — ${spec.authorization ? 'the token was not accepted (expired, revoked or for another server)' : 'no token is configured'}. ${this.options.authHint}` : '';
        throw fail('http', answer.status, detail, `CAVRA server ${server} answered ${answer.status} to ${endpoint}: ${detail}${hint}`, validation);
      }
      if (parseError === undefined) {
        const detail = `HTTP ${answer.status} ${answer.statusMessage}`.trim();
        throw fail('http', answer.status, detail, `CAVRA server ${server} answered ${answer.status} to ${endpoint} without a detail message: ${bodyExcerpt(text)}`);
      }
      const excerpt = bodyExcerpt(text);
      const type = answer.contentType || 'no content type';
      throw fail('not_json', answer.status, `HTTP ${answer.status} ${answer.statusMessage}`.trim(),
        `The server at ${server} answered ${endpoint} with ${answer.status} ${answer.statusMessage} (${type}) instead of CAVRA's JSON${excerpt ? `: "${excerpt}"` : ' (empty body)'}. Is the URL CAVRA's API, and not a web page, proxy or login page?`);
    }

    if (parseError !== undefined) {
      const excerpt = bodyExcerpt(text);
      throw fail('not_json', 502, `the answer is not JSON (${parseError})`,
        `The server at ${server} answered ${endpoint} with ${answer.status} but the body is not JSON (${answer.contentType || 'no content type'}; ${parseError})${excerpt ? `: "${excerpt}"` : ' (empty body)'}. Is the URL CAVRA's API?`);
    }
    if (!isObject(parsed)) {
      const what = Array.isArray(parsed) ? 'a list' : parsed === null ? 'null' : `a ${typeof parsed}`;
      throw fail('bad_response', 502, `the answer is ${what}, not a JSON object`,
        `The server at ${server} answered ${endpoint} with ${what} where CAVRA sends a JSON object. Is the URL CAVRA's API?`);
    }
    return parsed;
  }

  private toError(spec: CallSpec, f: AttemptFailure, attempts: number): RemoteBackendError {
    const endpoint = `${spec.method} ${spec.path}`;
    const server = this.options.display;
    const proxy = proxyFor(this.target(spec), this.options.proxy, this.options.env);
    const secrets = this.secrets(spec, proxy);
    const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    const mutationNote = spec.method !== 'GET' && f.sent
      ? ' It was not retried: the change may or may not have been applied on the server, so look (list approvals or rollouts) before trying again.'
      : '';
    let message: string;
    let status = 0;
    switch (f.kind) {
      case 'refused':
        message = `Cannot reach the CAVRA server at ${server} for ${endpoint}: ${f.reason}${after}. Check that the server is running and that the server URL is right.`;
        break;
      case 'dns':
        message = `Cannot reach the CAVRA server at ${server} for ${endpoint}: ${f.reason}${after}. Check the server URL, DNS and VPN.`;
        break;
      case 'tls':
        message = `Cannot reach the CAVRA server at ${server} for ${endpoint}: ${f.reason}. If the server's certificate comes from a private certificate authority, give its PEM file in the CA file setting or in NODE_EXTRA_CA_CERTS.`;
        break;
      case 'proxy':
        message = `Cannot reach the CAVRA server at ${server} for ${endpoint} through the proxy: ${f.reason}${after}. Check HTTPS_PROXY / HTTP_PROXY / NO_PROXY or the proxy setting.`;
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
        message = `Cannot reach the CAVRA server at ${server} for ${endpoint}: ${f.reason}${after}.${mutationNote}`;
    }
    const transient = RETRY_KINDS.has(f.kind) || (f.kind === 'dns' && f.code === 'EAI_AGAIN');
    return new RemoteBackendError({
      kind: f.kind, status, endpoint, attempts, transient, detail: redact(f.reason, secrets), message: redact(message, secrets),
      ...(f.code ? { code: f.code } : {}),
    });
  }
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
