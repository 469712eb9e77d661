// What the catalog and the workspace pass keep of packs that are not open: their findings and
// snapshots, never their texts (workspaceDiagnostics.ts). V8 makes a substring of 13 characters or more
// a slice of its source, so a kept pack id, title or `inherits` entry kept the whole file alive: a pass
// over the bench's 500-pack workspace held 1,000 file texts where 85 (the parents' trees) are needed.
// Measured on the heap after full collections, with texts of 256 KB that are kept or not: large enough
// that what else a pass leaves on the heap (compiled code, caches; 0.3-0.7 MB here) is well under the budget.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { unsliced } from '../../../server/src/policy/unsliced';
import { ResultIds, WorkspaceDiagnostics } from '../../../server/src/workspaceDiagnostics';

const PARENTS = 20;
/** Two children per parent: each set of parents is merged once and the merge kept for both. */
const CHILDREN = 2 * PARENTS;
const PADDING = 256 * 1024;
const parentId = (p: number) => `cavra-retention-parent-${p}`;

/** A pack whose text is mostly a comment: keeping the text costs 256 KB, keeping what was read from it very little. */
function childText(i: number): string {
  return [
    'metadata:',
    `  id: cavra-retention-child-${i}`,
    `  title: A child pack kept only by what was read from it ${i}`,
    `  description: Its text must not outlive the pass that read it ${i}`,
    `  inherits: ${parentId(i % PARENTS)}`,
    'commands:',
    '  block:',
    // A repeat of the parent's entry, so the pass keeps a finding (an inherited duplicate) about this text.
    '    - "rm -rf /srv/shared/*"',
    `    - "curl https://example.invalid/child-${i}/*"`,
    `# ${'x'.repeat(PADDING)}`,
    '',
  ].join('\n');
}

const parentText = (p: number) =>
  [
    'metadata:',
    `  id: ${parentId(p)}`,
    '  title: A parent two children inherit',
    'commands:',
    '  block:',
    '    - "rm -rf /srv/shared/*"',
    '',
  ].join('\n');

describe('texts of packs that are not open are not kept', function () {
  this.timeout(120_000);
  let root: string;
  let gc: () => void;

  before(() => {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
    root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-text-retention-')));
    const write = (id: string, text: string) => {
      mkdirSync(join(root, 'policies', id), { recursive: true });
      writeFileSync(join(root, 'policies', id, 'policy.yaml'), text);
    };
    for (let p = 0; p < PARENTS; p++) write(parentId(p), parentText(p));
    for (let i = 0; i < CHILDREN; i++) write(`cavra-retention-child-${i}`, childText(i));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const heapUsed = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  /** Less than a quarter of the children's texts: keeping them all, or a merge keeping one per parent, is more. */
  const budget = (CHILDREN * PADDING) / 4;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

  /** A scanned catalog and a pass over it, with how many findings the pass keeps. */
  const pass = () => {
    const catalog = new PackCatalog();
    catalog.scan([join(root, 'policies')]);
    const reports = new WorkspaceDiagnostics(
      catalog,
      { settings: () => ({ maxFileSize: 5 * 1024 * 1024 }), extra: () => [] },
      new ResultIds(),
    );
    let findings = 0;
    for (const file of reports.files(() => false)) findings += reports.report(file)?.diagnostics.length ?? 0;
    return { catalog, reports, findings };
  };

  it('a scanned catalog and a workspace pass keep less than a quarter of the texts they read', () => {
    // Once first, so the code it compiles (also on the heap) is not counted as kept by the pass measured;
    // then the service's one-analysis slot (languageService.ts) is given an analysis of nothing, or it
    // would keep that first pass's catalog until the pass measured replaced it.
    pass();
    analyze('file:///elsewhere/policy.yaml', 0, 'metadata: {}\n', { catalog: new PackCatalog() });
    const before = heapUsed();
    const { catalog, reports, findings } = pass();
    const kept = heapUsed() - before;
    // The pass really kept findings that cite the children's entries.
    assert.ok(findings >= CHILDREN, `${findings} findings`);
    assert.ok(kept < budget, `${kb(kept)} kept after the pass, against ${kb(CHILDREN * PADDING)} of child texts read`);
    // Alive until measured.
    assert.equal(catalog.all().length + reports.files(() => false).length, 2 * (PARENTS + CHILDREN));
  });

  it('what an analysis recorded reading keeps the ids it asked, not the texts they were cut from', () => {
    const catalog = new PackCatalog();
    catalog.scan([join(root, 'policies')]);
    catalog.get(parentId(0));
    const before = heapUsed();
    // Each id asked is cut from a text of its own, as an analysis cuts `inherits` from the text it reads.
    const ask = (i: number) => {
      const text = `${childText(i)}\n`;
      const at = text.indexOf('inherits: ') + 'inherits: '.length;
      return catalog.recordReads(() => catalog.get(text.slice(at, text.indexOf('\n', at)))).reads;
    };
    const reads = Array.from({ length: CHILDREN }, (_, i) => ask(i));
    const kept = heapUsed() - before;
    assert.ok(
      reads.every((r, i) => r.byId.get(parentId(i % PARENTS))?.id === parentId(i % PARENTS)),
      'each read recorded under the id asked',
    );
    assert.ok(kept < budget, `${kb(kept)} kept by ${CHILDREN} recorded reads`);
  });

  it('unsliced keeps the characters', () => {
    for (const s of [
      '',
      'short',
      'exactly 13 ch',
      'a longer string cut from a text',
      '\u00e9\u4e2d\ud83d\ude00 and more than thirteen',
    ]) {
      const text = `<<${s}>>`;
      assert.equal(unsliced(text.slice(2, 2 + s.length)), s);
    }
  });
});
