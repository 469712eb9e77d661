// The stdio writer's JSON (server/src/messageEncoder.ts): what it writes is the message, read back by
// Node's own JSON.parse, whatever the message; a finding republished as the same object is not
// stringified again, a new one is.
import { strict as assert } from 'node:assert';
import type { Diagnostic, Message } from 'vscode-languageserver/node';
import { FindingsEncoder } from '../../../server/src/messageEncoder';

const finding = (line: number, message: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  range: { start: { line, character: 4 }, end: { line, character: 20 } },
  severity: 4,
  code: 'redundant-rule',
  source: 'cavra',
  message,
  data: { path: ['filesystem', 'block_read', line] },
  ...extra,
});

async function written(encoder: FindingsEncoder, msg: Message, charset: 'utf-8' | 'ascii' = 'utf-8'): Promise<unknown> {
  const bytes = await encoder.encode(msg, { charset });
  return JSON.parse(Buffer.from(bytes).toString(charset === 'ascii' ? 'ascii' : 'utf8'));
}

const publish = (uri: string, diagnostics: Diagnostic[], version?: number): Message =>
  ({
    jsonrpc: '2.0',
    method: 'textDocument/publishDiagnostics',
    params: version === undefined ? { uri, diagnostics } : { uri, version, diagnostics },
  }) as Message;

describe('FindingsEncoder (the stdio transport writes findings from their kept JSON)', () => {
  it('writes a publication exactly: any text in messages and URIs, with and without a version, empty lists', async () => {
    const e = new FindingsEncoder();
    const tricky = [
      finding(1, 'Redundant: "**/*.pem" (line 3) — ünïcödé, emoji 🔑, a lone surrogate \ud800, a newline\nand "quotes"'),
      finding(2, 'the words "diagnostics":[] and "items":[] inside a message', {
        relatedInformation: [
          {
            location: {
              uri: 'file:///a/"diagnostics":[]',
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
            },
            message: 'x',
          },
        ],
      }),
      finding(3, 'plain'),
    ];
    for (const msg of [
      publish('file:///w/policies/p/policy.yaml', tricky, 7),
      publish('file:///w/"diagnostics":[]/policy.yaml', tricky),
      publish('file:///w/empty.yaml', [], 2),
    ]) {
      assert.deepEqual(await written(e, msg), JSON.parse(JSON.stringify(msg)));
    }
    // Every byte accounted for: the buffer is the JSON, nothing after it.
    const bytes = await e.encode(publish('file:///x', tricky, 1), { charset: 'utf-8' });
    assert.equal(Buffer.from(bytes).toString('utf8'), JSON.stringify(publish('file:///x', tricky, 1)));
  });

  it('writes a full document report (a pull answer) the same way, and any other message as JSON.stringify does', async () => {
    const e = new FindingsEncoder();
    const items = [finding(1, 'one'), finding(2, 'two')];
    const full = { jsonrpc: '2.0', id: 12, result: { kind: 'full', resultId: '"items":[]', items } } as Message;
    assert.deepEqual(await written(e, full), JSON.parse(JSON.stringify(full)));
    assert.equal(e.made, 2);
    const related = {
      jsonrpc: '2.0',
      id: 13,
      result: { kind: 'full', items, relatedDocuments: { 'file:///b': { kind: 'full', items } } },
    } as Message;
    assert.deepEqual(await written(e, related), JSON.parse(JSON.stringify(related)));
    const others: Message[] = [
      { jsonrpc: '2.0', id: 1, result: { kind: 'unchanged', resultId: '4' } } as Message,
      { jsonrpc: '2.0', id: 2, result: null } as Message,
      { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'hello "diagnostics":[]' } } as Message,
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'no' } } as Message,
    ];
    for (const msg of others) {
      const bytes = await e.encode(msg, { charset: 'utf-8' });
      assert.equal(Buffer.from(bytes).toString('utf8'), JSON.stringify(msg));
    }
  });

  it('stringifies a finding once while it is published again as the same object; a new object is stringified', async () => {
    const e = new FindingsEncoder();
    const kept = Array.from({ length: 500 }, (_, i) => finding(i, `Redundant entry ${i}`));
    await written(e, publish('file:///p', kept, 1));
    assert.equal(e.made, 500);
    // The next keystroke: one finding made anew (same content or not), the rest handed out again.
    const next = [...kept];
    next[250] = finding(250, 'Redundant entry 250, said differently');
    assert.deepEqual(await written(e, publish('file:///p', next, 2)), JSON.parse(JSON.stringify(publish('file:///p', next, 2))));
    assert.equal(e.made, 501);
    await written(e, publish('file:///p', next, 3));
    assert.equal(e.made, 501);
  });

  it('keeps nothing of a publication without a version (a pack that is not open)', async () => {
    const e = new FindingsEncoder();
    const msg = publish('file:///closed', [finding(1, 'one'), finding(2, 'two')]);
    assert.deepEqual(await written(e, msg), JSON.parse(JSON.stringify(msg)));
    assert.equal(e.made, 0);
  });

  it('writes ASCII when the connection asks for it', async () => {
    const e = new FindingsEncoder();
    const msg = publish('file:///p', [finding(1, 'plain ascii')], 1);
    assert.deepEqual(await written(e, msg, 'ascii'), JSON.parse(JSON.stringify(msg)));
  });
});
