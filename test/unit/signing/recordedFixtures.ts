// Locates test/fixtures/cavra-recorded above the bundled test (out/test/unit/signing) or the
// working directory (bundles built elsewhere, run from the repo root).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function fixturesDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, 'test', 'fixtures', 'cavra-recorded');
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(`test/fixtures/cavra-recorded not found above ${__dirname} or ${process.cwd()}`);
}

export function recordedBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir(), name)));
}

export function recordedText(name: string): string {
  return readFileSync(join(fixturesDir(), name), 'utf8');
}
