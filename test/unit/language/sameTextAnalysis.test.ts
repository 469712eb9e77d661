// The same text of a document analysed again (the editor opening a pack the workspace pass has just
// read from disk; every open document analysed again after a settings change) takes over the last
// analysis's tree and findings instead of reading the text again. Counted, not timed: no entry is
// judged again; and the answer equals a fresh analysis of the same text.
import { strict as assert } from 'node:assert';
import { analyze, sameTextAnalysis } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { generatePolicy } from '../../bench/measure/policyGenerator';

const FILE = '/ws/policies/cavra-bench/policy.yaml';
const URI = `file://${FILE}`;

function catalogs(): { editor: PackCatalog; disk: PackCatalog } {
  const editor = new PackCatalog();
  editor.scan(['/ws/policies']);
  return { editor, disk: editor.diskOnly() };
}

describe('the same text analysed again is taken over, not read again', () => {
  const text = generatePolicy(2_000, 5, 'prefix').text;

  it('an open after the workspace pass read the same text re-judges no entry and answers as a fresh analysis', () => {
    const { editor, disk } = catalogs();
    const pass = analyze(URI, 0, text, { file: FILE, catalog: disk });
    const shadows = pass.findings!.shadows;
    const judged = shadows.judgedCount;
    assert.equal(sameTextAnalysis(URI, text), pass);
    const opened = analyze(URI, 1, text, { file: FILE, catalog: editor }, undefined, sameTextAnalysis(URI, text));
    assert.equal(opened.findings?.shadows, shadows, 'the findings were built again');
    assert.equal(shadows.judgedCount, judged, 'entries were judged again');
    assert.equal(opened.doc.version, 1);
    const fresh = analyze(URI, 1, text, { file: FILE, catalog: catalogs().editor });
    assert.notEqual(fresh.findings?.shadows, shadows);
    assert.deepEqual(opened.diagnostics, fresh.diagnostics);
    assert.deepEqual(opened.summary, fresh.summary);
  });

  it('only the same text of the same document', () => {
    const { editor } = catalogs();
    analyze(URI, 1, text, { file: FILE, catalog: editor });
    assert.equal(sameTextAnalysis(URI, `${text}\n`), undefined);
    assert.equal(sameTextAnalysis('file:///ws/policies/other/policy.yaml', text), undefined);
  });

  it('a tree an edit took over is never taken again: the old text is read afresh', () => {
    const { editor } = catalogs();
    const context = { file: FILE, catalog: editor };
    const first = analyze(URI, 1, text, context);
    const at = text.indexOf('"', text.indexOf('block_read:')) + 3;
    const edited = `${text.slice(0, at)}7${text.slice(at)}`;
    const second = analyze(URI, 2, edited, context, undefined, first);
    assert.equal(second.findings?.shadows, first.findings?.shadows, 'the edit was not applied in place');
    // `first`'s tree now belongs to `second`: asked to take it over again, the text is read anew.
    const again = analyze(URI, 3, text, context, undefined, first);
    assert.notEqual(again.findings?.shadows, first.findings?.shadows);
    assert.deepEqual(again.diagnostics, analyze(URI, 3, text, { file: FILE, catalog: catalogs().editor }).diagnostics);
  });
});
