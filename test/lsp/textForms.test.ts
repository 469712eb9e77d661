// The same findings, at the same places, whatever the file looks like: CRLF, a byte-order mark,
// nothing at all, only comments, more than one document.
import { strict as assert } from 'node:assert';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from './lspClient';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';
import { applyEdits, editsOf } from './textEdits';

const PATH = 'policies/cavra-example/policy.yaml';
const FLAWED = `metadata:
  id: cavra-example
  title: Example
  version: 1.10
filesystem:
  block_read:
    - ".env"
    - ".env"
  allow_read: ["docs/**"]
commands: {block: ["terraform *"], allow: ["terraform plan*"]}
`;

const shape = (ds: Diagnostic[]) => ds.map((d) => ({ code: d.code, range: d.range }));

describe('diagnostics on every form of text', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  before(async () => {
    ws = tempWorkspace({ [PATH]: '' });
    client = await LspClient.start({ workspace: ws.root });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  let n = 0;
  /** Opens the text as a new document in the pack folder and returns its first diagnostics. */
  async function diagnose(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = client.uriOf(`policies/cavra-example/policy.yaml?case=${n++}`);
    await client.open(uri, text);
    return { uri, diagnostics: await client.diagnostics(uri, 1) };
  }

  it('reports a CRLF file at the same lines and columns as its LF twin', async () => {
    const lf = await diagnose(FLAWED);
    const crlf = await diagnose(FLAWED.replace(/\n/g, '\r\n'));
    assert.deepEqual(
      lf.diagnostics.map((d) => d.code),
      ['missing-field', 'wrong-type', 'duplicate-entry', 'unknown-key', 'unreachable-rule'],
    );
    assert.deepEqual(shape(crlf.diagnostics), shape(lf.diagnostics));
  });

  it('counts a byte-order mark the client sent as a character of line 1 only', async () => {
    const lf = await diagnose(FLAWED);
    const bom = await diagnose(`\ufeff${FLAWED}`);
    const shifted = shape(lf.diagnostics).map((d) =>
      d.range.start.line === 0
        ? {
            ...d,
            range: {
              start: { line: 0, character: d.range.start.character + 1 },
              end: { line: 0, character: d.range.end.character + 1 },
            },
          }
        : d,
    );
    assert.deepEqual(shape(bom.diagnostics), shifted);
  });

  it('an empty file is an empty policy, with a fix that writes the metadata', async () => {
    const { uri, diagnostics } = await diagnose('');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range]),
      [['not-a-mapping', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]],
    );
    const [fix] = (await client.codeActions(uri, diagnostics[0].range, diagnostics)) ?? [];
    assert.equal(fix?.title, 'Add a metadata section');
    const fixed = applyEdits('', editsOf(fix, uri));
    assert.equal(
      fixed,
      'metadata:\n  id: cavra-example\n  title: Title\n  description: What this pack protects and for whom.\n  version: "1.0.0"\n',
    );
  });

  it('a file of only comments is an empty policy reported on its first line', async () => {
    const { diagnostics } = await diagnose('# to do\n# more to do\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line, d.range.end.character]),
      [['not-a-mapping', 0, 7]],
    );
  });

  it('a second document is an error, and the first is still checked', async () => {
    const { diagnostics } = await diagnose('metadata:\n  id: cavra-example\n---\nmetadata:\n  id: cavra-other\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line]),
      [
        ['missing-field', 0],
        ['multiple-documents', 2],
      ],
    );
  });

  it('quick fixes on a CRLF file write CRLF line breaks only', async () => {
    const text = FLAWED.replace(/\n/g, '\r\n');
    const { uri, diagnostics } = await diagnose(text);
    const actions =
      (await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } }, diagnostics)) ?? [];
    assert.ok(actions.length >= 4, actions.map((a) => a.title).join(', '));
    for (const action of actions) {
      const after = applyEdits(text, editsOf(action, uri));
      assert.doesNotMatch(after, /[^\r]\n/, `"${action.title}" wrote a bare LF:\n${JSON.stringify(after)}`);
    }
  });
});
