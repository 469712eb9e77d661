// The language client's message trace (`cavra.trace.server`: "verbose" prints every request's params)
// would otherwise print the actor token (`actor_token` of a guarded mutation, `cavra/actorAuth/verify`)
// and the remote token (`cavra/credentials`). The trace goes through this channel, which masks them.
import type * as vscode from 'vscode';

const SECRET_FIELDS = /("(?:actor_token|token)"\s*:\s*")(?:[^"\\]|\\.)*(")/g;

/** `text` with the values of the token fields of JSON params replaced by `***`. */
export function maskTokens(text: string): string {
  return text.replace(SECRET_FIELDS, '$1***$2');
}

const WRITERS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/** `channel`, with every string written to it masked (the language client's `traceOutputChannel`). */
export function maskedChannel(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && WRITERS.has(prop))
        return (message: unknown, ...rest: unknown[]) =>
          (value as (...a: unknown[]) => unknown).call(
            target,
            typeof message === 'string' ? maskTokens(message) : message,
            ...rest,
          );
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
