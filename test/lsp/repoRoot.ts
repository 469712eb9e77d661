// The repository root, found from wherever the bundled test file runs (out/test/<suite>/...).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function find(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas', 'policy.schema.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`No repository root above ${start}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = find(__dirname);
