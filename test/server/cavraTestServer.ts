// A real HTTP server on 127.0.0.1 that speaks CAVRA's API (SPEC 3, 4, 7) over a `Backend` engine — the
// local backend in a temp dir for the parity and pinning suites (localCavraServer.ts). It answers the
// way CAVRA's FastAPI app does: `{"detail": "..."}` with the engine's status, 422 validation lists,
// Starlette's 404/405, a plain-text 500. It records every request and can misbehave on demand
// (faults.ts). Tests only: production code never imports this.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type * as net from 'node:net';
import { BackendError, type Backend, type PublishSigning } from '../../server/src/backend/backend';
import { findRoute, type RouteContext } from './cavraRoutes';
import { RequestValidationError, readBodyObject, starletteJson } from './fastapiJson';
import { applyFault, faultMatches, type Fault, type FaultKind, type FaultRule } from './faults';

export interface CavraTestServerOptions {
  engine: Backend;
  /** CAVRA's $CAVRA_POLICY_SIGNING_KEY: publish signs HS256 with it, or the digest-keyed SHA256 form without. */
  signingKey?: string;
  /** GET /console/session; default: an unauthenticated local_or_demo session. */
  consoleSession?: (authorization: string | undefined) => Promise<unknown> | unknown;
  /** GET /console/config; default: CAVRA's endpoint map, no OIDC/RBAC. */
  consoleConfig?: () => unknown;
  /** GET /policy-packs (CAVRA's raw registry list); without it the route answers 404. */
  policyPacks?: () => Promise<unknown[]>;
  /** Largest request body read (a CAVRA server behind a proxy has one too). Default 1 MiB. */
  maxRequestBytes?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string };
}

export interface RecordedHit {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `handler`, or the fault that answered. */
  answeredBy: 'handler' | FaultKind;
  status?: number;
}

export const CONSOLE_ENDPOINTS = {
  policy_pack_catalog: '/policy-pack-catalog',
  policy_pack_draft: '/policy-packs/draft',
  policy_pack_publish_plan: '/policy-packs/publish-plan',
  policy_pack_publish_request: '/policy-packs/publish-request',
  policy_pack_publish: '/policy-packs/publish',
  approvals: '/approvals',
  policy_rollout_change_plan: '/policy-rollouts/change-plan',
  policy_rollout_apply_change: '/policy-rollouts/apply-change',
};

function defaultConsoleConfig(): unknown {
  return {
    endpoints: CONSOLE_ENDPOINTS,
    approval_mode: 'json',
    inventory_mode: 'json',
    approval_oidc: 'not_configured',
    approval_rbac: 'not_configured',
  };
}

function defaultConsoleSession(): unknown {
  return {
    schema_version: 'cavra.console.session.v1',
    mode: 'local_or_demo',
    authenticated: false,
    auth_required: false,
    actor: null,
    repository_permissions: [],
    permissions: {
      read_activity: true,
      read_inventory: true,
      read_integrations: true,
      read_evidence_metadata: true,
      decide_approvals: true,
      publish_policy_packs: true,
      create_break_glass: true,
    },
    operator_notes: ['OIDC and RBAC are not configured; console actions are not identity-verified.'],
  };
}

export class CavraTestServer {
  readonly hits: RecordedHit[] = [];
  private readonly faults: FaultRule[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: http.Server;
  url = '';

  private constructor(private readonly options: CavraTestServerOptions) {}

  static async start(options: CavraTestServerOptions): Promise<CavraTestServer> {
    const s = new CavraTestServer(options);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void s.handle(req, res);
    s.server = options.tls
      ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
      : http.createServer(handler);
    s.server.on('connection', (socket) => {
      s.sockets.add(socket);
      socket.on('close', () => s.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    s.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Queues a fault (default: the next request of any kind, once). */
  fault(rule: FaultRule | Fault): void {
    const r: FaultRule = 'fault' in rule ? rule : { fault: rule };
    this.faults.push({ ...r, times: r.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  hitsFor(method: string, path: string): RecordedHit[] {
    return this.hits.filter((h) => h.method === method && h.path === path);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const limit = this.options.maxRequestBytes ?? 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new BackendError(413, 'Request Entity Too Large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private send(
    res: http.ServerResponse,
    hit: RecordedHit,
    status: number,
    body: Buffer,
    contentType = 'application/json',
    headers: http.OutgoingHttpHeaders = {},
  ): void {
    hit.status = status = status >= 100 && status <= 599 ? status : 500;
    res.writeHead(status, { 'content-type': contentType, 'content-length': String(body.length), server: 'uvicorn', ...headers });
    res.end(body);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path: string;
    try {
      path = decodeURIComponent(parsed.pathname);
    } catch {
      path = parsed.pathname;
    }
    const hit: RecordedHit = { method, path, query: parsed.search, headers: { ...req.headers }, body: '', answeredBy: 'handler' };
    this.hits.push(hit);

    let raw: Buffer;
    try {
      raw = await this.readBody(req);
    } catch (e) {
      if (e instanceof BackendError) this.send(res, hit, e.status, starletteJson(e.toJSON()));
      else res.destroy();
      return;
    }
    hit.body = raw.toString('utf8');

    const rule = this.faults.find((r) => faultMatches(r, method, path));
    if (rule) {
      rule.times = (rule.times ?? 1) - 1;
      if (rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
      hit.answeredBy = rule.fault.kind;
      if (rule.fault.kind === 'answer') hit.status = rule.fault.status;
      applyFault(rule.fault, res, this.timers);
      return;
    }

    const { route, params, allowed } = findRoute(method, path);
    if (!route) {
      if (allowed.length)
        this.send(res, hit, 405, starletteJson({ detail: 'Method Not Allowed' }), 'application/json', {
          allow: allowed.join(', '),
        });
      else this.send(res, hit, 404, starletteJson({ detail: 'Not Found' }));
      return;
    }
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const signing: PublishSigning = this.options.signingKey ? { hmac_key: this.options.signingKey } : {};
    const ctx: RouteContext = {
      engine: this.options.engine,
      params,
      query: parsed.searchParams,
      ...(authorization !== undefined ? { authorization } : {}),
      body: (optional = false) => readBodyObject(raw, optional),
      signing,
      consoleSession: async () => (this.options.consoleSession ?? defaultConsoleSession)(authorization),
      consoleConfig: () => (this.options.consoleConfig ?? defaultConsoleConfig)(),
      ...(this.options.policyPacks ? { policyPacks: this.options.policyPacks } : {}),
    };
    try {
      const result = await route.handle(ctx);
      this.send(res, hit, 200, starletteJson(result));
    } catch (e) {
      if (e instanceof RequestValidationError) this.send(res, hit, 422, starletteJson(e.body()));
      else if (e instanceof BackendError) this.send(res, hit, e.status, starletteJson({ detail: e.detail }));
      else this.send(res, hit, 500, Buffer.from('Internal Server Error'), 'text/plain; charset=utf-8');
    }
  }
}
