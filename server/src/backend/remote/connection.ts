// The connection to a CAVRA server: its options (URL, token, time limits, proxy, extra CAs), checked
// when the backend is made, and the GET/POST calls every endpoint goes through.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { HttpTransport, type CallSpec } from './httpTransport';
import { parseProxyUrl, ProxyConfigError, type Env } from './proxy';
import { RemoteBackendError } from './remoteErrors';
import { encodeJson } from './requestBodies';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_READ_RETRIES = 2;
export const DEFAULT_RETRY_BASE_MS = 250;
export const DEFAULT_RETRY_MAX_MS = 4_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_AUTH_HINT =
  'Set or refresh the CAVRA API token (VS Code: the "CAVRA: Set Remote Token" command keeps it in SecretStorage; CLI: export it in the variable named by --token-env).';

/** Where the token comes from: a value, or a function asked before every call (SecretStorage, env). */
export type TokenSource = string | undefined | (() => string | undefined | Promise<string | undefined>);

export interface RemoteBackendOptions {
  /** The CAVRA server's base URL, http:// or https://, optionally with a path prefix. No credentials. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`; never logged, never in an error. */
  token?: TokenSource;
  /** Time limit per attempt, connect to last byte. Default 15 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for GET requests after a transient failure. Default 2; mutations are never retried. */
  retries?: number;
  /** First backoff delay; doubles per retry up to `retryMaxMs`, with jitter. Defaults 250 / 4 000 ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Answers larger than this are refused. Default 16 MiB. */
  maxResponseBytes?: number;
  /** `http://[user:pass@]host:port` forces a proxy, `false` disables proxies; default HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy?: string | false;
  /** A PEM file of extra certificate authorities to trust (besides Node's list and NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  /** PEM text of extra certificate authorities (same as caFile, for callers that hold the text). */
  ca?: string;
  /** Environment for proxy variables and NODE_EXTRA_CA_CERTS; default process.env. */
  env?: Env;
  userAgent?: string;
  /** What a 401 message tells the user to do. */
  authHint?: string;
  /** One line per call and per retry; the token never appears in it. */
  log?: (line: string) => void;
  /** Waits between read retries; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

function configError(detail: string): RemoteBackendError {
  return new RemoteBackendError({ kind: 'config', status: 0, detail, message: `CAVRA remote backend: ${detail}` });
}

function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw configError(`the server URL "${raw}" is not a URL (expected e.g. https://cavra.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`the server URL must start with http:// or https:// (got ${url.protocol})`);
  }
  if (url.username || url.password) {
    throw configError(
      'the server URL must not contain credentials; keep the token in the token setting (SecretStorage) or its environment variable',
    );
  }
  if (url.search || url.hash) throw configError('the server URL must not contain a query or a fragment');
  return url;
}

/** Node's CA list plus NODE_EXTRA_CA_CERTS plus the given PEM: giving `ca` to TLS replaces the defaults. */
function trustedCas(options: RemoteBackendOptions, env: Env): string[] | undefined {
  const extra: string[] = [];
  if (options.caFile) {
    try {
      extra.push(readFileSync(options.caFile, 'utf8'));
    } catch (e) {
      throw configError(
        `the CA file ${options.caFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  }
  if (options.ca) extra.push(options.ca);
  if (extra.length === 0) return undefined;
  if (!extra.every((pem) => pem.includes('-----BEGIN CERTIFICATE-----'))) {
    throw configError(
      `the CA ${options.caFile ? `file ${options.caFile}` : 'text'} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  const fromEnv: string[] = [];
  if (env.NODE_EXTRA_CA_CERTS) {
    try {
      fromEnv.push(readFileSync(env.NODE_EXTRA_CA_CERTS, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  return [...tls.rootCertificates, ...fromEnv, ...extra];
}

export function query(params: { [key: string]: string | number | undefined } | undefined): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const segment = encodeURIComponent;
/** Rollout ids may contain `/` (CAVRA's route is `{rollout_id:path}`): each part is encoded alone. */
export const pathSegments = (id: string) => id.split('/').map(segment).join('/');

/** A checked configuration and the calls made with it; the token is read before every call. */
export class RemoteConnection {
  private readonly transport: HttpTransport;
  /** The server's base URL as configured (no credentials). */
  readonly display: string;
  private readonly tokenSource: TokenSource;

  constructor(options: RemoteBackendOptions) {
    const url = parseServerUrl(options.url);
    const env = options.env ?? process.env;
    if (typeof options.proxy === 'string' && options.proxy) {
      try {
        parseProxyUrl(options.proxy);
      } catch (e) {
        if (e instanceof ProxyConfigError) throw configError(`proxy setting: ${e.message}`);
        throw e;
      }
    }
    this.display = url.href.replace(/\/+$/, '');
    this.tokenSource = options.token;
    const positive = (value: number | undefined, fallback: number) =>
      value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
    this.transport = new HttpTransport({
      baseUrl: url,
      display: this.display,
      timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS),
      retries: Math.min(10, Math.max(0, Math.floor(options.retries ?? DEFAULT_READ_RETRIES))),
      retryBaseMs: positive(options.retryBaseMs, DEFAULT_RETRY_BASE_MS),
      retryMaxMs: positive(options.retryMaxMs, DEFAULT_RETRY_MAX_MS),
      maxResponseBytes: positive(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
      proxy: options.proxy,
      env,
      ca: trustedCas(options, env),
      userAgent: options.userAgent ?? 'cavra-policy-studio',
      authHint: options.authHint ?? DEFAULT_AUTH_HINT,
      log: options.log,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
  }

  private async authorization(): Promise<string | undefined> {
    const source = this.tokenSource;
    const token = typeof source === 'function' ? await source() : source;
    const trimmed = token?.trim();
    return trimmed ? `Bearer ${trimmed}` : undefined;
  }

  async get<T>(path: string): Promise<T> {
    const spec: CallSpec = { method: 'GET', path, authorization: await this.authorization() };
    return (await this.transport.call(spec)) as T;
  }

  /** A GET whose answer is a raw JSON list (CAVRA's `GET /policy-packs`), not the usual object. */
  async getList<T>(path: string): Promise<T[]> {
    const spec: CallSpec = { method: 'GET', path, authorization: await this.authorization(), answer: 'list' };
    return (await this.transport.call(spec)) as T[];
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const spec: CallSpec = { method: 'POST', path, body: encodeJson(body), authorization: await this.authorization() };
    return (await this.transport.call(spec)) as T;
  }
}
