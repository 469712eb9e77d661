import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { noProxyMatches, proxyFor } from '../../../server/src/backend/remote/proxy';
import { CavraTestServer } from '../../server/cavraTestServer';
import { TestProxy } from '../../server/testProxy';
import { TOKEN, everythingIn, recordingEngine, rejection } from './remoteFixtures';

const CATALOG = { schema_version: 'cavra.policy_pack.catalog.v1', product: 'CAVRA', total: 0, items: [] };

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('remote backend: proxy selection (environment, NO_PROXY, loopback)', () => {
  const https = new URL('https://cavra.example.com/api');
  const http = new URL('http://cavra.example.com:8000');

  it('https targets use https_proxy / HTTPS_PROXY, http targets http_proxy / HTTP_PROXY; lower case wins', () => {
    assert.equal(proxyFor(https, undefined, { HTTPS_PROXY: 'http://proxy:3128' })?.display, 'http://proxy:3128');
    assert.equal(
      proxyFor(https, undefined, { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' })?.display,
      'http://low:1',
    );
    assert.equal(proxyFor(https, undefined, { HTTP_PROXY: 'http://proxy:3128' }), undefined);
    assert.equal(proxyFor(http, undefined, { HTTP_PROXY: 'proxy:3128' })?.display, 'http://proxy:3128');
  });

  it('NO_PROXY: *, exact hosts, domain suffixes with or without a dot, ports, IPs', () => {
    assert.ok(noProxyMatches('*', 'cavra.example.com', '443'));
    assert.ok(noProxyMatches('other, cavra.example.com', 'cavra.example.com', '443'));
    assert.ok(noProxyMatches('example.com', 'cavra.example.com', '443'));
    assert.ok(noProxyMatches('.example.com', 'cavra.example.com', '443'));
    assert.ok(noProxyMatches('*.example.com', 'cavra.example.com', '443'));
    assert.ok(noProxyMatches('cavra.example.com:443', 'cavra.example.com', '443'));
    assert.ok(!noProxyMatches('cavra.example.com:8443', 'cavra.example.com', '443'));
    assert.ok(!noProxyMatches('ample.com', 'cavra.example.com', '443'));
    assert.ok(noProxyMatches('10.0.0.5', '10.0.0.5', '80'));
    assert.ok(!noProxyMatches('10.0.0.5', '10.0.0.50', '80'));
    assert.equal(proxyFor(https, undefined, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.example.com' }), undefined);
  });

  it('loopback never uses an environment proxy; an explicit proxy applies everywhere; false disables', () => {
    assert.equal(proxyFor(new URL('http://127.0.0.1:9'), undefined, { HTTP_PROXY: 'http://proxy:3128' }), undefined);
    assert.equal(proxyFor(new URL('http://localhost:9'), undefined, { HTTP_PROXY: 'http://proxy:3128' }), undefined);
    assert.equal(proxyFor(new URL('http://127.0.0.1:9'), 'http://proxy:1', {})?.display, 'http://proxy:1');
    assert.equal(proxyFor(https, false, { HTTPS_PROXY: 'http://proxy:3128' }), undefined);
  });

  it('proxy credentials become Basic Proxy-Authorization and are not displayed', () => {
    const p = proxyFor(https, 'http://ana:p%40ss-word@proxy:3128', {})!;
    assert.equal(p.display, 'http://proxy:3128');
    assert.equal(p.authorization, `Basic ${Buffer.from('ana:p@ss-word').toString('base64')}`);
  });
});

describe('remote backend: TLS, extra CAs and proxies on the wire', function () {
  this.timeout(20_000);
  let dir: string;
  let certFile: string;
  let tlsServer: CavraTestServer;
  let plainServer: CavraTestServer;

  before(async function () {
    if (!hasOpenssl()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'cavra-remote-tls-'));
    certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=cavra.test',
        '-addext',
        'subjectAltName=DNS:cavra.test,DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const engine = recordingEngine({ catalog: () => CATALOG });
    tlsServer = await CavraTestServer.start({
      engine: engine.engine,
      tls: { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') },
    });
    plainServer = await CavraTestServer.start({ engine: engine.engine });
  });
  after(async () => {
    await tlsServer?.close();
    await plainServer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = (url: string, extra: Record<string, unknown> = {}) =>
    new RemoteBackend({ url, token: TOKEN, retries: 0, timeoutMs: 3000, proxy: false, ...extra });

  it('an untrusted certificate is a TLS failure that says how to trust a private CA', async () => {
    const e = await rejection(client(tlsServer.url).catalog());
    assert.equal(e.status, 0);
    assert.equal(e.kind, 'tls');
    assert.match(e.message, /: the TLS connection failed: self[- ]signed certificate/);
    assert.match(e.message, /give its PEM file in the CA file setting or in NODE_EXTRA_CA_CERTS\.$/);
    assert.ok(!everythingIn(e).includes(TOKEN));
  });

  it("caFile adds the CA to Node's list: the same server is then trusted", async () => {
    assert.deepEqual(await client(tlsServer.url, { caFile: certFile }).catalog(), CATALOG);
    assert.equal(tlsServer.hits[tlsServer.hits.length - 1].headers.authorization, `Bearer ${TOKEN}`);
  });

  it('TLS spoken to a plain HTTP server is a TLS failure, not a hang', async () => {
    const e = await rejection(client(plainServer.url.replace('http:', 'https:')).catalog());
    assert.equal(e.kind, 'tls');
  });

  it('HTTPS through a CONNECT proxy from HTTPS_PROXY: tunnel to host:port, TLS to the server inside', async () => {
    const proxy = await TestProxy.start({ hosts: { 'cavra.test': '127.0.0.1' } });
    try {
      const url = `https://cavra.test:${tlsServer.port}`;
      const b = new RemoteBackend({ url, token: TOKEN, retries: 0, caFile: certFile, env: { HTTPS_PROXY: proxy.url } });
      assert.deepEqual(await b.catalog(), CATALOG);
      assert.deepEqual(
        proxy.records.map((r) => [r.kind, r.target]),
        [['connect', `cavra.test:${tlsServer.port}`]],
      );
      assert.equal(proxy.records[0].authorization, undefined, 'the proxy never sees the token');
    } finally {
      await proxy.close();
    }
  });

  it('NO_PROXY sends the request directly', async () => {
    const proxy = await TestProxy.start();
    try {
      const b = new RemoteBackend({
        url: `https://localhost:${tlsServer.port}`,
        retries: 0,
        caFile: certFile,
        env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' },
      });
      assert.deepEqual(await b.catalog(), CATALOG);
      assert.equal(proxy.records.length, 0);
    } finally {
      await proxy.close();
    }
  });

  it('plain HTTP through a proxy: the absolute URL on the request line, Proxy-Authorization from the proxy URL', async () => {
    const auth = `Basic ${Buffer.from('ana:proxy-secret-77').toString('base64')}`;
    const proxy = await TestProxy.start({ hosts: { 'cavra.test': '127.0.0.1' }, requireAuthorization: auth });
    try {
      const url = `http://cavra.test:${plainServer.port}`;
      const b = new RemoteBackend({
        url,
        token: TOKEN,
        retries: 0,
        env: { HTTP_PROXY: `http://ana:proxy-secret-77@${proxy.url.slice('http://'.length)}` },
      });
      assert.deepEqual(await b.catalog(), CATALOG);
      assert.deepEqual(
        proxy.records.map((r) => [r.kind, r.target, r.proxyAuthorization]),
        [['forward', `${url}/policy-pack-catalog`, auth]],
      );
      assert.equal(plainServer.hits[plainServer.hits.length - 1].headers['proxy-authorization'], undefined);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that refuses the tunnel, or wants credentials, is a proxy failure without secrets in it', async () => {
    const refusing = await TestProxy.start({ refuseConnect: 403 });
    const wanting = await TestProxy.start({ requireAuthorization: 'Basic nope' });
    try {
      const e = await rejection(
        new RemoteBackend({
          url: `https://cavra.test:${tlsServer.port}`,
          token: TOKEN,
          retries: 0,
          proxy: refusing.url,
        }).catalog(),
      );
      assert.equal(e.status, 0);
      assert.equal(e.kind, 'proxy');
      assert.match(
        e.message,
        new RegExp(
          `through the proxy: the proxy ${refusing.url.replace(/[.:/]/g, '\\$&')} answered 403 Forbidden to CONNECT cavra\\.test:${tlsServer.port}\\. Check HTTPS_PROXY`,
        ),
      );
      const withCreds = `http://ana:proxy-secret-88@${wanting.url.slice('http://'.length)}`;
      const e2 = await rejection(
        new RemoteBackend({ url: `https://cavra.test:${tlsServer.port}`, token: TOKEN, retries: 0, proxy: withCreds }).catalog(),
      );
      assert.match(e2.message, /answered 407 Proxy Authentication Required/);
      assert.ok(!everythingIn(e2).includes('proxy-secret-88'));
      assert.ok(!everythingIn(e2).includes(Buffer.from('ana:proxy-secret-88').toString('base64')));
    } finally {
      await refusing.close();
      await wanting.close();
    }
  });

  it('a proxy that is down: proxy failure naming the proxy', async () => {
    const e = await rejection(
      new RemoteBackend({ url: 'https://cavra.test', retries: 0, proxy: 'http://127.0.0.1:1' }).catalog(),
    );
    assert.equal(e.kind, 'proxy');
    assert.match(e.message, /through the proxy: cannot connect to the proxy http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});
