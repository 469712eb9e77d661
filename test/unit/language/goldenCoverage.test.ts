// Every diagnostic code the server emits is shown by at least one golden publishDiagnostics case.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES } from '../../../server/src/language/diagnosticCodes';
import { repoRoot } from '../../lsp/repoRoot';

/**
 * Codes a golden case cannot show: they need a setting (lsp/settings.test.ts), keys and pins
 * (workflows/keyTrust.test.ts), or nothing emits them yet.
 */
const ELSEWHERE = new Set([
  'file-too-large',
  'schema',
  'signature-mismatch',
  'publish-provenance',
  'signature-not-pinned',
  'private-key-in-workspace',
  // needs a decision log (lsp/ruleActivity.test.ts)
  'unused-rule',
]);

describe('golden cases cover the diagnostic codes', () => {
  it('has a publishDiagnostics case for every code', () => {
    const dir = join(repoRoot, 'test', 'golden', 'publishDiagnostics');
    const shown = new Set<string>();
    for (const name of readdirSync(dir)) {
      for (const m of readFileSync(join(dir, name), 'utf8').matchAll(/"code": "([a-z0-9-]+)"/g)) shown.add(m[1]);
    }
    assert.deepEqual(
      Object.keys(DIAGNOSTIC_CODES).filter((c) => !ELSEWHERE.has(c) && !shown.has(c)),
      [],
    );
  });
});
