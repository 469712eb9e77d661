// The arrows of shared/DESIGN.md that this code relies on, checked by following the imports: the
// language service reaches neither signing nor the backend nor node:crypto (a browser build is
// planned), and policy/ imports nothing of the project but itself.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';

const SRC = join(repoRoot, 'server', 'src');

/** Every project file `entry` reaches through static imports, and every outside module it names. */
function reach(entries: string[]): { files: Set<string>; modules: Set<string> } {
  const files = new Set<string>();
  const modules = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      if (!spec.startsWith('.')) {
        modules.add(spec);
        continue;
      }
      const base = resolve(dirname(file), spec);
      const target = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
      if (target) visit(target);
    }
  };
  entries.forEach(visit);
  return { files, modules };
}

describe('layering', () => {
  it('the language service imports nothing from signing/ or backend/, nor node:crypto', () => {
    const { files, modules } = reach([join(SRC, 'language', 'languageService.ts'), join(SRC, 'language', 'warmUp.ts')]);
    assert.ok(files.has(join(SRC, 'language', 'parse', 'policyDocument.ts')), 'the walk follows the imports');
    const outside = [...files].map((f) => relative(SRC, f)).filter((f) => /^(signing|backend|workflows|cli)[\\/]/.test(f));
    assert.deepEqual(outside, []);
    assert.deepEqual([...modules].filter((m) => m === 'node:crypto' || m === 'crypto'), []);
  });

  it('policy/ imports nothing of the project but itself', () => {
    const { files } = reach(readdirSync(join(SRC, 'policy')).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, 'policy', f)));
    assert.deepEqual([...files].map((f) => relative(SRC, f)).filter((f) => !/^policy[\\/]/.test(f)), []);
  });
});
