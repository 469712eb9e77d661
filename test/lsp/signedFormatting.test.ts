// A published policy.yaml is signed byte for byte: formatting it would break its policy.yaml.sig.json.
// Over a real stdio connection: the first request is refused with a warning the user sees, asking
// again for the same version formats it, and an unsigned pack is formatted at once without a word.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  MessageType,
  ShowMessageNotification,
  type ShowMessageParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { serializeSignature, signPolicyBytes, verifyPolicySignature } from '../../server/src/signing';
import { LspClient } from './lspClient';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';
import { applyEdits } from './textEdits';

const PATH = 'policies/cavra-example/policy.yaml';
/** Valid, but indented by four: formatting would re-indent it. */
const TEXT = `metadata:
    id: cavra-example
    title: Signed pack
    description: Published and signed.
    version: "1.0.0"
commands:
    block: ["terraform apply*"]
`;
const OPTIONS = { tabSize: 2, insertSpaces: true };

describe('formatting a signed policy.yaml over stdio', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  let messages: ShowMessageParams[];
  let uri: string;

  const format = (): Promise<TextEdit[] | null> =>
    client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: OPTIONS });

  async function start(signed: boolean, text = TEXT): Promise<void> {
    ws = tempWorkspace({ [PATH]: text });
    if (signed) {
      const sig = signPolicyBytes(Buffer.from(text, 'utf8'), { now: new Date(Date.UTC(2026, 4, 1)) });
      ws.write(`${PATH}.sig.json`, serializeSignature(sig));
    }
    client = await LspClient.start({ workspace: ws.root });
    messages = [];
    client.connection.onNotification(ShowMessageNotification.type, (m) => {
      messages.push(m);
    });
    uri = client.uriOf(PATH);
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
  }

  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it('advertises document and range formatting', async () => {
    await start(false);
    assert.equal(client.initializeResult.capabilities.documentFormattingProvider, true);
    assert.equal(client.initializeResult.capabilities.documentRangeFormattingProvider, true);
  });

  it('refuses the first request with a warning that says why and how to format anyway', async () => {
    await start(true);
    assert.deepEqual(await format(), []);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].type, MessageType.Warning);
    assert.match(messages[0].message, /policy\.yaml is signed \(policy\.yaml\.sig\.json beside it\)/);
    assert.match(messages[0].message, /signature would no longer verify/);
    assert.match(messages[0].message, /run Format Document again within 10 seconds/);
  });

  it('formats when asked again for the same version; the signature then no longer verifies, as warned', async () => {
    await start(true);
    assert.deepEqual(await format(), []);
    const edits = (await format()) ?? [];
    assert.ok(edits.length > 0, 'the second request formats');
    assert.equal(messages.length, 1, 'no second warning');
    const formatted = applyEdits(TEXT, edits);
    assert.match(formatted, /^ {2}id: cavra-example$/m);
    const sig = readFileSync(`${ws.root}/${PATH}.sig.json`, 'utf8');
    assert.equal(verifyPolicySignature(Buffer.from(TEXT), sig).ok, true);
    assert.equal(verifyPolicySignature(Buffer.from(formatted), sig).ok, false);
  });

  it('an edit in between makes the next request a first one again (range formatting too)', async () => {
    await start(true);
    assert.deepEqual(await format(), []);
    await client.change(uri, TEXT.replace('Signed pack', 'Signed pack!'));
    const range = { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } };
    const ranged = () =>
      client.connection.sendRequest(DocumentRangeFormattingRequest.type, { textDocument: { uri }, range, options: OPTIONS });
    assert.deepEqual(await ranged(), []);
    assert.equal(messages.length, 2);
    assert.ok(((await ranged()) ?? []).length > 0);
  });

  it('says nothing when the signed file is already formatted', async () => {
    const formatted = TEXT.replace(/^ {4}/gm, '  ');
    await start(true, formatted);
    assert.deepEqual(await format(), []);
    assert.deepEqual(messages, []);
  });

  it('formats an unsigned policy.yaml at once, without a message', async () => {
    await start(false);
    const edits = (await format()) ?? [];
    assert.equal(applyEdits(TEXT, edits), TEXT.replace(/^ {4}/gm, '  '));
    assert.deepEqual(messages, []);
  });
});
