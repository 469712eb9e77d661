// One JSON call to a CAVRA server over node:http/https: a deadline per attempt, a cap on the answer's
// size, proxies and extra CAs, bounded retries for reads only, and every failure turned into a
// RemoteBackendError in words (callOutcome.ts). The token travels in the Authorization header and
// nowhere else: it is redacted from every message and log line.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import * as net from 'node:net';
import {
  AttemptFailure,
  attemptError,
  interpretAnswer,
  networkFailure,
  timeoutFailure,
  tooLarge,
  type Answer,
  type AttemptPhase,
  type CallDescription,
} from './callOutcome';
import { RemoteBackendError, redact } from './remoteErrors';
import { openTunnel, proxyFor, type Env, type ProxyOption, type ProxySettings } from './proxy';

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
  /** CAVRA answers a JSON object, except a few raw lists (`GET /policy-packs`): say which is expected. */
  answer?: 'object' | 'list';
}

export class HttpTransport {
  constructor(private readonly options: TransportOptions) {}

  /** Secrets to keep out of messages: the token, its header value, proxy credentials. */
  private secrets(spec?: CallSpec, proxy?: ProxySettings): string[] {
    const out: string[] = [];
    if (spec?.authorization) out.push(spec.authorization, spec.authorization.replace(/^\S+\s+/, '').trim());
    if (proxy) out.push(...proxy.secrets);
    return out;
  }

  private describeCall(spec: CallSpec, attempts: number): CallDescription {
    const proxy = proxyFor(this.target(spec), this.options.proxy, this.options.env);
    return {
      method: spec.method,
      endpoint: `${spec.method} ${spec.path}`,
      server: this.options.display,
      withToken: spec.authorization !== undefined,
      authHint: this.options.authHint,
      secrets: this.secrets(spec, proxy),
      attempts,
      answer: spec.answer ?? 'object',
    };
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
      const call = this.describeCall(spec, attempt);
      try {
        const answer = await this.attempt(spec);
        this.log(`CAVRA ${endpoint} → ${answer.status} (${Date.now() - started} ms)`, spec);
        return interpretAnswer(answer, call);
      } catch (e) {
        if (!(e instanceof AttemptFailure) && !(e instanceof RemoteBackendError)) throw e;
        failure = e instanceof AttemptFailure ? attemptError(e, call) : e;
      }
      if (attempt >= maxAttempts || !failure.transient) {
        this.log(`CAVRA ${endpoint} failed: ${failure.message}`, spec);
        throw failure;
      }
      const delay = this.backoff(attempt);
      this.log(
        `CAVRA ${endpoint} failed (${failure.kind}${failure.kind === 'http' ? ` ${failure.status}` : ''}); retrying in ${delay} ms (attempt ${attempt + 1} of ${maxAttempts})`,
        spec,
      );
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
      let phase: AttemptPhase = proxy ? 'proxy' : 'connect';
      let received = 0;
      const live: { destroy(): void }[] = [];
      const finish = (f: AttemptFailure | Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const x of live) x.destroy();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- AttemptFailure carries the outcome, not a stack
        if (f instanceof AttemptFailure) reject(f);
        else resolve(f);
      };
      const timer = setTimeout(() => finish(timeoutFailure(timeoutMs, phase, received)), timeoutMs);
      const where = { host, authority: url.host, proxy: proxy?.display };
      const onError = (e: NodeJS.ErrnoException) => {
        if (!settled) finish(networkFailure(e, phase, { ...where, received }));
      };

      const onResponse = (res: http.IncomingMessage) => {
        phase = 'body';
        const chunks: Buffer[] = [];
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxResponseBytes) {
          finish(tooLarge(maxResponseBytes, declared));
          return;
        }
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) {
            finish(tooLarge(maxResponseBytes));
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
      const tlsOptions: tls.ConnectionOptions = {
        servername: net.isIP(host) ? undefined : host,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      };
      const path = url.pathname + url.search;

      if (!proxy) {
        const common = { host, port, method: spec.method, path, headers, agent: false as const };
        send(isHttps ? https.request({ ...common, ...tlsOptions }) : http.request(common));
        return;
      }
      if (!isHttps) {
        // Plain HTTP through a proxy: the request line carries the absolute URL.
        const proxyHeaders = {
          ...headers,
          host: url.host,
          ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}),
        };
        phase = 'connect';
        send(
          http.request({
            host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
            port: proxy.url.port || 80,
            method: spec.method,
            path: url.href,
            headers: proxyHeaders,
            agent: false,
          }),
        );
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
}
