// Child process: the time to load and evaluate dist/client.js with a minimal fake `vscode` module
// stub. This is NOT extension activation (no extension host, activate() is not called); real
// activation is measured in code-server by measure/activation.ts. Prints JSON.
import Module from 'node:module';

/** Any property is another stub, callable and constructable, so top-level `extends vscode.X` works. */
function stub(): unknown {
  const target = function () {
    /* stub */
  };
  return new Proxy(target, {
    get: (t, key) => (key === 'prototype' ? t.prototype : key === Symbol.toPrimitive ? () => '' : stub()),
    construct: () => ({}),
    apply: () => undefined,
  });
}

const fakeVscode = stub();
const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: typeof load })._load = (request: string, ...rest: unknown[]) =>
  request === 'vscode' ? fakeVscode : load(request, ...rest);

const started = performance.now();
const client = Module.createRequire(process.argv[2])(process.argv[2]) as { activate?: unknown };
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, hasActivate: typeof client.activate === 'function' }));
