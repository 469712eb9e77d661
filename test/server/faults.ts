// Ways the test server can misbehave, for the remote client's failure tests. Each fault answers one
// request in its own way instead of CAVRA's handler; the server queues them (cavraTestServer.ts).
import type * as http from 'node:http';

export type Fault =
  /** Read the request, then never answer (the client's time limit must end it). */
  | { kind: 'stall' }
  /** Close the connection without any answer. */
  | { kind: 'reset' }
  /** Announce a JSON body, send part of it, then close the connection. */
  | { kind: 'drop'; status?: number }
  /** 500 with an HTML error page, as a proxy or a crashed app server sends. */
  | { kind: 'html500' }
  /** 200 application/json whose body is not JSON. */
  | { kind: 'invalidJson'; body?: string }
  /** 200 with a body of `bytes` bytes; `declared` false streams it chunked with no Content-Length. */
  | { kind: 'huge'; bytes: number; declared?: boolean }
  /** A valid JSON answer sent one byte every `intervalMs`. */
  | { kind: 'trickle'; intervalMs: number; body?: unknown }
  /** Any canned answer: a status, a body (JSON-encoded unless a string), a content type, headers. */
  | { kind: 'answer'; status: number; body?: unknown; contentType?: string; headers?: { [name: string]: string } };

export type FaultKind = Fault['kind'];

/** Which requests a queued fault applies to, and how many times. */
export interface FaultRule {
  fault: Fault;
  method?: string;
  /** Exact path (no query) or a RegExp over it. */
  path?: string | RegExp;
  /** How many matching requests it answers; default 1; Infinity for all. */
  times?: number;
}

export function faultMatches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
}

const HTML_500 =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title><style>body{font-family:sans-serif}</style></head>' +
  '<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body></html>\n';

/**
 * Answers with the fault. `timers` collects intervals so that closing the server stops them; the
 * socket of a stalled request is left open until the server closes.
 */
export function applyFault(fault: Fault, res: http.ServerResponse, timers: Set<NodeJS.Timeout>): void {
  switch (fault.kind) {
    case 'stall':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'drop': {
      const body = Buffer.from(
        JSON.stringify({ schema_version: 'cavra.policy_pack.catalog.v1', product: 'CAVRA', total: 0, items: [] }),
      );
      res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        const t = setTimeout(() => res.socket?.destroy(), 20);
        timers.add(t);
      });
      return;
    }
    case 'html500': {
      const body = Buffer.from(HTML_500);
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    case 'invalidJson': {
      const body = Buffer.from(fault.body ?? '{"schema_version": "cavra.policy_pack.catalog.v1", "items": [');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    case 'huge': {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (fault.declared !== false) headers['content-length'] = String(fault.bytes);
      res.writeHead(200, headers);
      let left = fault.bytes;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(chunk.subarray(0, n))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    case 'trickle': {
      const body = Buffer.from(JSON.stringify(fault.body ?? { items: [], total: 0 }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      let sent = 0;
      const t = setInterval(() => {
        if (res.destroyed || sent >= body.length) {
          clearInterval(t);
          timers.delete(t);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(sent, sent + 1));
        sent++;
      }, fault.intervalMs);
      timers.add(t);
      return;
    }
    case 'answer': {
      const body =
        typeof fault.body === 'string'
          ? Buffer.from(fault.body)
          : fault.body === undefined
            ? Buffer.alloc(0)
            : Buffer.from(JSON.stringify(fault.body));
      res.writeHead(fault.status, {
        'content-type': fault.contentType ?? 'application/json',
        'content-length': String(body.length),
        ...(fault.headers ?? {}),
      });
      res.end(body);
      return;
    }
  }
}
