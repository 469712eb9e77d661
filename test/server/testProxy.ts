// A forward proxy on 127.0.0.1 for the remote client's proxy tests: CONNECT tunnels (HTTPS) and
// absolute-URL requests (HTTP), host names mapped to local addresses, optional Basic auth, and a
// record of what it was asked. Tests only.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestProxyOptions {
  /** Host names the proxy resolves itself, e.g. {"cavra.test": "127.0.0.1"}. */
  hosts?: { [name: string]: string };
  /** Required `Proxy-Authorization` value; 407 without it. */
  requireAuthorization?: string;
  /** Answer every CONNECT with this status instead of tunnelling. */
  refuseConnect?: number;
}

export interface ProxyRecord {
  kind: 'connect' | 'forward';
  /** `host:port` for CONNECT, the absolute URL for a forwarded request. */
  target: string;
  proxyAuthorization?: string;
  authorization?: string;
}

export class TestProxy {
  readonly records: ProxyRecord[] = [];
  private readonly sockets = new Set<net.Socket>();
  private server!: http.Server;
  url = '';

  private constructor(private readonly options: TestProxyOptions) {}

  static async start(options: TestProxyOptions = {}): Promise<TestProxy> {
    const p = new TestProxy(options);
    p.server = http.createServer((req, res) => p.forward(req, res));
    p.server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => p.tunnel(req, socket, head));
    p.server.on('connection', (socket) => {
      p.sockets.add(socket);
      socket.on('close', () => p.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    p.url = `http://127.0.0.1:${(p.server.address() as AddressInfo).port}`;
    return p;
  }

  private resolve(host: string): string {
    return this.options.hosts?.[host] ?? host;
  }

  private authorized(req: http.IncomingMessage): boolean {
    return !this.options.requireAuthorization || req.headers['proxy-authorization'] === this.options.requireAuthorization;
  }

  private tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.sockets.add(socket);
    this.records.push({ kind: 'connect', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
    if (!this.authorized(req)) {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    if (this.options.refuseConnect) {
      socket.end(`HTTP/1.1 ${this.options.refuseConnect} Forbidden\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), this.resolve(host), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.records.push({
      kind: 'forward',
      target: req.url ?? '',
      proxyAuthorization: req.headers['proxy-authorization'],
      authorization: req.headers.authorization,
    });
    if (!this.authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-type': 'text/html' });
      res.end('<html><body>Proxy Authentication Required</body></html>');
      return;
    }
    const target = new URL(req.url ?? '/');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      {
        host: this.resolve(target.hostname),
        port: target.port || 80,
        method: req.method,
        path: target.pathname + target.search,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}
