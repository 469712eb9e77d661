// Issue 14: the whole policy root is checked without repeating work. Counted, not timed, on the bench's
// own workspace shape (test/bench/measure/workspaceScale.ts: four levels of inheritance, every shape of
// pack in turn), scaled down to 120 packs of 30 rules: a pass merges each set of parents once and parses
// each parent's file once; asking again analyses nothing; a saved parent re-analyses only itself and the
// packs that inherit it. Every answer equals a fresh pass over a fresh catalog.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, analyzePackFile } from '../../../server/src/language/languageService';
import { InheritedPolicy, ResolvedAncestors } from '../../../server/src/language/inheritedPolicy';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { PolicyDocument } from '../../../server/src/language/parse/policyDocument';
import { ResultIds, WorkspaceDiagnostics } from '../../../server/src/workspaceDiagnostics';
import { workspaceTree } from '../../bench/measure/workspaceScale';

const check = { settings: () => ({ maxFileSize: 5 * 1024 * 1024 }), extra: () => [] };

describe('work of a whole-workspace pass (counted)', function () {
  this.timeout(120_000);
  const tree = workspaceTree(120, 30);
  let root: string;
  const fileOf = (id: string) => join(root, 'policies', id, 'policy.yaml');

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-workspace-work-')));
    for (const p of tree.packs) {
      mkdirSync(join(root, 'policies', p.id), { recursive: true });
      writeFileSync(fileOf(p.id), p.text);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /**
   * Every pack's diagnostics, by file, as a fresh catalog sees them, each file's text analysed on its own
   * (no pass, no tree shared with the catalog: the reference the pass must equal).
   */
  function fresh(): Map<string, string> {
    const catalog = new PackCatalog();
    catalog.scan([join(root, 'policies')]);
    const files = catalog.diskPacks().map((p) => p.file);
    return new Map(
      files.sort().map((file) => {
        const a = analyze(pathToFileURL(file).href, 0, readFileSync(file, 'utf8'), { file, catalog }, check.settings());
        return [file, JSON.stringify(a.diagnostics)];
      }),
    );
  }

  function pass(reports: WorkspaceDiagnostics): Map<string, string> {
    return new Map(reports.files(() => false).map((f) => [f, JSON.stringify(reports.report(f)?.diagnostics)]));
  }

  /** The packs some pack inherits (each is some pack's only parent here), and those of them that have a parent. */
  const parentSets = () => new Set(tree.packs.filter((p) => p.parent).map((p) => p.parent!));
  const parentsWithParents = () => [...parentSets()].filter((id) => tree.packs.find((p) => p.id === id)!.parent).length;

  it('reads each pack into a tree once, merges each set of parents once, and analyses nothing when asked again', () => {
    const catalog = new PackCatalog();
    catalog.scan([join(root, 'policies')]);
    const ids = new ResultIds();
    const reports = new WorkspaceDiagnostics(catalog, check, ids);
    const merges = InheritedPolicy.built;
    const chains = ResolvedAncestors.merged;
    const reads = PolicyDocument.reads;
    const first = pass(reports);
    assert.equal(first.size, tree.packs.length);
    // 40 packs are inherited (the root, 4 of the first level, 35 of the second); each is some pack's only parent here.
    assert.equal(InheritedPolicy.built - merges, parentSets().size, 'merges of the parents in one pass');
    // Each inherited pack's own ancestors are merged once, shared by every set of parents that reaches it
    // (before: a third-level parent's merge merged the chain from the root again).
    assert.equal(ResolvedAncestors.merged - chains, parentsWithParents(), 'ancestor chains merged in one pass');
    // Nothing to compare the first answers with: no finding's JSON made (hashing it all was 0.3 s of 500 packs).
    assert.equal(ids.compared, 0, 'findings compared in the first pass');
    assert.equal(catalog.diskOnly().diskParses, parentSets().size, 'parents parsed from disk in one pass');
    // Each pack file read into a tree once: a parent's own analysis takes the tree its children's merges read.
    assert.equal(PolicyDocument.reads - reads, tree.packs.length, 'pack files read into a tree in one pass');
    assert.equal(reports.analysed, tree.packs.length);

    const again = pass(reports);
    assert.equal(reports.analysed, tree.packs.length, 'nothing analysed again when nothing changed');
    assert.equal(InheritedPolicy.built - merges, parentSets().size, 'no merge built again');
    assert.deepEqual(again, first);
    assert.deepEqual(first, fresh(), 'the same answer as a fresh pass');
  });

  it('re-analyses only a saved parent and the packs that inherit it, with the answer of a fresh pass', () => {
    const catalog = new PackCatalog();
    catalog.scan([join(root, 'policies')]);
    const reports = new WorkspaceDiagnostics(catalog, check, new ResultIds());
    pass(reports);
    const before = reports.analysed;

    // The hub (inherited by 27 of the 120 packs) saved with a rule its children already list.
    const hub = tree.packs.find((p) => p.id === tree.hub)!;
    const lines = hub.text.split('\n');
    // The last descendant written as YAML (a line of a pack written as JSON is no entry in the hub's YAML).
    const child = tree.hubDescendants
      .map((id) => tree.packs.find((p) => p.id === id)!)
      .filter((p) => !p.text.startsWith('{'))
      .at(-1)!;
    const childLine = child.text.split('\n')[child.edit.line];
    lines.splice(hub.edit.line, 0, childLine);
    writeFileSync(fileOf(hub.id), lines.join('\n'));
    try {
      catalog.scan([join(root, 'policies')]);
      const chains = ResolvedAncestors.merged;
      const merges = InheritedPolicy.built;
      const reads = PolicyDocument.reads;
      const after = pass(reports);
      // The saved hub read once, for itself and its children's merges; of its descendants, only those nobody
      // inherits are read again (a parent's tree is kept while its file is unchanged).
      const leaves = tree.hubDescendants.filter((id) => !parentSets().has(id)).length;
      assert.equal(PolicyDocument.reads - reads, 1 + leaves, 'pack files read into a tree again');
      assert.equal(reports.analysed - before, 1 + tree.hubDescendants.length, 'the hub and its descendants, nothing else');
      // The hub's chain and those of its children that are parents: nothing above it or beside it.
      const hubParents = tree.packs.filter((p) => p.parent === tree.hub && parentSets().has(p.id)).length;
      assert.equal(ResolvedAncestors.merged - chains, 1 + hubParents, 'ancestor chains merged again');
      assert.equal(InheritedPolicy.built - merges, 1 + hubParents, 'sets of parents merged again');
      assert.deepEqual(after, fresh(), 'the same answer as a fresh pass');
      const childFindings = after.get(fileOf(child.id))!;
      assert.ok(
        childFindings.includes(tree.hub),
        `the descendant now names the hub in a finding: ${childFindings.slice(0, 300)}`,
      );
    } finally {
      writeFileSync(fileOf(hub.id), hub.text);
    }
  });

  it('result ids: the same findings keep their id, other findings get a new one, only findings made anew are compared', () => {
    const ids = new ResultIds();
    const finding = (message: string) => ({
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
      message,
      source: 'cavra',
    });
    const kept = Array.from({ length: 50 }, (_, i) => finding(`kept ${i}`));
    const a = ids.of('file:///a', [...kept, finding('one')]);
    const b = ids.of('file:///b', [finding('one')]);
    assert.notEqual(a, b, 'each document has its own id');
    assert.equal(ids.compared, 0);
    const same = [...kept, finding('one')];
    assert.equal(ids.of('file:///a', same), a, 'equal findings in a new array keep the id');
    assert.equal(ids.compared, 1, 'only the finding made anew is compared; the 50 handed out again are the same objects');
    assert.equal(ids.of('file:///a', same), a, 'the very same array is not compared again');
    assert.equal(ids.compared, 1);
    const changed = ids.of('file:///a', [...kept, finding('two')]);
    assert.notEqual(changed, a, 'other findings, a new id');
    assert.notEqual(ids.of('file:///a', [...kept]), changed, 'one finding fewer, a new id');
    const shorter = ids.of('file:///a', [...kept]);
    assert.equal(
      ids.of('file:///a', [...kept, finding('one')]),
      String(Number(shorter) + 1),
      'back to the first findings: a newer id still',
    );
    ids.forget('file:///a');
    assert.notEqual(ids.of('file:///a', same), a, 'a document forgotten starts again with a new id');
  });

  it("typing in a pack the pass read on the catalog's tree never reaches that tree (its children's merges read it)", () => {
    const catalog = new PackCatalog();
    catalog.scan([join(root, 'policies')]);
    const first = pass(new WorkspaceDiagnostics(catalog, check, new ResultIds()));
    const disk = catalog.diskOnly();
    const hub = tree.packs.find((p) => p.id === tree.hub)!;
    const file = fileOf(hub.id);
    const uri = pathToFileURL(file).href;
    const shared = disk.sharedDocument(file, uri, hub.text)!;
    assert.ok(shared, 'the hub is inherited: the catalog keeps its tree');
    assert.equal(disk.document(hub.id), shared, "the children's merges read the same tree");
    const value = JSON.stringify(shared.value);
    // The editor opens the hub with the pass's analysis as the previous one (same text), then types in a list.
    const context = { file, catalog };
    const read = analyzePackFile(uri, hub.text, { file, catalog: disk }, check.settings());
    assert.equal(read.doc, shared, "the pass's analysis is made on the catalog's tree");
    let a = analyze(uri, 1, hub.text, context, check.settings(), read);
    const lines = hub.text.split('\n');
    const line = lines[hub.edit.line];
    lines[hub.edit.line] = `${line.slice(0, hub.edit.column)}x${line.slice(hub.edit.column)}`;
    a = analyze(uri, 2, lines.join('\n'), context, check.settings(), a);
    assert.notEqual(a.doc, shared);
    assert.equal(shared.text, hub.text);
    assert.equal(JSON.stringify(shared.value), value, "the catalog's tree is as the file is");
    assert.deepEqual(pass(new WorkspaceDiagnostics(catalog, check, new ResultIds())), first, 'the pass answers as before');
  });
});
