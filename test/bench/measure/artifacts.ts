// What ships and what loads: bundle and VSIX sizes, and the stub-load time of the client bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Samples } from './samples';

export interface ArtifactSizes {
  client?: number;
  server?: number;
  cli?: number;
  vsix?: number;
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : undefined);
const sumOf = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a + b);

/** Sizes of the production bundles and the VSIX that `npm run package` wrote (snapshotted in `dir`). */
export function artifactSizes(dir: string): ArtifactSizes {
  return {
    client: sizeOf(join(dir, 'client.js')),
    // The launcher and the bundle it starts (server/src/launch/).
    server: sumOf(sizeOf(join(dir, 'server.js')), sizeOf(join(dir, 'server-bundle.js'))),
    cli: sumOf(sizeOf(join(dir, 'cli.js')), sizeOf(join(dir, 'cli-bundle.js'))),
    vsix: sizeOf(join(dir, 'cavra-policy-studio.vsix')),
  };
}

/** Time to load and evaluate dist/client.js with a minimal fake `vscode` module stub (not activation). */
export function clientStubLoad(loaderJs: string, clientJs: string, reps: number): Samples {
  const s = new Samples();
  if (!existsSync(clientJs)) {
    s.fail(`${clientJs} is missing`);
    return s;
  }
  for (let i = 0; i < reps; i++) {
    const r = spawnSync(process.execPath, [loaderJs, clientJs], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) s.fail(r.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.status}`);
    else s.add((JSON.parse(r.stdout) as { ms: number }).ms);
  }
  return s;
}
