// Our own (about 140 lines) rather than a proxy-agent package: Node's http has no proxy support, and the
// well-kept agents bring a dependency tree for what is one CONNECT and one NO_PROXY match here.
// Which proxy a request to the CAVRA server goes through, from an explicit setting or the usual
// environment variables, and the CONNECT tunnel that carries HTTPS through it.
//
//   https targets: https_proxy, HTTPS_PROXY     http targets: http_proxy, HTTP_PROXY
//   (lower case wins, as in curl). NO_PROXY / no_proxy: comma- or space-separated `*`, host names
//   (`example.com` and `.example.com` both cover sub-domains), IP addresses, optionally `:port`.
//   Loopback (localhost, 127.0.0.0/8, ::1) never goes through an environment proxy; an explicit
//   proxy setting applies to every address.
//   Only http:// proxies are supported; credentials in the proxy URL become Proxy-Authorization.
import * as http from 'node:http';
import * as net from 'node:net';

export interface ProxySettings {
  /** `http://[user:pass@]host:port`; credentials are sent as Basic Proxy-Authorization. */
  url: URL;
  /** The URL with credentials removed, for messages. */
  display: string;
  /** `Basic …` when the proxy URL carries credentials. */
  authorization?: string;
  /** The raw credentials, to be redacted from every message. */
  secrets: string[];
}

export type Env = { [name: string]: string | undefined };

/** `false` disables proxies; a URL string forces one; undefined reads the environment. */
export type ProxyOption = string | false | undefined;

export class ProxyConfigError extends Error {}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** True when NO_PROXY covers the host (and port). */
export function noProxyMatches(noProxy: string, host: string, port: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[') && net.isIP(entry) !== 6) {
      entry = portMatch[1];
      entryPort = portMatch[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (h.endsWith(entry) || h === entry.slice(1)) return true;
    } else if (h === entry || (net.isIP(entry) === 0 && h.endsWith(`.${entry}`))) {
      return true;
    }
  }
  return false;
}

export function parseProxyUrl(value: string): ProxySettings {
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    throw new ProxyConfigError(`the proxy address is not a URL`);
  }
  if (url.protocol !== 'http:') {
    throw new ProxyConfigError(`proxies with scheme "${url.protocol.replace(':', '')}" are not supported; use an http:// proxy`);
  }
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const secrets = [user, pass, url.username, url.password].filter((s) => s.length > 0);
  const authorization = user || pass ? `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` : undefined;
  const display = `http://${url.host}`;
  return { url, display, authorization, secrets: authorization ? [...secrets, authorization] : secrets };
}

/** The proxy for a target URL, or undefined for a direct connection. */
export function proxyFor(target: URL, option: ProxyOption, env: Env): ProxySettings | undefined {
  if (option === false || option === '') return undefined;
  // An explicit proxy setting applies to every address; the environment's skips loopback and NO_PROXY.
  if (typeof option === 'string') return parseProxyUrl(option);
  if (isLoopback(target.hostname)) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  if (noProxyMatches(noProxy, target.hostname, port)) return undefined;
  const value = target.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY);
  return value ? parseProxyUrl(value) : undefined;
}

/** Why a tunnel could not be opened; `status` is the proxy's HTTP answer, when it gave one. */
export class ProxyTunnelError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Opens `CONNECT host:port` through the proxy and resolves with the raw socket of the tunnel.
 * `register` receives the CONNECT request so that the caller's deadline can destroy it.
 */
export function openTunnel(
  proxy: ProxySettings,
  host: string,
  port: string,
  register: (req: http.ClientRequest) => void,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const headers: http.OutgoingHttpHeaders = { host: authority };
    if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
    const req = http.request({
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.url.port || 80,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    });
    register(req);
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(
        new ProxyTunnelError(
          `the proxy ${proxy.display} answered ${res.statusCode} ${res.statusMessage ?? ''} to CONNECT ${authority}`.trim(),
          res.statusCode,
        ),
      );
    });
    req.once('error', (e: NodeJS.ErrnoException) => reject(e));
    req.end();
  });
}
