// Helpers for the remote backend suites: a recording engine behind the test server, a port nothing
// listens on, and a deep dump of an error to search for secrets.
import * as net from 'node:net';
import { inspect } from 'node:util';
import { BackendError, type Backend } from '../../../server/src/backend/backend';
import { RemoteBackend, type RemoteBackendOptions } from '../../../server/src/backend/remote';
import { CavraTestServer, type CavraTestServerOptions } from '../../server/cavraTestServer';

export const TOKEN = 'tok_S3cr3t-9f8e7d6c5b4a';

export interface EngineCall {
  method: keyof Backend;
  args: unknown[];
}

/** A Backend that records each call and answers `{endpoint: name, ...}` or what `answers` say. */
export function recordingEngine(answers: Partial<Record<keyof Backend, (...args: never[]) => unknown>> = {}): {
  engine: Backend;
  calls: EngineCall[];
} {
  const calls: EngineCall[] = [];
  const engine = new Proxy({} as Backend, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return async (...args: unknown[]) => {
        calls.push({ method: prop as keyof Backend, args });
        const answer = answers[prop as keyof Backend] as ((...a: unknown[]) => unknown) | undefined;
        return answer ? answer(...args) : { answered_by: prop };
      };
    },
  });
  return { engine, calls };
}

/** Throws CAVRA's error from an engine answer. */
export function refuse(status: number, detail: string): () => never {
  return () => {
    throw new BackendError(status, detail);
  };
}

/** A port on 127.0.0.1 with nothing listening (connection refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Everything an error exposes: message, stack, own and hidden properties, JSON. */
export function everythingIn(error: unknown): string {
  const e = error as Error;
  let json = '';
  try {
    json = JSON.stringify(error);
  } catch {
    json = '';
  }
  return [String(error), e?.message, e?.stack, inspect(error, { showHidden: true, depth: Infinity, getters: true }), json].join(
    '\n',
  );
}

/** Awaits a rejection and returns the error (fails when the promise resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { [k: string]: unknown }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { [k: string]: unknown };
  }
  throw new Error('expected a rejection, got a result');
}

export interface Harness {
  server: CavraTestServer;
  backend: RemoteBackend;
  log: string[];
  calls: EngineCall[];
  /** A client with other options against the same server. */
  client(options?: Partial<RemoteBackendOptions>): RemoteBackend;
}

/** Starts a test server over the engine and a RemoteBackend with a token and a log. */
export async function startHarness(
  engine: { engine: Backend; calls: EngineCall[] } = recordingEngine(),
  serverOptions: Partial<CavraTestServerOptions> = {},
  clientOptions: Partial<RemoteBackendOptions> = {},
): Promise<Harness> {
  const server = await CavraTestServer.start({ engine: engine.engine, ...serverOptions });
  const log: string[] = [];
  const client = (options: Partial<RemoteBackendOptions> = {}) =>
    new RemoteBackend({
      url: server.url,
      token: TOKEN,
      timeoutMs: 2000,
      retryBaseMs: 5,
      retryMaxMs: 20,
      proxy: false,
      log: (line) => log.push(line),
      ...clientOptions,
      ...options,
    });
  return { server, backend: client(), log, calls: engine.calls, client };
}
