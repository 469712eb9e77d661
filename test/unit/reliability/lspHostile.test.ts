// Hostile documents over the real stdio server (`node dist/server.js --stdio`, heap capped): generated
// texts opened and then edited with random incremental changes; after each burst the server's
// diagnostics for the final version are exactly what the protocol-free service finds for the text we
// expect it to hold (incremental sync is lossless), every range is inside the document, and hover,
// completion, symbols, code lens and code actions answer without an error. Then the 50 MB cases: a
// 50 MB document is refused with one warning and the server keeps answering; a 50 MB policy on disk in
// the policy root must not stop the server from starting; and neither is parsed for a publish plan.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { ResponseError, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import type { BackendError } from '../../../server/src/backend/backend';
import { createLocalBackend } from '../../../server/src/backend/local';
import { analyze } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { WorkflowRequests, type WorkflowErrorData } from '../../../server/src/protocol';
import { LspClient } from '../../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../../lsp/tempWorkspace';
import { Figures } from './support/figures';
import { assertRangeInside, linesOf } from './support/languageInvariants';
import { bigPolicy, HEAD } from './support/nastyInputs';
import { hostilePolicy, seedPolicies } from './support/policyTexts';

/** The server runs with this heap: a 50 MB file must be refused, not parsed, to fit. */
const SERVER_HEAP = { NODE_OPTIONS: '--max-old-space-size=512' };

const edit = fc.record({
  a: fc.nat(),
  b: fc.nat(),
  text: fc.oneof(
    fc.constantFrom(
      '',
      ':',
      '- ',
      '\n',
      '\r\n',
      '  ',
      '"',
      '[',
      '{',
      '#',
      '*a',
      '&a ',
      '\t',
      '\uD83D\uDD12',
      'metadata:\n  id: x\n',
    ),
    fc.string({ maxLength: 8 }),
  ),
});

/** A random ranged change over the current text, as an editor sends it. */
function change(doc: TextDocument, e: { a: number; b: number; text: string }): TextDocumentContentChangeEvent {
  const len = doc.getText().length;
  const [from, to] = [e.a % (len + 1), e.b % (len + 1)].sort((x, y) => x - y);
  return { range: { start: doc.positionAt(from), end: doc.positionAt(to) }, text: e.text };
}

const plain = (ds: Diagnostic[]) =>
  JSON.stringify(ds.map((d) => ({ range: d.range, severity: d.severity, code: d.code, message: d.message })));

async function answered<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ResponseError) throw new Error(`${what} answered an error: ${e.message}`);
    throw e;
  }
}

describe('reliability: hostile documents over the stdio server', function () {
  this.timeout(180_000);
  const figures = new Figures('Hostile input: the stdio language server', 'test/unit/reliability/lspHostile.test.ts');
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => figures.save());

  it('generated documents with random incremental edits: synced losslessly, ranges inside, every feature answers', async () => {
    const ws = tempWorkspace({ 'policies/cavra-studio-minimal/policy.yaml': HEAD.replace('cavra-fuzz', 'cavra-studio-minimal') });
    const client = await LspClient.start({ workspace: ws.root, env: SERVER_HEAP });
    const catalog = new PackCatalog();
    catalog.scan([join(ws.root, 'policies')]);
    const seed = Number(process.env.CAVRA_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const runs = Math.round(150 * Number(process.env.CAVRA_FUZZ_SCALE ?? 1));
    let synced = 0;
    let completed = false;
    let edits = 0;
    let requests = 0;
    // Ranges outside the document are collected (the run goes on checking the sync) and reported at the end.
    const outside: string[] = [];
    const inside = (lines: string[], r: Range, what: string, context: string) => {
      try {
        assertRangeInside(lines, r, what);
      } catch (e) {
        if (outside.length < 5) outside.push(`${(e as Error).message}\n  ${context}`);
      }
    };
    try {
      const cases = fc.sample(fc.tuple(hostilePolicy(seedPolicies()), fc.array(edit, { minLength: 1, maxLength: 5 })), {
        numRuns: runs,
        seed,
      });
      for (const [i, [text, burst]] of cases.entries()) {
        // Outside a pack folder: the server's catalog then holds nothing of this document between versions.
        const file = join(ws.root, 'drafts', `case-${i}.yaml`);
        const uri = pathToFileURL(file).href;
        let doc = TextDocument.create(uri, 'cavra-policy', 1, text);
        await client.open(uri, text);
        const opened = await client.diagnostics(uri, 1);
        let context = `seed ${seed}, case ${i}: ${JSON.stringify(doc.getText().slice(0, 300))}`;
        assert.equal(plain(opened), plain(analyze(uri, 1, doc.getText(), { file, catalog }).diagnostics), `open: ${context}`);
        for (const e of burst) {
          const c = change(doc, e);
          doc = TextDocument.update(doc, [c], doc.version + 1);
          await client.change(uri, [c]);
          edits++;
        }
        const final = await client.diagnostics(uri, doc.version);
        context = `seed ${seed}, case ${i} after ${burst.length} edit(s): ${JSON.stringify(doc.getText().slice(0, 300))}`;
        const expected = analyze(uri, doc.version, doc.getText(), { file, catalog }).diagnostics;
        assert.equal(plain(final), plain(expected), context);
        synced++;
        const lines = linesOf(doc.getText());
        for (const d of final) inside(lines, d.range, `diagnostic ${String(d.code)}`, context);
        const last = lines.length - 1;
        const positions = [
          { line: 0, character: 0 },
          { line: last, character: lines[last].length },
          ...final.slice(0, 2).map((d) => d.range.start),
        ];
        for (const position of positions) {
          const h = await answered('hover', client.hover(uri, position));
          if (h?.range) inside(lines, h.range, 'hover', context);
          await answered('completion', client.completion(uri, position));
          requests += 2;
        }
        const whole: Range = { start: { line: 0, character: 0 }, end: { line: last, character: lines[last].length } };
        await answered('codeAction', client.codeActions(uri, whole, final));
        await answered('codeLens', client.codeLenses(uri));
        // The outline may fail on inputs the language service fuzz names; here only ranges are checked.
        const symbols = await client
          .documentSymbols(uri)
          .catch((e: unknown) => (e instanceof ResponseError ? [] : Promise.reject(e)));
        for (const s of (symbols ?? []) as { range: Range }[]) inside(lines, s.range, 'symbol', context);
        requests += 3;
        await client.close(uri);
      }
      const state = await client.documentState('file:///nowhere.yaml');
      assert.equal(state, null, 'the server still answers');
      completed = true;
      assert.deepEqual(outside, [], 'ranges outside the document');
    } finally {
      figures.add({
        what: 'documents opened over stdio, then edited incrementally',
        count: runs,
        unit: `generated documents (${edits} ranged edits, ${requests} feature requests)`,
        outcome: `${synced} of ${runs} final versions equal to the in-process analysis of the expected text; ${outside.length ? `${outside.length}+ ranges outside the document` : '0 ranges outside the document'}; ${completed ? '0 error answers, server alive' : 'stopped early (see the test output)'}`,
      });
      await client.stop();
      ws.remove();
    }
  });

  describe('50 MB', () => {
    let ws: TempWorkspace;
    beforeEach(() => {
      ws = tempWorkspace({ 'policies/cavra-fuzz/policy.yaml': HEAD });
    });
    afterEach(() => ws.remove());

    it('a 50 MB document is refused with one warning; features answer; the server keeps working (512 MB heap)', async () => {
      const client = await LspClient.start({ workspace: ws.root, env: SERVER_HEAP });
      try {
        const uri = client.uriOf('policies/cavra-huge/policy.yaml');
        const big = bigPolicy(50);
        await client.open(uri, big);
        const [warning, ...rest] = await client.diagnostics(uri, 1);
        assert.deepEqual(rest, []);
        assert.equal(warning.code, 'file-too-large');
        assert.equal(
          warning.message,
          'This file is 50.0 MB, above the 5.0 MB limit (setting cavra.maxFileSizeMb); it was not analysed.',
        );
        assert.equal(await client.hover(uri, { line: 10, character: 8 }), null);
        assert.deepEqual(await client.documentSymbols(uri), []);
        // An edit at the end of the 50 MB text is still refused, not analysed.
        const lines = linesOf(big);
        const v = await client.change(uri, [
          {
            range: { start: { line: lines.length - 1, character: 0 }, end: { line: lines.length - 1, character: 0 } },
            text: '# edited\n',
          },
        ]);
        assert.deepEqual(
          (await client.diagnostics(uri, v)).map((d) => d.code),
          ['file-too-large'],
        );
        // Neither is it parsed for a publish plan: refused with the setting named.
        const refused = await client.connection.sendRequest(WorkflowRequests.publishPlan, { uri }).then(
          () => undefined,
          (e: ResponseError<WorkflowErrorData>) => e.data,
        );
        assert.equal(refused?.status, 413);
        assert.match(
          refused?.detail ?? '',
          /is 50\.0 MB, above the 5 MB limit \(setting cavra\.maxFileSizeMb\): it was not read as a draft$/,
        );
        const small = client.uriOf('policies/cavra-fuzz/policy.yaml');
        await client.open(small, HEAD);
        assert.ok(Array.isArray(await client.diagnostics(small, 1)));
        figures.add({
          what: '50 MB document: didOpen, edit, hover, symbols, publish plan',
          count: 1,
          unit: 'document over stdio, server heap 512 MB',
          outcome: 'one warning, plan refused (413), server answering',
        });
      } finally {
        await client.stop();
      }
    });

    it('the local backend does not parse a 50 MB published pack: catalog leaves it out, evaluate names the limit', async () => {
      writeFileSync(join(ws.root, 'policies', 'cavra-fuzz', 'policy.yaml'), bigPolicy(50));
      writeFileSync(join(ws.root, 'policies', 'cavra-ok.yaml'), 'not a pack folder');
      const backend = createLocalBackend({ root: ws.root });
      assert.deepEqual((await backend.catalog()).items, []);
      await assert.rejects(
        backend.evaluate({ action_type: 'read_file', target: '.env', policy_pack: 'cavra-fuzz' }),
        (e: BackendError) => {
          assert.equal(e.status, 400);
          assert.match(
            e.detail,
            /policy\.yaml is 50\.0 MB, above the 5\.0 MB limit for policy files \(setting cavra\.maxFileSizeMb\); it was not read$/,
          );
          return true;
        },
      );
    });

    it('a 50 MB policy.yaml on disk in the policy root does not stop the server from starting (512 MB heap)', async () => {
      writeFileSync(join(ws.root, 'policies', 'cavra-fuzz', 'policy.yaml'), bigPolicy(50));
      let client: LspClient | undefined;
      try {
        client = await LspClient.start({ workspace: ws.root, env: SERVER_HEAP });
        const uri = client.uriOf('policies/cavra-other/policy.yaml');
        await client.open(uri, HEAD.replace('cavra-fuzz', 'cavra-other'));
        assert.ok(Array.isArray(await client.diagnostics(uri, 1)));
      } catch (e) {
        assert.fail(
          `the server did not start with a 50 MB pack on disk (server/src/language/packCatalog.ts scan() parses every policy.yaml whatever its size): ${(e as Error).message.slice(0, 400)}`,
        );
      } finally {
        await client?.stop();
      }
    });
  });
});
